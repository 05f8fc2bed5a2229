// The producer and consumer ports ride out a frozen partition leader (SIGSTOP). Its TCP connections stay open, so
// requests to it never fail on their own: only the ports' request timeout, metadata refresh and retry get the
// records to the new leaders. The frozen broker is the ports' first bootstrap server, leads a third of the
// partitions and coordinates the group (not the active controller: a frozen active controller stalls every
// broker's forwarded requests, a different case). While it is still frozen, records sent before and after the
// controller moved its leadership away are delivered and consumed from every partition; none is lost.
// Destructive, so on its own 3-broker cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdminPort, createConsumerPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort, KafkaConsumerPort, KafkaProducerPort } from '../../src/kafka/port.ts'
import { pauseBroker } from '../../src/stack/cluster.ts'
import type { StackState } from '../../src/stack/types.ts'
import { waitFor } from '../helpers/healing-stack.ts'
import { activeController, groupOffsetsPartition } from '../helpers/kraft.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'

const topic = 'frozen-leader'
const PARTITIONS = 6
const OFFSETS_PARTITIONS = 6 // offsets.topic.num.partitions of the local stack
const PER_PARTITION = 5

let dir: string
let stack: StackState
let admin: KafkaAdminPort
let producer: KafkaProducerPort | null = null
let consumer: KafkaConsumerPort | null = null
let victim: number
let groupId: string
let paused = false

const address = (id: number) => {
  const node = stack.nodes.find((n) => n.id === id)!
  return `${node.host}:${node.port}`
}

beforeAll(async () => {
  ;({ dir, stack } = await startPrivateStack('frozen-leader-', { brokers: 3 }))
  const controller = activeController(stack.nodes)
  victim = stack.nodes.find((n) => n.id !== controller)!.id
  const ids = stack.nodes.map((n) => n.id)
  admin = createAdminPort({
    bootstrapServers: ids.filter((id) => id !== victim).map(address),
    timeoutMs: 5_000,
  })
  // Each broker leads two partitions (the first replica is the preferred leader), whose followers come in
  // opposite orders: when the leader is frozen, its two partitions move to two different brokers.
  const replicas = Array.from({ length: PARTITIONS }, (_, p) => {
    const order = ids.map((_, i) => ids[(p + i) % ids.length]!)
    return p < ids.length ? order : [order[0]!, ...order.slice(1).reverse()]
  })
  await admin.createTopic({
    topic,
    partitions: PARTITIONS,
    replicationFactor: 3,
    configs: { 'min.insync.replicas': '2' },
    replicas,
  })
  // A group whose coordinator is the broker to freeze: FindCoordinator creates __consumer_offsets, then a group id
  // is chosen whose offsets partition it leads.
  await admin.describeGroups(['frozen-leader-warm-up']).catch(() => undefined)
  const offsets = await waitFor('__consumer_offsets leaders', 60_000, async () => {
    const md = await admin.metadata({ topics: ['__consumer_offsets'] })
    const parts = md.topics[0]?.partitions ?? []
    return parts.length === OFFSETS_PARTITIONS && parts.every((p) => p.leader >= 0) ? parts : undefined
  })
  const led = new Set(offsets.filter((p) => p.leader === victim).map((p) => p.partition))
  groupId = Array.from({ length: 200 }, (_, i) => `frozen-leader-g${i}`).find((g) =>
    led.has(groupOffsetsPartition(g, OFFSETS_PARTITIONS)),
  )!
  expect(groupId).toBeDefined()
  await waitFor('the topic leaders', 30_000, async () => {
    const md = await admin.metadata({ topics: [topic] })
    const leaders = md.topics[0]?.partitions.map((p) => p.leader) ?? []
    return leaders.filter((l) => l === victim).length === 2 ? true : undefined
  })
}, 180_000)

afterAll(async () => {
  if (paused) await pauseBroker(dir, victim, false).catch(() => {})
  await stopPrivateStack(dir, consumer, producer, admin)
}, 60_000)

const batch = (tag: string) =>
  Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
    topic,
    partition: i % PARTITIONS,
    key: `${tag}-${i}`,
    value: tag,
  }))

describe('producer and consumer ports with a frozen partition leader', () => {
  it('deliver and consume records of every partition while it is frozen, losing none', async () => {
    const seen = new Map<string, number>()
    const victimFirst = [victim, ...stack.nodes.map((n) => n.id).filter((id) => id !== victim)].map(address)
    producer = createProducerPort({ bootstrapServers: victimFirst, acks: -1 })
    consumer = createConsumerPort({
      bootstrapServers: victimFirst,
      groupId,
      topics: [topic],
      fromBeginning: true,
    })
    await consumer.start((record) => {
      if (record.key) seen.set(record.key, record.partition)
    })
    const consumedAll = (tag: string) => batch(tag).every((r) => seen.has(r.key))

    // connections to every broker are open, the consumer fetches from all three
    await producer.send(batch('before'))
    await waitFor('the records sent before the freeze to be consumed', 30_000, () =>
      consumedAll('before') ? true : undefined,
    )

    await pauseBroker(dir, victim, true)
    paused = true
    const frozenAt = Date.now()
    const elapsed = () => Date.now() - frozenAt
    try {
      // Sent at once: the requests for the frozen leader's partitions time out and are retried, not dropped.
      const during = producer.send(batch('during'))
      during.catch(() => {})
      await waitFor('the controller to move leadership off the frozen broker', 40_000, async () => {
        const md = await admin.metadata({ topics: [topic] })
        const leaders = md.topics[0]?.partitions.map((p) => p.leader) ?? []
        return leaders.length === PARTITIONS && !leaders.includes(victim) ? true : undefined
      })
      await during
      await producer.send(batch('after'))
      const sentBy = elapsed()
      await waitFor(
        'every record to be consumed',
        45_000,
        () => (consumedAll('before') && consumedAll('during') && consumedAll('after') ? true : undefined),
        100,
      )
      const consumedBy = elapsed()
      const partitions = new Set(batch('after').map((r) => seen.get(r.key)))
      expect(partitions.size).toBe(PARTITIONS)
      // all of it happened while the broker was frozen
      expect(paused).toBe(true)
      console.log(`frozen-leader: delivered by ${sentBy} ms, consumed by ${consumedBy} ms after the freeze`)
      expect(consumedBy).toBeLessThan(60_000)
    } finally {
      await pauseBroker(dir, victim, false)
      paused = false
    }
  }, 100_000)
})
