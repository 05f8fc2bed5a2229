import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { createAdminPort, type KafkaAdminPort } from '../../src/kafka/index.ts'
import { bootstrapServers, eventually, unique } from './support.ts'

let admin: KafkaAdminPort
const topic = unique('admin')

async function rejection(promise: Promise<unknown>): Promise<AutopilotError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!AutopilotError.is(error)) throw new Error(`expected an AutopilotError, got ${String(error)}`)
  return error
}

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers() })
  await admin.createTopic({
    topic,
    partitions: 3,
    replicationFactor: 3,
    configs: { 'retention.ms': '3600000' },
  })
})

afterAll(async () => {
  await admin.deleteTopics([topic]).catch(() => {})
  await admin.close()
})

describe('metadata', () => {
  it('lists brokers, the controller and every partition with leader, replicas and ISR', async () => {
    // Another test file may have just added and removed a broker on the shared cluster: the broker we ask
    // drops it from its metadata a moment after the controller unregistered it.
    const md = await eventually(
      () => admin.metadata(),
      (m) => m.brokers.map((b) => b.id).join() === '1,2,3',
      30_000,
    )
    expect(md.brokers.map((b) => b.id)).toEqual([1, 2, 3])
    expect(md.clusterId).not.toBe('')
    const t = md.topics.find((x) => x.name === topic)
    expect(t?.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
    for (const p of t?.partitions ?? []) {
      expect(p.replicas.toSorted()).toEqual([1, 2, 3])
      expect(p.isr.toSorted()).toEqual([1, 2, 3])
      expect(p.replicas).toContain(p.leader)
      expect(p.offlineReplicas).toEqual([])
    }
  })

  it('answers only the asked topics, internal ones flagged', async () => {
    const md = await admin.metadata({ topics: [topic] })
    expect(md.topics.map((t) => [t.name, t.internal])).toEqual([[topic, false]])
  })

  it('an unknown topic is AP_ERR_NOT_FOUND, never auto-created', async () => {
    const missing = unique('missing')
    const error = await rejection(admin.metadata({ topics: [missing] }))
    expect([error.code, error.field]).toEqual(['AP_ERR_NOT_FOUND', 'topics'])
    expect(error.message).toContain(missing)
    expect((await admin.metadata()).topics.some((t) => t.name === missing)).toBe(false)
  })
})

describe('topics', () => {
  it('creating an existing topic is a conflict; an impossible replication factor is an input error', async () => {
    expect((await rejection(admin.createTopic({ topic, partitions: 1, replicationFactor: 1 }))).code).toBe(
      'AP_ERR_CONFLICT',
    )
    const tooMany = await rejection(
      admin.createTopic({ topic: unique('rf'), partitions: 1, replicationFactor: 5 }),
    )
    expect([tooMany.code, tooMany.field]).toEqual(['AP_ERR_INPUT', 'replicationFactor'])
  })

  it('rejects bad arguments before any request, naming the field', async () => {
    const before = admin.requestCounts()
    const error = await rejection(admin.createTopic({ topic: '', partitions: 1, replicationFactor: 1 }))
    expect([error.code, error.field]).toEqual(['AP_ERR_INPUT', 'topic'])
    expect((await rejection(admin.createPartitions(topic, 0))).field).toBe('totalCount')
    expect(admin.requestCounts()).toEqual(before)
  })

  it('adds partitions (and refuses to shrink)', async () => {
    const t = unique('grow')
    await admin.createTopic({ topic: t, partitions: 2, replicationFactor: 1 })
    await admin.createPartitions(t, 5)
    expect((await admin.metadata({ topics: [t] })).topics[0]?.partitions.length).toBe(5)
    const shrink = await rejection(admin.createPartitions(t, 3))
    expect([shrink.code, shrink.field]).toEqual(['AP_ERR_INPUT', 'totalCount'])
    await admin.deleteTopics([t])
  })

  it('creates a topic on explicit replica lists, preferred leader first', async () => {
    const t = unique('placed')
    const replicas = [
      [2, 3],
      [3, 1],
      [1, 2],
    ]
    await admin.createTopic({ topic: t, partitions: 3, replicationFactor: 2, replicas })
    const md = await admin.metadata({ topics: [t] })
    expect(md.topics[0]?.partitions.map((p) => p.replicas)).toEqual(replicas)
    expect(md.topics[0]?.partitions.map((p) => p.leader)).toEqual([2, 3, 1])
    await admin.deleteTopics([t])
  })

  it('refuses bad replica lists, naming the field: before any request, or as Kafka answers', async () => {
    const before = admin.requestCounts()
    const t = unique('misplaced')
    const cases: Array<[number[][], string]> = [
      [[[1, 2]], 'replicas'],
      [[[1, 2], [3]], 'replicas[1]'],
      [
        [
          [1, 1],
          [2, 3],
        ],
        'replicas[0]',
      ],
      [
        [
          [1, -2],
          [2, 3],
        ],
        'replicas[0][1]',
      ],
    ]
    for (const [replicas, field] of cases) {
      const error = await rejection(
        admin.createTopic({ topic: t, partitions: 2, replicationFactor: 2, replicas }),
      )
      expect([error.code, error.field]).toEqual(['AP_ERR_INPUT', field])
    }
    expect(admin.requestCounts()).toEqual(before)
    const unknown = await rejection(
      admin.createTopic({ topic: t, partitions: 1, replicationFactor: 2, replicas: [[1, 42]] }),
    )
    expect([unknown.code, unknown.field]).toEqual(['AP_ERR_INPUT', 'replicas'])
    expect((await admin.metadata()).topics.some((x) => x.name === t)).toBe(false)
  })

  it('deletes topics; deleting an unknown topic is AP_ERR_NOT_FOUND', async () => {
    const t = unique('del')
    await admin.createTopic({ topic: t, partitions: 1, replicationFactor: 1 })
    await admin.deleteTopics([t])
    const gone = await eventually(
      () => admin.metadata(),
      (md) => !md.topics.some((x) => x.name === t),
    )
    expect(gone.topics.some((x) => x.name === t)).toBe(false)
    expect((await rejection(admin.deleteTopics([t]))).code).toBe('AP_ERR_NOT_FOUND')
  })
})

describe('configs', () => {
  it('describes topic configs, filtered by key', async () => {
    const [d] = await admin.describeConfigs([
      { type: 'topic', name: topic, keys: ['retention.ms', 'cleanup.policy'] },
    ])
    expect(d?.configs).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' })
  })

  it('sets and deletes a per-broker dynamic config on that broker', async () => {
    const key = 'follower.replication.throttled.rate'
    const read = async () =>
      (await admin.describeConfigs([{ type: 'broker', name: '2', keys: [key] }]))[0]?.configs[key]
    await admin.incrementalAlterConfigs([{ type: 'broker', name: '2', set: { [key]: '7340032' } }])
    // Applied once the broker has the controller's metadata update: a few milliseconds later.
    expect(await eventually(read, (v) => v === '7340032')).toBe('7340032')
    await admin.incrementalAlterConfigs([{ type: 'broker', name: '2', delete: [key] }])
    expect(await eventually(read, (v) => v === undefined)).toBeUndefined()
  })

  it('sets a topic config and reports an invalid value as an input error', async () => {
    await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, set: { 'retention.ms': '7200000' } }])
    const read = async () =>
      (await admin.describeConfigs([{ type: 'topic', name: topic, keys: ['retention.ms'] }]))[0]
    expect(
      (await eventually(read, (d) => d?.configs['retention.ms'] === '7200000'))?.configs['retention.ms'],
    ).toBe('7200000')
    const bad = await rejection(
      admin.incrementalAlterConfigs([{ type: 'topic', name: topic, set: { 'retention.ms': 'soon' } }]),
    )
    expect(bad.code).toBe('AP_ERR_INPUT')
  })

  it('describing configs of an unknown topic is AP_ERR_NOT_FOUND', async () => {
    expect((await rejection(admin.describeConfigs([{ type: 'topic', name: unique('nope') }]))).code).toBe(
      'AP_ERR_NOT_FOUND',
    )
  })
})

describe('unreachable cluster', () => {
  it('a dead bootstrap address fails fast with AP_ERR_KAFKA_UNREACHABLE naming it', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused.
    const dead = createAdminPort({ bootstrapServers: ['127.0.0.1:1'] })
    const started = Date.now()
    const error = await rejection(dead.metadata())
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(error.code).toBe('AP_ERR_KAFKA_UNREACHABLE')
    expect(error.message).toContain('127.0.0.1:1')
    const offsets = await rejection(dead.partitionOffsets([{ topic: 't', partition: 0 }]))
    expect(offsets.code).toBe('AP_ERR_KAFKA_UNREACHABLE')
    await dead.close()
  })
})
