// Clients on a cluster that has just started: nothing has created `__consumer_offsets` yet, so the first group
// joins meet COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS for a few seconds. The
// consumer port must join anyway (it retries those errors until its join timeout), and a producer's first send
// right after createTopic must land. Runs on its own fresh cluster: the shared one is long settled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConsumerPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort, KafkaConsumerPort } from '../../src/kafka/port.ts'
import { pollUntil } from '../../src/kafka/wait.ts'
import type { StackState } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'

let dir = ''
let stack: StackState
let admin: KafkaAdminPort
const consumers: KafkaConsumerPort[] = []

beforeAll(async () => {
  ;({ dir, stack, admin } = await startPrivateStack('fresh-', { brokers: 3 }))
})

afterAll(async () => {
  for (const c of consumers) await c.close().catch(() => {})
  await stopPrivateStack(dir, admin)
})

describe('clients on a freshly started cluster', () => {
  it('consumers started right after createTopic join (classic and KIP-848), then consume a first send', async () => {
    const bootstrapServers = stack.bootstrapServers.split(',')
    await admin.createTopic({ topic: 'demo', partitions: 3, replicationFactor: 3 })
    // a set: a rebalance while the members join may hand a partition over before its first commit
    const received = new Set<string>()
    const members = [
      ...[1, 2, 3].map(() => ({ groupId: 'demo-workers', groupProtocol: 'classic' as const })),
      { groupId: 'demo-workers-848', groupProtocol: 'consumer' as const },
    ]
    // all at once, first thing on the new cluster: nothing has asked for a group coordinator yet
    const joins = await Promise.allSettled(
      members.map(async ({ groupId, groupProtocol }) => {
        const consumer = createConsumerPort({
          bootstrapServers,
          groupId,
          groupProtocol,
          topics: ['demo'],
          fromBeginning: true,
          joinTimeoutMs: 60_000,
        })
        consumers.push(consumer)
        await consumer.start((record) => {
          received.add(`${groupId}:${record.value}`)
        })
      }),
    )
    expect(joins.map((j) => (j.status === 'rejected' ? String(j.reason) : 'joined'))).toEqual(
      members.map(() => 'joined'),
    )

    const producer = createProducerPort({ bootstrapServers })
    try {
      await producer.send(
        [0, 1, 2].map((partition) => ({ topic: 'demo', partition, value: `v${partition}` })),
      )
    } finally {
      await producer.close()
    }
    const all = await pollUntil(async () => received.size === 6, 30_000)
    expect([all, [...received].sort()]).toEqual([
      true,
      [
        'demo-workers-848:v0',
        'demo-workers-848:v1',
        'demo-workers-848:v2',
        'demo-workers:v0',
        'demo-workers:v1',
        'demo-workers:v2',
      ],
    ])
  })

  it("a producer's first send right after createTopic lands on every partition", async () => {
    const bootstrapServers = stack.bootstrapServers.split(',')
    await admin.createTopic({ topic: 'first-send', partitions: 6, replicationFactor: 3 })
    const producer = createProducerPort({ bootstrapServers })
    try {
      await producer.send(
        Array.from({ length: 6 }, (_, partition) => ({ topic: 'first-send', partition, value: 'x' })),
      )
    } finally {
      await producer.close()
    }
    const offsets = await admin.partitionOffsets(
      Array.from({ length: 6 }, (_, partition) => ({ topic: 'first-send', partition })),
      { kinds: ['latest'] },
    )
    expect(offsets.map((o) => [o.logEndOffset, o.error])).toEqual(offsets.map(() => [1, null]))
  })

  it('a transactional send right after createTopic commits (the first use of the transaction coordinator)', async () => {
    const bootstrapServers = stack.bootstrapServers.split(',')
    await admin.createTopic({ topic: 'first-tx', partitions: 1, replicationFactor: 3 })
    const producer = createProducerPort({ bootstrapServers, transactionalId: 'fresh-tx' })
    try {
      await producer.sendTransaction(
        [
          { topic: 'first-tx', value: 'a' },
          { topic: 'first-tx', value: 'b' },
        ],
        'commit',
      )
    } finally {
      await producer.close()
    }
    // two records and the commit marker, once the marker is written
    const settled = await pollUntil(async () => {
      const [o] = await admin.partitionOffsets([{ topic: 'first-tx', partition: 0 }])
      return o?.logEndOffset === 3 && o.lastStableOffset === 3
    }, 15_000)
    expect(settled).toBe(true)
  })
})
