// The local broker backend on the real local cluster: a broker started through the backend joins, is refused
// removal while it holds a replica (the drain precondition, read from real metadata), and is removed once the
// replica moved away. The broker is removed in any case, so the shared cluster is left as it was.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import type { BrokerEvent } from '../../../src/executor/brokers/backend.ts'
import { createLocalBackend } from '../../../src/executor/brokers/local.ts'
import { createAdminPort, type KafkaAdminPort } from '../../../src/kafka/index.ts'
import { readState, removeBroker } from '../../../src/stack/cluster.ts'

const kafka = inject('kafka')
let admin: KafkaAdminPort

beforeAll(() => {
  admin = createAdminPort({ bootstrapServers: kafka.bootstrapServers.split(',') })
})
afterAll(async () => {
  await admin.close()
})

describe('local broker backend on the real cluster', () => {
  it('adds a broker, refuses to remove it while it holds a replica, removes it once drained', async () => {
    const backend = createLocalBackend({ dir: kafka.dir }, { admin })
    const topic = `local-backend-${randomUUID().slice(0, 8)}`
    const events: BrokerEvent[] = []
    const added = await backend.addBrokers(1, { dryRun: false, journal: (e) => events.push(e) })
    const id = added.brokers[0]!
    try {
      expect(events.map((e) => e.step)).toEqual(['started'])
      expect((await backend.status()).brokers).toContainEqual({ id, state: 'running' })
      await vi.waitFor(async () => expect((await admin.metadata()).brokers.map((b) => b.id)).toContain(id), {
        timeout: 30_000,
        interval: 500,
      })

      await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
      const [moved] = await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [id] }])
      expect(moved?.error).toBeNull()
      // Metadata reaches each broker a moment after the controller accepted the move: wait until the broker
      // we ask sees the replica, or the precondition would (rightly) find nothing to refuse.
      await vi.waitFor(
        async () => {
          const t = (await admin.metadata()).topics.find((x) => x.name === topic)
          expect(t?.partitions[0]?.replicas).toContain(id)
        },
        { timeout: 30_000, interval: 250 },
      )
      await expect(backend.removeBrokers([id], { dryRun: false })).rejects.toMatchObject({
        code: 'AP_ERR_UNSAFE',
        message: expect.stringContaining(`broker ${id}: 1 replicas`),
      })
      expect((await readState(kafka.dir)).nodes.map((n) => n.id)).toContain(id)

      await admin.deleteTopics([topic])
      await vi.waitFor(
        async () => expect((await admin.metadata()).topics.map((t) => t.name)).not.toContain(topic),
        { timeout: 30_000, interval: 500 },
      )
      const removed = await backend.removeBrokers([id], { dryRun: false })
      expect(removed).toMatchObject({ brokers: [id], applied: true })
      expect((await readState(kafka.dir)).nodes.map((n) => n.id)).not.toContain(id)
    } finally {
      if ((await readState(kafka.dir)).nodes.some((n) => n.id === id)) {
        await admin.deleteTopics([topic]).catch(() => undefined)
        await removeBroker(kafka.dir, id)
      }
    }
  })
})
