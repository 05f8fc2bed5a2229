// Destructive: stops a broker, so it runs on its own two-node cluster (one KRaft controller+broker, one broker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProducerPort, type KafkaAdminPort } from '../../src/kafka/index.ts'
import { addBroker, pauseBroker } from '../../src/stack/cluster.ts'
import type { StackNode } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'
import { eventually, unique } from './support.ts'

let dir: string
let admin: KafkaAdminPort
let lost: StackNode
const topic = unique('loss')
const p0 = { topic, partition: 0 }
const p1 = { topic, partition: 1 }

beforeAll(async () => {
  let servers: string[]
  ;({ dir, servers, admin } = await startPrivateStack('kafka-loss-', {
    brokers: 1,
    heapMb: 384,
    adminTimeoutMs: 4_000,
  }))
  lost = await addBroker(dir, { heapMb: 384 })
  await eventually(
    () => admin.metadata(),
    (md) => md.brokers.length === 2,
  )
  await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
  await admin.alterPartitionReassignments([
    { ...p0, replicas: [1] },
    { ...p1, replicas: [lost.id] },
  ])
  await eventually(
    () => admin.metadata({ topics: [topic] }),
    (md) => md.topics[0]?.partitions.map((p) => p.leader).join() === `1,${lost.id}`,
    30_000,
  )
  const producer = createProducerPort({ bootstrapServers: servers })
  await producer.send([
    { ...p0, value: 'a' },
    { ...p1, value: 'b' },
  ])
  await producer.close()
}, 180_000)

afterAll(async () => {
  await stopPrivateStack(dir, admin)
}, 60_000)

describe('a partition leader that stops answering', () => {
  it('partitionOffsets and probeRecords report it per partition, within the request timeout', async () => {
    await pauseBroker(dir, lost.id, true)
    const started = Date.now()
    const [o0, o1] = await admin.partitionOffsets([p0, p1])
    const [r0, r1] = await admin.probeRecords([
      { ...p0, offset: 0 },
      { ...p1, offset: 0 },
    ])
    expect(Date.now() - started).toBeLessThan(15_000)
    expect([o0?.logEndOffset, o0?.error, r0?.firstDataOffset, r0?.error]).toEqual([1, null, 0, null])
    expect(o1?.error).toMatch(/leader 2 unreachable|LEADER_NOT_AVAILABLE|NOT_LEADER/)
    expect(r1?.error).toMatch(/leader 2 unreachable|LEADER_NOT_AVAILABLE|NOT_LEADER/)
    expect(o1?.logEndOffset).toBe(-1)
    const dirs = await admin.describeLogDirs()
    expect(dirs.find((d) => d.broker === lost.id)?.error ?? 'fenced').not.toBeNull()
    expect(dirs.find((d) => d.broker === 1)?.error).toBeNull()
  })

  it('once fenced the partition has no leader, and the broker can be unregistered', async () => {
    process.kill(lost.pid, 'SIGKILL')
    const md = await eventually(
      () => admin.metadata({ topics: [topic] }),
      (m) => m.topics[0]?.partitions[1]?.leader === -1,
      30_000,
    )
    expect(md.topics[0]?.partitions[1]).toMatchObject({ leader: -1 })
    expect((await admin.partitionOffsets([p1]))[0]?.error).toBe('LEADER_NOT_AVAILABLE')
    await admin.unregisterBroker(lost.id)
    const after = await eventually(
      () => admin.metadata(),
      (m) => !m.brokers.some((b) => b.id === lost.id),
    )
    expect(after.brokers.map((b) => b.id)).toEqual([1])
  })
})
