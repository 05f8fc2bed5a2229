// probeRecords: for each (topic, partition, offset) the offset and timestamp of the first data record at or after
// that offset, below the high watermark. One Fetch per partition leader (read_uncommitted, no wait, a small byte
// limit per partition). A partition appears once per Fetch, so each round reads every partition from its lowest
// pending offset and answers every probe of that partition the bytes cover (several groups on one partition).
// Another round, again one Fetch per leader, runs only for probes left open: a batch larger than the limit, a log
// segment boundary (a Fetch answer never spans segments), only control batches in the bytes received, a leader
// change, or a second offset on the same partition beyond the bytes read. An offset Kafka refuses as out of range
// (deleted by retention, or past the end) is placed with one ListOffsets round. At most MAX_ROUNDS rounds.
import { describeItemError, protocolErrorName } from './error-mapping.ts'
import {
  type FetchPartitionRequest,
  MAX_FETCH_VERSION,
  MIN_FETCH_VERSION,
  type RawFetchPartition,
  rawFetchApi,
} from './fetch-codec.ts'
import { groupByLeader, partitionKey, STALE_METADATA_ERRORS } from './leaders.ts'
import type { MetadataCache } from './metadata.ts'
import { partitionOffsets } from './offsets.ts'
import type { RecordProbe } from './port.ts'
import {
  chooseReads,
  failed,
  interpretCovered,
  interpretPartition,
  type PendingProbe,
  type Position,
  type ProbeStep,
  probeKey,
} from './probe-steps.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertPartitions } from './validate.ts'

const MAX_ROUNDS = 4
const READ_UNCOMMITTED = 0
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024

/**
 * Places out-of-range probes with the partition's log start and end (ListOffsets, only in this case): below the
 * start, read on from the start; at or past the end, nothing to find.
 */
async function resolveOutOfRange(
  session: KafkaSession,
  cache: MetadataCache,
  probes: PendingProbe[],
): Promise<ProbeStep[]> {
  const offsets = await partitionOffsets(
    session,
    cache,
    probes.map((p) => ({ topic: p.position.topic, partition: p.position.partition })),
  )
  return probes.map((probe, i): ProbeStep => {
    const o = offsets[i]!
    if (o.error) return { done: failed(probe.position, o.error) }
    const marks = {
      highWatermark: o.logEndOffset,
      lastStableOffset: o.lastStableOffset,
      logStartOffset: o.logStartOffset,
    }
    if (probe.fetchOffset < o.logStartOffset) return { again: { ...probe, fetchOffset: o.logStartOffset } }
    if (probe.fetchOffset >= o.logEndOffset) {
      const error = probe.fetchOffset > o.logEndOffset ? 'OFFSET_OUT_OF_RANGE' : null
      return { done: { ...probe.position, ...marks, timestamp: null, firstDataOffset: null, error } }
    }
    return { again: probe }
  })
}

/** One Fetch to a leader for one entry per partition; the answer per partition key, or an error for all. */
async function fetchFromLeader(
  session: KafkaSession,
  leader: number,
  reads: PendingProbe[],
  topicIds: Map<string, string>,
  version: number,
): Promise<Map<string, RawFetchPartition> | string> {
  const topics = new Map<string, FetchPartitionRequest[]>()
  for (const read of reads) {
    const id = topicIds.get(read.position.topic)!
    const list = topics.get(id) ?? []
    list.push({
      partition: read.position.partition,
      currentLeaderEpoch: -1,
      fetchOffset: BigInt(read.fetchOffset),
      lastFetchedEpoch: -1,
      partitionMaxBytes: read.maxBytes,
    })
    topics.set(id, list)
  }
  const maxBytes = Math.min(
    MAX_RESPONSE_BYTES,
    reads.reduce((sum, r) => sum + r.maxBytes, 0),
  )
  try {
    const conn = await session.brokerConnection(leader)
    const request = [...topics].map(([topicId, partitions]) => ({ topicId, partitions }))
    const response = await tolerant(
      rawFetchApi(version).async(conn, 0, 0, maxBytes, READ_UNCOMMITTED, 0, -1, request, [], ''),
    )
    if (response.errorCode !== 0) return protocolErrorName(response.errorCode)
    const byId = new Map<string, RawFetchPartition>()
    for (const t of response.responses)
      for (const p of t.partitions) byId.set(`${t.topicId}:${p.partitionIndex}`, p)
    const out = new Map<string, RawFetchPartition>()
    for (const read of reads) {
      const answer = byId.get(`${topicIds.get(read.position.topic)}:${read.position.partition}`)
      if (answer) out.set(partitionKey(read.position), answer)
    }
    return out
  } catch (error) {
    return `leader ${leader} unreachable or failed: ${describeItemError(error)}`
  }
}

