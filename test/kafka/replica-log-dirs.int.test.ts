// AlterReplicaLogDirs on the shared cluster, without changing it: a move to the dir the replica is already in is
// accepted (a no-op), a move to a dir the broker does not have is refused per move, an unknown broker is
// reported per move. The move onto a real second dir is tested on a private stack
// (test/executor/brokers/local-disk.int.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdminPort, type KafkaAdminPort } from '../../src/kafka/index.ts'
import { bootstrapServers, eventually, unique } from './support.ts'

let admin: KafkaAdminPort
const topic = unique('logdirs')

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers() })
  await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
})

afterAll(async () => {
  await admin.deleteTopics([topic]).catch(() => {})
  await admin.close()
})

describe('alterReplicaLogDirs', () => {
  it('answers per move: same dir accepted, unknown dir and unknown broker refused', async () => {
    const md = await eventually(
      () => admin.metadata({ topics: [topic] }),
      (m) => (m.topics[0]?.partitions[0]?.leader ?? -1) >= 0,
    )
    const broker = md.topics[0]!.partitions[0]!.replicas[0]!
    const dirs = await eventually(
      () => admin.describeLogDirs([broker]),
      (d) => d.some((x) => x.partitions.some((p) => p.topic === topic)),
    )
    const current = dirs.find((d) => d.partitions.some((p) => p.topic === topic))!.logDir
    const results = await admin.alterReplicaLogDirs([
      { topic, partition: 0, broker, logDir: current },
      { topic, partition: 0, broker: 99, logDir: current },
    ])
    expect(results.map((r) => [r.broker, r.error])).toEqual([
      [broker, null],
      [99, 'BROKER_NOT_AVAILABLE'],
    ])
    const [missing] = await admin.alterReplicaLogDirs([
      { topic, partition: 0, broker, logDir: '/nonexistent/autopilot-dir' },
    ])
    expect(missing?.error).toBe('LOG_DIR_NOT_FOUND')
    expect(
      (await admin.describeLogDirs([broker])).find((d) => d.logDir === current)?.partitions,
    ).toContainEqual(expect.objectContaining({ topic, partition: 0, isFuture: false }))
  })

  it('checks its input before any request', async () => {
    await expect(
      admin.alterReplicaLogDirs([{ topic, partition: -1, broker: 1, logDir: '/x' }]),
    ).rejects.toMatchObject({ code: 'AP_ERR_INPUT', field: 'moves[0].partition' })
    await expect(
      admin.alterReplicaLogDirs([{ topic, partition: 0, broker: 1, logDir: '' }]),
    ).rejects.toMatchObject({ code: 'AP_ERR_INPUT', field: 'moves[0].logDir' })
  })
})
