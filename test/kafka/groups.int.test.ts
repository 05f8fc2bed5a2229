import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import {
  type ConsumedRecord,
  createAdminPort,
  createConsumerPort,
  createProducerPort,
  type KafkaAdminPort,
  type KafkaConsumerPort,
  type KafkaProducerPort,
} from '../../src/kafka/index.ts'
import { bootstrapServers, eventually, unique } from './support.ts'

let admin: KafkaAdminPort
let producer: KafkaProducerPort
const topics: string[] = []

async function rejection(promise: Promise<unknown>): Promise<AutopilotError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!AutopilotError.is(error)) throw new Error(`expected an AutopilotError, got ${String(error)}`)
  return error
}

/** A handler that resolves `reached` once `count` records were handled (or rejects after a bounded wait). */
function collector(count: number, timeoutMs = 30_000) {
  const records: ConsumedRecord[] = []
  let done!: () => void
  const reached = new Promise<void>((resolve, reject) => {
    done = resolve
    setTimeout(
      () => reject(new Error(`only ${records.length}/${count} records within ${timeoutMs} ms`)),
      timeoutMs,
    ).unref()
  })
  const handler = (r: ConsumedRecord) => {
    records.push(r)
    if (records.length === count) done()
  }
  return { records, reached, handler }
}

async function newTopic(prefix: string, partitions: number): Promise<string> {
  const topic = unique(prefix)
  topics.push(topic)
  await admin.createTopic({ topic, partitions, replicationFactor: 3 })
  return topic
}

beforeAll(() => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers() })
  producer = createProducerPort({ bootstrapServers: bootstrapServers() })
})

afterAll(async () => {
  await producer.close()
  await admin.deleteTopics(topics).catch(() => {})
  await admin.close()
})

describe.each([
  { protocol: 'classic' as const, type: 'classic' },
  { protocol: 'consumer' as const, type: 'consumer' },
])('a $protocol-protocol group', ({ protocol, type }) => {
  let topic: string
  let groupId: string
  let consumer: KafkaConsumerPort
  const c = collector(30)

  beforeAll(async () => {
    topic = await newTopic(`grp-${protocol}`, 3)
    groupId = unique(`g-${protocol}`)
    await producer.send(
      Array.from({ length: 30 }, (_, i) => ({ topic, partition: i % 3, key: `k${i}`, value: `v${i}` })),
    )
    consumer = createConsumerPort({
      bootstrapServers: bootstrapServers(),
      groupId,
      topics: [topic],
      fromBeginning: true,
      groupProtocol: protocol,
      autocommitIntervalMs: 200,
    })
    await consumer.start(c.handler)
    await c.reached
  })

  afterAll(async () => {
    await consumer.close().catch(() => {})
    await admin.deleteGroups([groupId]).catch(() => {})
  })

  it('consumes every record once, with keys and values', () => {
    expect(c.records.map((r) => r.value).toSorted()).toEqual(
      Array.from({ length: 30 }, (_, i) => `v${i}`).toSorted(),
    )
    expect(c.records.find((r) => r.value === 'v7')).toMatchObject({ key: 'k7', partition: 1, topic })
  })

  it('is listed with its type and described with its member and assignment', async () => {
    const listed = (await admin.listGroups()).find((g) => g.groupId === groupId)
    expect(listed).toMatchObject({ type, protocolType: 'consumer' })
    const [d] = await eventually(
      () => admin.describeGroups([groupId]),
      ([x]) => x?.state === 'Stable',
      30_000,
    )
    expect(d).toMatchObject({ groupId, state: 'Stable', type, error: null })
    expect(d?.members).toHaveLength(1)
    expect(d?.members[0]?.assignment.map((a) => a.partition).toSorted()).toEqual([0, 1, 2])
  })

  it('commits what was handled: committed offsets reach the end offsets', async () => {
    const [g] = await eventually(
      () => admin.committedOffsets([{ groupId }]),
      ([x]) => (x?.offsets ?? []).reduce((sum, o) => sum + o.offset, 0) === 30,
      30_000,
    )
    expect(g?.offsets.map((o) => [o.partition, o.offset])).toEqual([
      [0, 10],
      [1, 10],
      [2, 10],
    ])
  })

  it('refuses to reset offsets while the group has members', async () => {
    const error = await rejection(admin.alterGroupOffsets(groupId, [{ topic, partition: 0, offset: 0 }]))
    expect(error.code).toBe('AP_ERR_CONFLICT')
  })

  it('after close: empty, resettable and deletable', async () => {
    await consumer.close()
    // The last member's leave empties the member list before the group settles in Empty (a classic group
    // passes through PreparingRebalance): wait for the state itself, bounded.
    const [d] = await eventually(
      () => admin.describeGroups([groupId]),
      ([x]) => x?.state === 'Empty',
      30_000,
    )
    expect([d?.state, d?.members]).toEqual(['Empty', []])
    await admin.alterGroupOffsets(groupId, [{ topic, partition: 0, offset: 4 }])
    const [g] = await admin.committedOffsets([{ groupId, topics: [topic] }])
    expect(g?.offsets.find((o) => o.partition === 0)?.offset).toBe(4)
    await admin.deleteGroups([groupId])
    expect((await rejection(admin.deleteGroups([groupId]))).code).toBe('AP_ERR_NOT_FOUND')
  })
})

describe('a group on a transactional topic', () => {
  it('reads only committed records and, once caught up, its position sits on a marker: the probe finds no data', async () => {
    const topic = await newTopic('grp-tx', 1)
    await producer.sendTransaction(
      [
        { topic, value: 'kept-1' },
        { topic, value: 'kept-2' },
      ],
      'commit',
    )
    await producer.sendTransaction([{ topic, value: 'dropped' }], 'abort')
    await producer.sendTransaction([{ topic, value: 'kept-3' }], 'commit')
    const offsets = await eventually(
      () => admin.partitionOffsets([{ topic, partition: 0 }]),
      ([o]) => o?.logEndOffset === 7 && o.lastStableOffset === 7,
    )
    expect([offsets[0]?.logEndOffset, offsets[0]?.lastStableOffset]).toEqual([7, 7])
    const groupId = unique('g-tx')
    const c = collector(3)
    const consumer = createConsumerPort({
      bootstrapServers: bootstrapServers(),
      groupId,
      topics: [topic],
      fromBeginning: true,
    })
    await consumer.start(c.handler)
    await c.reached
    await consumer.close()
    expect(c.records.map((r) => r.value)).toEqual(['kept-1', 'kept-2', 'kept-3'])
    const [g] = await admin.committedOffsets([{ groupId }])
    // kept-3 is at offset 5, its commit marker at 6: the committed position is 6, one below the end.
    expect(g?.offsets.map((o) => o.offset)).toEqual([6])
    const [probe] = await admin.probeRecords([{ topic, partition: 0, offset: 6 }])
    expect([probe?.firstDataOffset, probe?.error]).toEqual([null, null])
    await admin.deleteGroups([groupId])
  })
})

describe('describe and delete edge cases', () => {
  it('an unknown group is described as Dead with no members', async () => {
    const [d] = await admin.describeGroups([unique('ghost')])
    expect(d).toMatchObject({ state: 'Dead', members: [] })
  })

  it('rejects bad arguments, naming the field', async () => {
    expect((await rejection(admin.describeGroups([''] as string[]))).field).toBe('groupIds[0]')
    expect(
      (await rejection(admin.alterGroupOffsets('g', [{ topic: 't', partition: 0, offset: -3 }]))).field,
    ).toBe('offsets[0].offset')
  })
})
