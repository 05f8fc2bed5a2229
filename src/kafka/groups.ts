// Consumer groups: list (every broker, all group types incl. KIP-848 'consumer'), describe (classic
// DescribeGroups, then ConsumerGroupDescribe for the groups the classic call cannot see), delete, and offset
// resets. Requests are batched per group coordinator.
import { decodeConsumerProtocolAssignment } from '@platformatic/kafka'
import { COORDINATOR_MOVED, type CoordinatorCache, groupByCoordinator } from './coordinators.ts'
import { protocolErrorName } from './error-mapping.ts'
import type { MetadataCache } from './metadata.ts'
import type {
  GroupDescription,
  GroupListing,
  GroupMemberDescription,
  GroupState,
  TopicPartition,
} from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertNames } from './validate.ts'
import type {
  ConsumerGroupDescribeResponse,
  DescribeGroupsResponse,
  ListGroupsResponse,
} from './wire-types.ts'

const STATES: Record<string, GroupState> = {
  stable: 'Stable',
  empty: 'Empty',
  preparingrebalance: 'PreparingRebalance',
  completingrebalance: 'CompletingRebalance',
  assigning: 'Assigning',
  reconciling: 'Reconciling',
  dead: 'Dead',
}

/** Kafka reports states as 'Stable', 'PreparingRebalance' or 'PREPARING_REBALANCE'; anything else is Unknown. */
export function normalizeState(raw: string | null | undefined): GroupState {
  return STATES[(raw ?? '').replaceAll('_', '').toLowerCase()] ?? 'Unknown'
}

export async function listGroups(session: KafkaSession, metadata: MetadataCache): Promise<GroupListing[]> {
  try {
    await metadata.ensureBrokers()
    const api = await session.api<[string[], string[]], ListGroupsResponse>('ListGroups')
    const answers = await Promise.all(
      [...session.brokers.values()].map(async (broker) => {
        const response = await tolerant(api.async(await session.connectionTo(broker), [], []))
        if (response.errorCode !== 0) {
          throw session.failWith(protocolErrorName(response.errorCode), 'ListGroups', `broker ${broker.id}`)
        }
        return response.groups
      }),
    )
    const groups = new Map<string, GroupListing>()
    for (const g of answers.flat()) {
      groups.set(g.groupId, {
        groupId: g.groupId,
        state: normalizeState(g.groupState),
        type: g.groupType || 'classic',
        protocolType: g.protocolType,
      })
    }
    return [...groups.values()].sort((a, b) => a.groupId.localeCompare(b.groupId))
  } catch (error) {
    throw session.fail(error, 'ListGroups')
  }
}

function classicMembers(raw: DescribeGroupsResponse['groups'][number]): GroupMemberDescription[] {
  return raw.members.map((m) => {
    let assignment: TopicPartition[] = []
    if (raw.protocolType === 'consumer' && m.memberAssignment.length > 0) {
      try {
        assignment = decodeConsumerProtocolAssignment(m.memberAssignment).assignedPartitions.flatMap((a) =>
          a.partitions.map((partition) => ({ topic: a.topic, partition })),
        )
      } catch {
        assignment = []
      }
    }
    return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment }
  })
}

/** True when a classic DescribeGroups answer hides a KIP-848 group (Kafka 4: GROUP_ID_NOT_FOUND "not a classic group"; older: Dead/0). */
export function needsConsumerDescribe(raw: DescribeGroupsResponse['groups'][number]): boolean {
  return raw.errorCode === 69 || (normalizeState(raw.groupState) === 'Dead' && raw.members.length === 0)
}

export function fromConsumerDescribe(
  raw: ConsumerGroupDescribeResponse['groups'][number],
  coordinator: number,
): GroupDescription {
  return {
    groupId: raw.groupId,
    state: normalizeState(raw.groupState),
    protocolType: 'consumer',
    type: 'consumer',
    coordinator,
    members: raw.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment.topicPartitions.flatMap((t) =>
        t.partitions.map((partition) => ({ topic: t.topicName, partition })),
      ),
    })),
    error: null,
  }
}

async function describeOnCoordinator(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  node: number,
  target: { host: string; port: number },
  groupIds: string[],
): Promise<GroupDescription[]> {
  const conn = await session.connectionTo(target)
  const classic = await session.api<[string[], boolean], DescribeGroupsResponse>('DescribeGroups')
  const answer = await tolerant(classic.async(conn, groupIds, false))
  const out = new Map<string, GroupDescription>()
  const hidden: string[] = []
  for (const raw of answer.groups) {
    if (needsConsumerDescribe(raw)) hidden.push(raw.groupId)
    const error = raw.errorCode === 0 || raw.errorCode === 69 ? null : protocolErrorName(raw.errorCode)
    if (error && COORDINATOR_MOVED.has(error)) coordinators.invalidate(raw.groupId)
    out.set(raw.groupId, {
      groupId: raw.groupId,
      state: raw.errorCode === 69 ? 'Dead' : normalizeState(raw.groupState),
      protocolType: raw.protocolType,
      type: 'classic',
      coordinator: node,
      members: classicMembers(raw),
      error,
    })
  }
  if (hidden.length > 0 && (await session.apiRange('ConsumerGroupDescribe'))) {
    const api = await session.api<[string[], boolean], ConsumerGroupDescribeResponse>('ConsumerGroupDescribe')
    const modern = await tolerant(api.async(conn, hidden, false))
    for (const raw of modern.groups) {
      if (raw.errorCode === 0) out.set(raw.groupId, fromConsumerDescribe(raw, node))
    }
  }
  return groupIds.map(
    (id) =>
      out.get(id) ?? {
        groupId: id,
        state: 'Unknown',
        protocolType: '',
        coordinator: node,
        members: [],
        error: 'MISSING_IN_RESPONSE',
      },
  )
}

export async function describeGroups(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  groupIds: string[],
): Promise<GroupDescription[]> {
  assertNames(groupIds, 'groupIds')
  const ids = [...new Set(groupIds)]
  if (ids.length === 0) return []
  try {
    const lookup = await coordinators.lookup(ids)
    const { byNode, failed } = groupByCoordinator(ids, lookup)
    const results = new Map<string, GroupDescription>()
    for (const [id, error] of failed) {
      results.set(id, {
        groupId: id,
        state: 'Unknown',
        protocolType: '',
        coordinator: -1,
        members: [],
        error,
      })
    }
    const answers = await Promise.all(
      [...byNode].map(([node, { coordinator, groupIds: list }]) =>
        describeOnCoordinator(session, coordinators, node, coordinator, list),
      ),
    )
    for (const d of answers.flat()) results.set(d.groupId, d)
    return ids.map((id) => results.get(id)!)
  } catch (error) {
    throw session.fail(error, 'DescribeGroups')
  }
}