async function fetchVersion(session: KafkaSession): Promise<number> {
  const range = await session.apiRange('Fetch')
  const version = Math.min(MAX_FETCH_VERSION, range?.maxVersion ?? 0)
  if (version < MIN_FETCH_VERSION) {
    throw new Error(
      `brokers support Fetch up to v${range?.maxVersion}; the probe needs v${MIN_FETCH_VERSION}+`,
    )
  }
  return version
}

export async function probeRecords(
  session: KafkaSession,
  cache: MetadataCache,
  positions: Position[],
  probeMaxBytes: number,
): Promise<RecordProbe[]> {
  assertPartitions(positions, 'positions', { min: 0 })
  const done = new Map<string, RecordProbe>()
  const staleRetried = new Set<string>()
  let pending: PendingProbe[] = []
  const asked = new Set<string>()
  for (const { topic, partition, offset } of positions) {
    const position = { topic, partition, offset }
    if (asked.has(probeKey(position))) continue
    asked.add(probeKey(position))
    pending.push({ position, fetchOffset: offset, maxBytes: probeMaxBytes })
  }
  try {
    const version = pending.length > 0 ? await fetchVersion(session) : MIN_FETCH_VERSION
    let refresh = false
    for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
      const reads = chooseReads(pending)
      const topics = await cache.topics(
        [...reads.values()].map((r) => r.position.topic),
        { refresh },
      )
      refresh = false
      const topicIds = new Map(
        [...topics].flatMap(([name, e]) => (e.topic ? [[name, e.topic.id] as const] : [])),
      )
      const { byLeader, unroutable } = groupByLeader(
        [...reads.values()].map((r) => ({ ...r.position, read: r })),
        (name) => topics.get(name)?.topic,
      )
      const answers = new Map<string, RawFetchPartition | string>()
      for (const { item, error } of unroutable) answers.set(partitionKey(item), error)
      await Promise.all(
        [...byLeader].map(async ([leader, list]) => {
          const result = await fetchFromLeader(
            session,
            leader,
            list.map((x) => x.read),
            topicIds,
            version,
          )
          for (const x of list) {
            answers.set(
              partitionKey(x),
              typeof result === 'string' ? result : (result.get(partitionKey(x)) ?? 'MISSING_IN_RESPONSE'),
            )
          }
        }),
      )
      const next: PendingProbe[] = []
      const outOfRange: PendingProbe[] = []
      const steps: Array<[PendingProbe, ProbeStep]> = []
      for (const probe of pending) {
        const key = partitionKey(probe.position)
        const answer = answers.get(key) ?? 'MISSING_IN_RESPONSE'
        const read = reads.get(key)!
        let step: ProbeStep
        if (typeof answer === 'string') step = { done: failed(probe.position, answer) }
        else if (probe.fetchOffset === read.fetchOffset)
          step = interpretPartition({ ...probe, maxBytes: read.maxBytes }, answer)
        else {
          const covered = interpretCovered(probe, answer)
          step = covered ? { done: covered } : { again: probe }
        }
        if ('outOfRange' in step) outOfRange.push(step.outOfRange)
        else steps.push([probe, step])
      }
      if (outOfRange.length > 0) {
        const resolved = await resolveOutOfRange(session, cache, outOfRange)
        resolved.forEach((step, i) => {
          steps.push([outOfRange[i]!, step])
        })
      }
      for (const [probe, step] of steps) {
        if ('outOfRange' in step) continue
        if ('again' in step) {
          next.push(step.again)
          continue
        }
        const error = step.done.error
        const pk = probeKey(probe.position)
        if (
          error !== null &&
          STALE_METADATA_ERRORS.has(error) &&
          !staleRetried.has(pk) &&
          round + 1 < MAX_ROUNDS
        ) {
          // First leader error for this probe: retry once with fresh metadata.
          staleRetried.add(pk)
          cache.invalidate([probe.position.topic])
          refresh = true
          next.push({ ...probe, fetchOffset: probe.position.offset })
          continue
        }
        done.set(pk, step.done)
      }
      pending = next
    }
    for (const p of pending) done.set(probeKey(p.position), failed(p.position, 'PROBE_INCOMPLETE'))
  } catch (error) {
    throw session.fail(error, 'Fetch')
  }
  return positions.map((p) => done.get(probeKey(p)) ?? failed(p, 'MISSING_IN_RESPONSE'))
}
