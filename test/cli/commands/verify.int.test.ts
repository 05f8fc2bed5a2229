// verify and plan scale-out against the real local cluster (3 KRaft nodes): healthy → pass, lag over the
// threshold → fail, fewer brokers than expected → fail; plan reads live partition counts.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openAdminPort } from '../../../src/cli/admin-port.ts'
import { runPlanScaleOut } from '../../../src/cli/commands/plan.ts'
import { runVerify, type VerifyFlags } from '../../../src/cli/commands/verify.ts'
import { createAdminPort, createProducerPort } from '../../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../../src/kafka/port.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const s = `verify-${Date.now().toString(36)}`
const topic = `${s}-orders`
const group = `${s}-writer`
const PARTITIONS = 6
const PER_PARTITION = 10

let admin: KafkaAdminPort

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  await admin.createTopic({ topic, partitions: PARTITIONS, replicationFactor: 3 })
  const producer = createProducerPort({ bootstrapServers })
  try {
    await producer.send(
      Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
        topic,
        partition: i % PARTITIONS,
        value: `v${i}`,
      })),
    )
  } finally {
    await producer.close()
  }
})

afterAll(async () => {
  await admin?.deleteGroups([group]).catch(() => {})
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
})

async function commitAt(offset: number): Promise<void> {
  await admin.alterGroupOffsets(
    group,
    Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset })),
  )
}

async function verify(extra: Partial<VerifyFlags>) {
  const out: string[] = []
  const code = await runVerify(
    {
      bootstrapServer: kafka.bootstrapServers,
      group: [group],
      maxLag: [],
      ignoreAlert: [],
      offsetReset: 'latest',
      json: true,
      ...extra,
    },
    { openPort: openAdminPort, stdout: { write: (t: string) => out.push(t) } },
  )
  const doc = JSON.parse(out.join('')) as {
    passed: boolean
    checks: Array<{ check: string; status: string; summary: string }>
  }
  return { code, status: Object.fromEntries(doc.checks.map((c) => [c.check, c.status])), doc }
}

describe('autopilot verify on the real cluster', () => {
  it('passes when every broker is up, partitions are in sync and the group has caught up', async () => {
    await commitAt(PER_PARTITION)
    const { code, status } = await verify({ brokers: kafka.nodes.length })
    expect(status).toEqual({
      'brokers-up': 'pass',
      'under-replicated': 'pass',
      'offline-partitions': 'pass',
      'consumer-lag': 'pass',
      alerts: 'skip',
    })
    expect(code).toBe(0)
  })

  it('fails on lag over the threshold, per partition', async () => {
    await commitAt(0)
    const { code, status, doc } = await verify({ maxLag: [{ topic: null, records: PER_PARTITION - 1 }] })
    expect(code).toBe(1)
    expect(status['consumer-lag']).toBe('fail')
    expect(doc.checks.find((c) => c.check === 'consumer-lag')!.summary).toContain(
      `${topic}-0: ${PER_PARTITION} records > ${PER_PARTITION - 1}`,
    )
    const perTopic = await verify({
      maxLag: [
        { topic: null, records: 1 },
        { topic, records: PER_PARTITION },
      ],
    })
    expect(perTopic.status['consumer-lag']).toBe('pass')
  })

  it('fails when fewer brokers are up than --brokers expects', async () => {
    const { code, status } = await verify({ brokers: kafka.nodes.length + 1, group: [] })
    expect(status['brokers-up']).toBe('fail')
    expect(status['consumer-lag']).toBe('skip')
    expect(code).toBe(1)
  })
})

describe('autopilot plan scale-out with --bootstrap-server', () => {
  it('grows the live partitions of topics not in the values', async () => {
    const plan = await runPlanScaleOut(
      { values: 'values.yaml', nodes: 3, add: 3, bootstrapServer: kafka.bootstrapServers },
      {
        openPort: openAdminPort,
        stdout: { write: () => true },
        readFile: async () => 'app:\n  replicaCount: 2\n',
        writeFile: async () => {},
      },
    )
    const live = plan!.partitions.find((p) => p.topic === topic)
    expect(live).toMatchObject({ source: 'cluster', from: PARTITIONS, to: PARTITIONS * 2 })
    expect(plan!.partitions.some((p) => p.topic.startsWith('__'))).toBe(false)
  })
})
