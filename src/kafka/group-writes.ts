// Group writes: delete groups (batched per coordinator) and reset a group's offsets (OffsetCommit on behalf of
// a group without members, like kafka-consumer-groups --reset-offsets). Both retry, bounded, while the
// coordinator is transiently unavailable (e.g. the first group operation on a fresh cluster).
import {
  COORDINATOR_MOVED,
  type CoordinatorCache,
  groupByCoordinator,
  withCoordinatorRetry,
} from './coordinators.ts'
import { protocolErrorName } from './error-mapping.ts'
import { byTopic } from './leaders.ts'
import type { TopicPartition } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertInt, assertName, assertNames, assertPartitions } from './validate.ts'

export async function deleteGroups(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  groupIds: string[],
) {
  assertNames(groupIds, 'groupIds')
  const ids = [...new Set(groupIds)]
  if (ids.length === 0) return
  await withCoordinatorRetry(ids, coordinators, () => deleteOnce(session, coordinators, ids))
}

async function deleteOnce(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  ids: string[],
): Promise<void> {
  let firstError: { id: string; error: string } | null = null
  try {
    const lookup = await coordinators.lookup(ids)
    const { byNode, failed } = groupByCoordinator(ids, lookup)
    for (const [id, error] of failed) firstError ??= { id, error }
    const api = await session.api<[string[]], { results: Array<{ groupId: string; errorCode: number }> }>(
      'DeleteGroups',
    )
    await Promise.all(
      [...byNode].map(async ([, { coordinator, groupIds: list }]) => {
        const response = await tolerant(api.async(await session.connectionTo(coordinator), list))
        for (const r of response.results) {
          if (r.errorCode !== 0) firstError ??= { id: r.groupId, error: protocolErrorName(r.errorCode) }
        }
      }),
    )
  } catch (error) {
    throw session.fail(error, 'DeleteGroups')
  }
  if (firstError) throw session.failWith(firstError.error, 'DeleteGroups', `group ${firstError.id}`)
}

type CommitArgs = [
  groupId: string,
  generationIdOrMemberEpoch: number,
  memberId: string,
  groupInstanceId: string | null,
  topics: Array<{
    name: string
    partitions: Array<{
      partitionIndex: number
      committedOffset: bigint
      committedLeaderEpoch: number
      committedMetadata: null
    }>
  }>,
]
type CommitResponse = {
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>
}

export async function alterGroupOffsets(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  groupId: string,
  offsets: Array<TopicPartition & { offset: number }>,
): Promise<void> {
  assertName(groupId, 'groupId')
  assertPartitions(offsets, 'offsets', { min: 0 })
  for (const [i, o] of offsets.entries()) assertInt(o.offset, `offsets[${i}].offset`, 0)
  if (offsets.length === 0) return
  await withCoordinatorRetry([groupId], coordinators, () =>
    commitOnce(session, coordinators, groupId, offsets),
  )
}

async function commitOnce(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  groupId: string,
  offsets: Array<TopicPartition & { offset: number }>,
): Promise<void> {
  let failure: string | null = null
  try {
    const lookup = await coordinators.lookup([groupId])
    const c = lookup.get(groupId)
    if (!c || !('nodeId' in c))
      throw session.failWith(c?.error ?? 'COORDINATOR_NOT_AVAILABLE', 'OffsetCommit', `group ${groupId}`)
    const api = await session.api<CommitArgs, CommitResponse>('OffsetCommit')
    const topics = byTopic(offsets).map(({ name, items }) => ({
      name,
      partitions: items.map((o) => ({
        partitionIndex: o.partition,
        committedOffset: BigInt(o.offset),
        committedLeaderEpoch: -1,
        committedMetadata: null,
      })),
    }))
    const response = await tolerant(api.async(await session.connectionTo(c), groupId, -1, '', null, topics))
    for (const t of response.topics) {
      for (const p of t.partitions) if (p.errorCode !== 0) failure ??= protocolErrorName(p.errorCode)
    }
    if (failure && COORDINATOR_MOVED.has(failure)) coordinators.invalidate(groupId)
  } catch (error) {
    throw session.fail(error, 'OffsetCommit', `group ${groupId}`)
  }
  if (failure) {
    const error = session.failWith(failure, 'OffsetCommit', `group ${groupId}`)
    if (error.code === 'AP_ERR_CONFLICT') {
      throw session.fail(
        {
          apiId: failure,
          message: failure,
          serverErrorMessage: 'the group has active members; stop its consumers first',
        },
        'OffsetCommit',
        `group ${groupId}`,
      )
    }
    throw error
  }
}
