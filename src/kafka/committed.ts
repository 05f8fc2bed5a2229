// committedOffsets: committed offsets of many groups with ONE OffsetFetch per group coordinator (multi-group
// OffsetFetch v8+, KIP-709), plus at most one FindCoordinator (cached) and one Metadata (only when callers
// restrict groups to topics, to expand them to partitions). Written over raw modules rather than
// Admin.listConsumerGroupOffsets because that retries the whole batch on any group's error (more than one
// OffsetFetch per coordinator) and throws away the other groups' answers.
import { COORDINATOR_MOVED, type CoordinatorCache, groupByCoordinator, unreachable } from './coordinators.ts'
import { protocolErrorName } from './error-mapping.ts'
import type { MetadataCache } from './metadata.ts'
import type { CommittedOffset, GroupOffsets } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertArray, assertName, assertNames } from './validate.ts'
import type { OffsetFetchRequestGroup, OffsetFetchResponse } from './wire-types.ts'

export interface GroupQuery {
  groupId: string
  topics?: string[]
}

/** Merges duplicate group entries: a group asked once without topics means all topics. */
export function mergeQueries(groups: GroupQuery[]): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>()
  for (const g of groups) {
    const prev = out.get(g.groupId)
    if (prev === null) continue
    if (!g.topics) out.set(g.groupId, null)
    else out.set(g.groupId, [...new Set([...(prev ?? []), ...g.topics])])
  }
  return out
}

/** The OffsetFetch group entries: all topics (null) or explicit partitions of the known topics. */
export function buildRequestGroups(
  groupIds: string[],
  queries: Map<string, string[] | null>,
  partitionCounts: Map<string, number>,
): OffsetFetchRequestGroup[] {
  return groupIds.map((groupId) => {
    const topics = queries.get(groupId) ?? null
    return {
      groupId,
      memberId: null,
      memberEpoch: -1,
      topics:
        topics === null
          ? null
          : topics
              .filter((t) => partitionCounts.has(t))
              .map((name) => ({
                name,
                partitionIndexes: Array.from({ length: partitionCounts.get(name)! }, (_, i) => i),
              })),
    }
  })
}

/** Turns one response group into the port's shape; sorted by topic then partition. */
export function toGroupOffsets(group: OffsetFetchResponse['groups'][number]): GroupOffsets {
  if (group.errorCode !== 0)
    return { groupId: group.groupId, error: protocolErrorName(group.errorCode), offsets: [] }
  const offsets: CommittedOffset[] = []
  for (const topic of group.topics) {
    for (const p of topic.partitions) {
      offsets.push({
        topic: topic.name,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.metadata ?? null,
        ...(p.errorCode === 0 ? {} : { error: protocolErrorName(p.errorCode) }),
      })
    }
  }
  offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  return { groupId: group.groupId, error: null, offsets }
}

async function fetchFromCoordinator(
  session: KafkaSession,
  coordinators: CoordinatorCache,
  node: number,
  target: { host: string; port: number },
  groups: OffsetFetchRequestGroup[],
): Promise<GroupOffsets[]> {
  try {
    const conn = await session.connectionTo(target)
    const api = await session.api<[OffsetFetchRequestGroup[], boolean], OffsetFetchResponse>('OffsetFetch')
    let answered: OffsetFetchResponse['groups']
    if (api.version >= 8) {
      answered = (await tolerant(api.async(conn, groups, false))).groups
    } else {
      // Pre-KIP-709 brokers (< 3.0) answer one group per request; only reached on such old clusters.
      const legacy = await Promise.all(
        groups.map(async (g) => {
          const r = (await tolerant(api.async(conn, [g], false))) as unknown as {
            topics: OffsetFetchResponse['groups'][number]['topics']
            errorCode: number
          }
          return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode }
        }),
      )
      answered = legacy
    }
    const results = answered.map(toGroupOffsets)
    for (const r of results) if (r.error && COORDINATOR_MOVED.has(r.error)) coordinators.invalidate(r.groupId)
    const seen = new Set(results.map((r) => r.groupId))
    for (const g of groups) {
      if (!seen.has(g.groupId))
        results.push({ groupId: g.groupId, error: 'MISSING_IN_RESPONSE', offsets: [] })
    }
    return results
  } catch (error) {
    for (const g of groups) coordinators.invalidate(g.groupId)
    return groups.map((g) => ({ groupId: g.groupId, error: unreachable(node, error), offsets: [] }))
  }
}

export async function committedOffsets(
  session: KafkaSession,
  metadata: MetadataCache,
  coordinators: CoordinatorCache,
  groups: GroupQuery[],
): Promise<GroupOffsets[]> {
  assertArray(groups, 'groups')
  groups.forEach((g, i) => {
    assertName(g?.groupId, `groups[${i}].groupId`)
    if (g.topics !== undefined) assertNames(g.topics, `groups[${i}].topics`)
  })
  if (groups.length === 0) return []
  const queries = mergeQueries(groups)
  const ids = [...queries.keys()]
  const results = new Map<string, GroupOffsets>()
  try {
    const restricted = [...new Set([...queries.values()].flatMap((t) => t ?? []))]
    const counts = new Map<string, number>()
    if (restricted.length > 0) {
      for (const [name, entry] of await metadata.topics(restricted)) {
        if (entry.topic) counts.set(name, entry.topic.partitions.length)
      }
    }
    const lookup = await coordinators.lookup(ids)
    const { byNode, failed } = groupByCoordinator(ids, lookup)
    for (const [id, error] of failed) results.set(id, { groupId: id, error, offsets: [] })
    const answers = await Promise.all(
      [...byNode].map(([node, { coordinator, groupIds }]) =>
        fetchFromCoordinator(
          session,
          coordinators,
          node,
          coordinator,
          buildRequestGroups(groupIds, queries, counts),
        ),
      ),
    )
    for (const r of answers.flat()) results.set(r.groupId, r)
  } catch (error) {
    throw session.fail(error, 'OffsetFetch')
  }
  return ids.map((id) => results.get(id) ?? { groupId: id, error: 'MISSING_IN_RESPONSE', offsets: [] })
}
