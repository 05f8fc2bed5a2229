// Destructive (restarts a broker), so on a private 3-node stack: addDisk on broker 2 gives it a second log dir
// with a restart of broker 2 alone (the other PIDs do not change) while a producer and a consumer keep running,
// no acknowledged record is lost, rebalance({disk: true}) moves replicas into the new dir, and `stack down` stops
// the restarted node by its new PID.
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLocalBackend } from '../../../src/executor/brokers/local.ts'
import {
  createConsumerPort,
  createProducerPort,
  type KafkaAdminPort,
  type KafkaConsumerPort,
} from '../../../src/kafka/index.ts'
import { readState, stopStack } from '../../../src/stack/cluster.ts'
import { startPrivateStack, stopPrivateStack } from '../../helpers/private-stack.ts'
import { processesMentioning } from '../../helpers/processes.ts'

const BROKER = 2
const topic = `disk-${Date.now().toString(36)}`
let dir: string
let bootstrap: string[]
let admin: KafkaAdminPort
let consumer: KafkaConsumerPort | undefined
const consumed = new Set<string>()
const acked: string[] = []
let producing = true
let producerLoop: Promise<void> = Promise.resolve()

beforeAll(async () => {
  ;({ dir, servers: bootstrap, admin } = await startPrivateStack('kafka-disk-', { brokers: 3, heapMb: 384 }))
  await admin.createTopic({ topic, partitions: 4, replicationFactor: 3 })
  const producer = createProducerPort({ bootstrapServers: bootstrap, acks: -1 })
  const first = Array.from({ length: 100 }, (_, i) => ({ topic, partition: i % 4, value: `before-${i}` }))
  await producer.send(first)
  acked.push(...first.map((r) => r.value))
  consumer = createConsumerPort({
    bootstrapServers: bootstrap,
    groupId: `${topic}-g`,
    topics: [topic],
    fromBeginning: true,
    autocommitIntervalMs: 200,
  })
  await consumer.start((r) => {
    consumed.add(r.value)
  })
  // Keeps producing through the restart; only acknowledged records must come out again.
  producerLoop = (async () => {
    for (let i = 0; producing; i += 1) {
      const value = `during-${i}`
      await producer.send([{ topic, partition: i % 4, value }]).then(
        () => acked.push(value),
        () => undefined,
      )
      await sleep(50)
    }
    await producer.close()
  })()
}, 240_000)

afterAll(async () => {
  producing = false
  await producerLoop.catch(() => undefined)
  await consumer?.close().catch(() => undefined)
  await stopPrivateStack(dir, admin)
}, 90_000)

describe('addDisk on the local stack', () => {
  it('adds a log dir to one broker, restarting only that broker, with producers and consumers running', async () => {
    const before = await readState(dir)
    const pids = new Map(before.nodes.map((n) => [n.id, n.pid]))
    const backend = createLocalBackend({ dir })
    const result = await backend.addDisk(
      BROKER,
      { size: '1Gi', mountPath: '/kafka-logs2' },
      { dryRun: false },
    )
    const newDir = join(dir, 'data', `node${BROKER}-kafka-logs2`)
    expect(result).toMatchObject({ applied: true, brokers: [BROKER], details: { logDir: newDir } })

    const after = await readState(dir)
    for (const node of after.nodes) {
      if (node.id === BROKER) expect(node.pid).not.toBe(pids.get(node.id))
      else expect(node.pid).toBe(pids.get(node.id))
    }
    expect(after.nodes.find((n) => n.id === BROKER)?.dataDirs).toEqual([
      join(dir, 'data', `node${BROKER}`),
      newDir,
    ])
    const dirs = await admin.describeLogDirs([BROKER])
    expect(dirs.map((d) => [d.logDir, d.error]).sort()).toEqual([
      [join(dir, 'data', `node${BROKER}`), null],
      [newDir, null],
    ])
    const md = await admin.metadata({ topics: [topic] })
    for (const p of md.topics[0]!.partitions) expect(p.isr).toContain(BROKER)
  })

  it('rebalance({disk: true}) moves replicas into the new dir', async () => {
    const backend = createLocalBackend({ dir })
    const result = await backend.rebalance({ disk: true }, { dryRun: false })
    expect(result.applied).toBe(true)
    const dirs = await admin.describeLogDirs([BROKER])
    const counts = dirs.map((d) => d.partitions.filter((p) => !p.isFuture).length)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    const newDir = dirs.find((d) => d.logDir.endsWith('-kafka-logs2'))!
    expect(newDir.partitions.length).toBeGreaterThan(0)
    expect(result.details).toMatchObject({ moves: expect.any(Array) })
  })

  it('loses no acknowledged record', async () => {
    producing = false
    await producerLoop
    expect(acked.filter((v) => v.startsWith('during-')).length).toBeGreaterThan(10)
    await vi.waitFor(() => expect(acked.filter((v) => !consumed.has(v))).toEqual([]), {
      timeout: 60_000,
      interval: 500,
    })
  })

  it('stack down stops the restarted node by its new PID', async () => {
    await consumer?.close()
    consumer = undefined
    await stopStack(dir, { keepLogs: true })
    expect(processesMentioning(join(dir, 'conf'))).toEqual([])
  })
})
