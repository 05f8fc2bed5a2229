import { Admin } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAdminPort,
  createProducerPort,
  diffCounts,
  type KafkaAdminPort,
  type KafkaProducerPort,
  type TopicPartition,
} from '../../src/kafka/index.ts'
import { bootstrapServers, eventually, unique } from './support.ts'

let admin: KafkaAdminPort
let producer: KafkaProducerPort
const topics: string[] = []
// Recent timestamps: a batch far older than its neighbours rolls a new log segment (segment.ms), and one Fetch
// answer never spans segments, which would add rounds to the request counts measured here.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

async function newTopic(prefix: string, partitions = 1): Promise<string> {
  const topic = unique(prefix)
  topics.push(topic)
  await admin.createTopic({ topic, partitions, replicationFactor: 3 })
  return topic
}

/** Transaction markers are written after EndTxn returns: wait until no transaction is open on the partitions. */
async function settled(partitions: TopicPartition[], end: number[]): Promise<void> {
  const offsets = await eventually(
    () => admin.partitionOffsets(partitions),
    (os) => os.every((o, i) => o.logEndOffset === end[i] && o.lastStableOffset === o.logEndOffset),
  )
  expect(offsets.map((o) => [o.logEndOffset, o.lastStableOffset])).toEqual(end.map((e) => [e, e]))
}

async function leaders(topic: string): Promise<number> {
  return new Set((await admin.metadata({ topics: [topic] })).topics[0]?.partitions.map((p) => p.leader)).size
}

const record = (topic: string, partition: number, i: number, value = `v${i}`) => ({
  topic,
  partition,
  value,
  timestamp: T0 + i * 1000,
})

beforeAll(() => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers(), probeMaxBytes: 4096 })
  producer = createProducerPort({ bootstrapServers: bootstrapServers() })
})

afterAll(async () => {
  await producer.close()
  await admin.deleteTopics(topics).catch(() => {})
  await admin.close()
})

describe('probeRecords on a transactional topic', () => {
  let topic: string

  beforeAll(async () => {
    topic = await newTopic('probe-tx', 2)
    // Partition 0: data 0-2, committed transaction 3-4, commit marker 5 (the last record).
    await producer.send([0, 1, 2].map((i) => record(topic, 0, i)))
    await producer.sendTransaction(
      [3, 4].map((i) => record(topic, 0, i)),
      'commit',
    )
    // Partition 1: aborted transaction 0-1, abort marker 2, committed 3, commit marker 4.
    await producer.sendTransaction(
      [0, 1].map((i) => record(topic, 1, i)),
      'abort',
    )
    await producer.sendTransaction([record(topic, 1, 3)], 'commit')
    await settled(
      [
        { topic, partition: 0 },
        { topic, partition: 1 },
      ],
      [6, 5],
    )
  })

  it('answers every position with one Fetch per leader', async () => {
    const positions = [
      { partition: 0, offset: 0, first: 0, ts: T0 },
      { partition: 0, offset: 3, first: 3, ts: T0 + 3000 },
      { partition: 0, offset: 5, first: null, ts: null }, // only the commit marker is left: consumed everything
      { partition: 0, offset: 6, first: null, ts: null }, // at the end
      { partition: 1, offset: 0, first: 0, ts: T0 }, // aborted data is still data for read_uncommitted
      { partition: 1, offset: 2, first: 3, ts: T0 + 3000 }, // skips the abort marker
      { partition: 1, offset: 4, first: null, ts: null },
    ]
    await admin.probeRecords([{ topic, partition: 0, offset: 0 }]) // negotiates API versions once
    const before = admin.requestCounts()
    const probes = await admin.probeRecords(
      positions.map(({ partition, offset }) => ({ topic, partition, offset })),
    )
    const cost = diffCounts(before, admin.requestCounts())
    expect(cost).toEqual({ Fetch: await leaders(topic) })
    expect(probes.map((p) => [p.partition, p.offset, p.firstDataOffset, p.timestamp, p.error])).toEqual(
      positions.map((p) => [p.partition, p.offset, p.first, p.ts, null]),
    )
    expect(probes[2]).toMatchObject({ highWatermark: 6, lastStableOffset: 6, logStartOffset: 0 })
  })
})

describe('probeRecords when the bytes are not enough', () => {
  it('reads a batch larger than the probe limit in a second round, exactly', async () => {
    const topic = await newTopic('probe-big')
    const pad = 'x'.repeat(400)
    // One send = one record batch of ~100 KB on the partition.
    await producer.send(Array.from({ length: 250 }, (_, i) => record(topic, 0, i, `${i}:${pad}`)))
    const before = admin.requestCounts()
    const [head, middle] = await admin.probeRecords([
      { topic, partition: 0, offset: 0 },
      { topic, partition: 0, offset: 170 },
    ])
    expect([head?.firstDataOffset, head?.timestamp]).toEqual([0, T0])
    expect([middle?.firstDataOffset, middle?.timestamp, middle?.error]).toEqual([170, T0 + 170_000, null])
    expect(diffCounts(before, admin.requestCounts()).Fetch).toBeLessThanOrEqual(2)
  })

  it('decodes compressed batches', async () => {
    const topic = await newTopic('probe-gzip')
    const gzip = createProducerPort({ bootstrapServers: bootstrapServers(), compression: 'gzip' })
    await gzip.send(Array.from({ length: 50 }, (_, i) => record(topic, 0, i)))
    await gzip.close()
    const [p] = await admin.probeRecords([{ topic, partition: 0, offset: 42 }])
    expect([p?.firstDataOffset, p?.timestamp]).toEqual([42, T0 + 42_000])
  })

  it('an offset deleted by retention resolves to the first record at the log start', async () => {
    const topic = await newTopic('probe-start')
    await producer.send(Array.from({ length: 10 }, (_, i) => record(topic, 0, i)))
    const raw = new Admin({ clientId: 'probe-test', bootstrapBrokers: bootstrapServers() })
    await raw.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 6n }] }] })
    await raw.close()
    const [p] = await admin.probeRecords([{ topic, partition: 0, offset: 2 }])
    expect(p).toMatchObject({
      offset: 2,
      firstDataOffset: 6,
      timestamp: T0 + 6000,
      logStartOffset: 6,
      error: null,
    })
    const [past] = await admin.probeRecords([{ topic, partition: 0, offset: 99 }])
    expect(past).toMatchObject({ firstDataOffset: null, highWatermark: 10, error: 'OFFSET_OUT_OF_RANGE' })
  })
})

describe('probeRecords over many partitions', () => {
  it('30 partitions cost one Fetch per leader', async () => {
    const topic = await newTopic('probe-many', 30)
    await producer.send(Array.from({ length: 30 }, (_, p) => record(topic, p, p)))
    const before = admin.requestCounts()
    const probes = await admin.probeRecords(
      Array.from({ length: 30 }, (_, partition) => ({ topic, partition, offset: 0 })),
    )
    expect(diffCounts(before, admin.requestCounts())).toEqual({ Fetch: await leaders(topic) })
    expect(probes.map((p) => p.timestamp)).toEqual(Array.from({ length: 30 }, (_, p) => T0 + p * 1000))
  })

  it('reports an unknown topic per position', async () => {
    const missing = unique('probe-missing')
    const [p] = await admin.probeRecords([{ topic: missing, partition: 0, offset: 0 }])
    expect([p?.error, p?.firstDataOffset]).toEqual(['UNKNOWN_TOPIC_OR_PARTITION', null])
  })
})
