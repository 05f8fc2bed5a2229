// partitionOffsets: log-start, high watermark and last stable offset of many partitions, or only the kinds the
// caller asks for. Budget: per partition leader, one ListOffsets request per kind, sent together (a partition
// may appear only once per request and isolation is per request): (-1, read_uncommitted) → high watermark,
// (-2) → log start, (-1, read_committed) → LSO. The lag monitor asks only for the high watermark in the common
// case (one request per leader). Partitions whose leader moved get one retry round after a Metadata refresh.

import { describeItemError, protocolErrorName } from './error-mapping.ts'
import { byTopic, groupByLeader, partitionKey, STALE_METADATA_ERRORS, uniquePartitions } from './leaders.ts'
import type { MetadataCache } from './metadata.ts'
import type { OffsetKind, PartitionOffsets, PartitionOffsetsOptions, TopicPartition } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertArray, assertPartitions, invalid } from './validate.ts'
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

type Answer = { offset: number; error: string | null }

/** Per partition: offset or Kafka error name, from one ListOffsets response. */
export function indexListOffsets(response: ListOffsetsResponse): Map<string, Answer> {
  const out = new Map<string, Answer>()
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

/** Merges the answers for one partition; the first error wins. A kind not asked for (null) stays -1. */
export function mergeOffsets(
  tp: TopicPartition,
  end: Answer | undefined | null,
  start: Answer | undefined | null,
  stable: Answer | undefined | null,
): PartitionOffsets {
  const asked = [end, start, stable].filter((x) => x !== null)
  const error = asked.map((x) => (x ? x.error : 'MISSING_IN_RESPONSE')).find((e) => e !== null)
  if (error || asked.some((x) => x === undefined)) return failed(tp, error ?? 'MISSING_IN_RESPONSE')
  return {
    topic: tp.topic,
    partition: tp.partition,
    logStartOffset: start?.offset ?? -1,
    logEndOffset: end?.offset ?? -1,
    lastStableOffset: stable?.offset ?? -1,
    error: null,
  }
}

const ALL_KINDS: readonly OffsetKind[] = ['earliest', 'latest', 'stable']

/** The kinds asked for, validated (AP_ERR_INPUT naming `options.kinds`), deduplicated. */
export function offsetKinds(options: PartitionOffsetsOptions | undefined): Set<OffsetKind> {
  const kinds = options?.kinds
  if (kinds === undefined) return new Set(ALL_KINDS)
  assertArray(kinds, 'options.kinds')
  if (kinds.length === 0) invalid('options.kinds', 'options.kinds must name at least one offset kind')
  kinds.forEach((k, i) => {
    if (!ALL_KINDS.includes(k as OffsetKind))
      invalid(`options.kinds[${i}]`, `options.kinds[${i}] must be one of ${ALL_KINDS.join(', ')}`)
  })
  return new Set(kinds as OffsetKind[])
}

async function askLeader(
  session: KafkaSession,
  leader: number,
  items: TopicPartition[],
  kinds: Set<OffsetKind>,
): Promise<PartitionOffsets[]> {
  const request = (timestamp: bigint): ListOffsetsArgs[2] =>
    byTopic(items).map(({ name, items: list }) => ({
      name,
      partitions: list.map((tp) => ({ partitionIndex: tp.partition, currentLeaderEpoch: -1, timestamp })),
    }))
  try {
    const conn = await session.brokerConnection(leader)
    const api = await session.api<ListOffsetsArgs, ListOffsetsResponse>('ListOffsets')
    const ask = async (kind: OffsetKind, isolation: number, timestamp: bigint) =>
      kinds.has(kind)
        ? indexListOffsets(await tolerant(api.async(conn, -1, isolation, request(timestamp))))
        : null
    const [e, s, l] = await Promise.all([
      ask('latest', READ_UNCOMMITTED, LATEST),
      ask('earliest', READ_UNCOMMITTED, EARLIEST),
      ask('stable', READ_COMMITTED, LATEST),
    ])
    const get = (index: Map<string, Answer> | null, tp: TopicPartition) =>
      index === null ? null : index.get(partitionKey(tp))
    return items.map((tp) => mergeOffsets(tp, get(e, tp), get(s, tp), get(l, tp)))
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
  kinds: Set<OffsetKind>,
): Promise<PartitionOffsets[]> {
  const topics = await cache.topics(
    items.map((tp) => tp.topic),
    { refresh },
  )
  const { byLeader, unroutable } = groupByLeader(items, (name) => topics.get(name)?.topic)
  const answers = await Promise.all(
    [...byLeader].map(([leader, list]) => askLeader(session, leader, list, kinds)),
  )
  return [...answers.flat(), ...unroutable.map(({ item, error }) => failed(item, error))]
}

export async function partitionOffsets(
  session: KafkaSession,
  cache: MetadataCache,
  partitions: TopicPartition[],
  options?: PartitionOffsetsOptions,
): Promise<PartitionOffsets[]> {
  assertPartitions(partitions, 'partitions')
  const kinds = offsetKinds(options)
  const unique = uniquePartitions(partitions.map(({ topic, partition }) => ({ topic, partition })))
  if (unique.length === 0) return []
  let results: PartitionOffsets[]
  try {
    results = await round(session, cache, unique, false, kinds)
    const stale = results.filter((r) => r.error !== null && STALE_METADATA_ERRORS.has(r.error))
    if (stale.length > 0) {
      cache.invalidate(stale.map((r) => r.topic))
      const retried = await round(session, cache, stale, true, kinds)
      const byKey = new Map(retried.map((r) => [partitionKey(r), r]))
      results = results.map((r) => byKey.get(partitionKey(r)) ?? r)
    }
  } catch (error) {
    throw session.fail(error, 'ListOffsets')
  }
  const byKey = new Map(results.map((r) => [partitionKey(r), r]))
  return partitions.map((tp) => byKey.get(partitionKey(tp)) ?? failed(tp, 'MISSING_IN_RESPONSE'))
}
