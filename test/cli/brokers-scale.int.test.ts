// `autopilot brokers add|remove` on real Kafka with the local backend. Dry runs on the shared cluster (they
// change nothing); a real add, rebalance, drain and remove on a private 3-node cluster, stopped by PID after.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import type { StackState } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'
import { jsonLines, runCli } from '../helpers/run-cli.ts'

interface ListedBroker {
  id: number
  state: string
  replicas: number
}

async function brokers(bs: string): Promise<{ brokers: ListedBroker[]; underReplicated: number }> {
  const r = await runCli(['brokers', 'list', '--bootstrap-server', bs, '--json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

describe('brokers add|remove --dry-run on the shared cluster', () => {
  const kafka = inject('kafka')
  const target = ['--bootstrap-server', kafka.bootstrapServers, '--stack-dir', kafka.dir]

  it('add --dry-run plans a new broker and a rebalance onto it, and changes nothing', async () => {
    const before = await brokers(kafka.bootstrapServers)
    const r = await runCli(['brokers', 'add', ...target, '--dry-run', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const result = jsonLines(r.stdout).at(-1)
    expect(result).toMatchObject({ kind: 'result', ok: true, dryRun: true })
    expect((result as { brokers: number[] }).brokers).toHaveLength(1)
    expect((await brokers(kafka.bootstrapServers)).brokers.map((b) => b.id)).toEqual(
      before.brokers.map((b) => b.id),
    )
  })

  it('remove refuses a KRaft controller (exit 9, naming --id)', async () => {
    const r = await runCli(['brokers', 'remove', ...target, '--id', String(kafka.nodes[0]!.id), '--dry-run'])
    expect(r.code).toBe(9)
    expect(r.stderr).toMatch(/^error: not removing broker \d+: .*controller.*\(field: --id\)/)
  })
})

describe('brokers add then remove on a private cluster', () => {
  const topic = 'cli-scale'
  let dir: string
  let stack: StackState
  let admin: KafkaAdminPort
  let target: string[]

  beforeAll(async () => {
    let servers: string[]
    ;({ dir, stack, servers, admin } = await startPrivateStack('cli-scale-', { brokers: 3, heapMb: 384 }))
    target = ['--bootstrap-server', stack.bootstrapServers, '--stack-dir', dir]
    await admin.createTopic({ topic, partitions: 6, replicationFactor: 2 })
    const producer = createProducerPort({ bootstrapServers: servers })
    try {
      await producer.send(
        Array.from({ length: 600 }, (_, i) => ({ topic, partition: i % 6, value: `v${i}` })),
      )
    } finally {
      await producer.close()
    }
  }, 180_000)

  afterAll(async () => {
    await stopPrivateStack(dir, admin)
  }, 120_000)

  it('add starts a broker and moves replicas onto it; remove drains it and takes it away', async () => {
    const added = await runCli(['brokers', 'add', ...target, '--count', '1', '--throttle', '50MiB'])
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toMatch(/^done: /m)
    const afterAdd = await brokers(stack.bootstrapServers)
    expect(afterAdd.brokers.filter((b) => b.state === 'live')).toHaveLength(4)
    const fresh = afterAdd.brokers.find((b) => !stack.nodes.some((n) => n.id === b.id))!
    expect(fresh.replicas).toBeGreaterThan(0)

    const removed = await runCli(['brokers', 'remove', ...target, '--id', String(fresh.id), '--json'])
    expect(removed.code, removed.stderr).toBe(0)
    expect(jsonLines(removed.stdout).at(-1)).toMatchObject({ kind: 'result', ok: true, brokers: [fresh.id] })
    const afterRemove = await brokers(stack.bootstrapServers)
    expect(afterRemove.brokers.map((b) => b.id)).toEqual(stack.nodes.map((n) => n.id).sort((a, b) => a - b))
    expect(afterRemove.underReplicated).toBe(0)
    const status = await runCli([
      'rebalance',
      'status',
      '--bootstrap-server',
      stack.bootstrapServers,
      '--json',
    ])
    expect(JSON.parse(status.stdout)).toMatchObject({ ongoing: [], throttles: {} })
  })
})
