// partitionOffsets: log-start, high watermark and last stable offset of many partitions.
// Budget: per partition leader, three ListOffsets requests sent together (a partition may appear only once per
// request and isolation is per request): (-1, read_uncommitted) → high watermark, (-2) → log start,
// (-1, read_committed) → LSO. Partitions whose leader moved get one retry round after a Metadata refresh.

import { describeItemError, protocolErrorName } from './error-mapping.ts'
import { byTopic, groupByLeader, partitionKey, STALE_METADATA_ERRORS, uniquePartitions } from './leaders.ts'
import type { MetadataCache } from './metadata.ts'
import type { PartitionOffsets, TopicPartition } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertPartitions } from './validate.ts'
import type { ListOffsetsResponse } from './wire-types.ts'

type ListOffsetsArgs = [
  replica: number,
  isolationLevel: number,
  topics: Array<{
    name: string
    partitions: Array<{ partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint }>
  }>,
]

const READ_UNCOMMITTED = 0
const READ_COMMITTED = 1
const LATEST = -1n
const EARLIEST = -2n

function failed(tp: TopicPartition, error: string): PartitionOffsets {
  return {
    topic: tp.topic,
    partition: tp.partition,
    logStartOffset: -1,
    logEndOffset: -1,
    lastStableOffset: -1,
    error,
  }
}

/** Per partition: offset or Kafka error name, from one ListOffsets response. */
export function indexListOffsets(
  response: ListOffsetsResponse,
): Map<string, { offset: number; error: string | null }> {
  const out = new Map<string, { offset: number; error: string | null }>()
  for (const topic of response.topics) {
    for (const p of topic.partitions) {
      out.set(partitionKey({ topic: topic.name, partition: p.partitionIndex }), {
        offset: Number(p.offset),
        error: p.errorCode === 0 ? null : protocolErrorName(p.errorCode),
      })
    }
  }
  return out
}

/** Merges the three answers for one partition; the first error wins. */
export function mergeOffsets(
  tp: TopicPartition,
  end: { offset: number; error: string | null } | undefined,
  start: { offset: number; error: string | null } | undefined,
  stable: { offset: number; error: string | null } | undefined,
): PartitionOffsets {
  const error = [end, start, stable].map((x) => (x ? x.error : 'MISSING_IN_RESPONSE')).find((e) => e !== null)
  if (error || !end || !start || !stable) return failed(tp, error ?? 'MISSING_IN_RESPONSE')
  return {
    topic: tp.topic,
    partition: tp.partition,
    logStartOffset: start.offset,
    logEndOffset: end.offset,
    lastStableOffset: stable.offset,
    error: null,
  }
}

async function askLeader(
  session: KafkaSession,
  leader: number,
  items: TopicPartition[],
): Promise<PartitionOffsets[]> {
  const request = (timestamp: bigint): ListOffsetsArgs[2] =>
    byTopic(items).map(({ name, items: list }) => ({
      name,
      partitions: list.map((tp) => ({ partitionIndex: tp.partition, currentLeaderEpoch: -1, timestamp })),
    }))
  try {
    const conn = await session.brokerConnection(leader)
    const api = await session.api<ListOffsetsArgs, ListOffsetsResponse>('ListOffsets')
    const [end, start, stable] = await Promise.all([
      tolerant(api.async(conn, -1, READ_UNCOMMITTED, request(LATEST))),
      tolerant(api.async(conn, -1, READ_UNCOMMITTED, request(EARLIEST))),
      tolerant(api.async(conn, -1, READ_COMMITTED, request(LATEST))),
    ])
    const [e, s, l] = [indexListOffsets(end), indexListOffsets(start), indexListOffsets(stable)]
    return items.map((tp) =>
      mergeOffsets(tp, e.get(partitionKey(tp)), s.get(partitionKey(tp)), l.get(partitionKey(tp))),
    )
  } catch (error) {
    const reason = `leader ${leader} unreachable or failed: ${describeItemError(error)}`
    return items.map((tp) => failed(tp, reason))
  }
}

async function round(
  session: KafkaSession,
  cache: MetadataCache,
  items: TopicPartition[],
  refresh: boolean,
): Promise<PartitionOffsets[]> {
  const topics = await cache.topics(
    items.map((tp) => tp.topic),
    { refresh },
  )
  const { byLeader, unroutable } = groupByLeader(items, (name) => topics.get(name)?.topic)
  const answers = await Promise.all([...byLeader].map(([leader, list]) => askLeader(session, leader, list)))
  return [...answers.flat(), ...unroutable.map(({ item, error }) => failed(item, error))]
}

export async function partitionOffsets(
  session: KafkaSession,
  cache: MetadataCache,
  partitions: TopicPartition[],
): Promise<PartitionOffsets[]> {
  assertPartitions(partitions, 'partitions')
  const unique = uniquePartitions(partitions.map(({ topic, partition }) => ({ topic, partition })))
  if (unique.length === 0) return []
  let results: PartitionOffsets[]
  try {
    results = await round(session, cache, unique, false)
    const stale = results.filter((r) => r.error !== null && STALE_METADATA_ERRORS.has(r.error))
    if (stale.length > 0) {
      cache.invalidate(stale.map((r) => r.topic))
      const retried = await round(session, cache, stale, true)
      const byKey = new Map(retried.map((r) => [partitionKey(r), r]))
      results = results.map((r) => byKey.get(partitionKey(r)) ?? r)
    }
  } catch (error) {
    throw session.fail(error, 'ListOffsets')
  }
  const byKey = new Map(results.map((r) => [partitionKey(r), r]))
  return partitions.map((tp) => byKey.get(partitionKey(tp)) ?? failed(tp, 'MISSING_IN_RESPONSE'))
}
