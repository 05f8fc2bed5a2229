// `autopilot rebalance execute|status|cancel` and `autopilot brokers list` against the real cluster. Each test
// moves replicas of its own topic among the existing brokers only and leaves the cluster as it found it (the
// topics are deleted; cancel and Ctrl-C revert and clear throttles, which the tests check).
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { runRebalanceExecute } from '../../src/cli/commands/rebalance/execute.ts'
import { commandDeps } from '../../src/cli/commands/rebalance/session.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { pollUntil } from '../../src/kafka/wait.ts'
import { jsonLines, runCli } from '../helpers/run-cli.ts'

const kafka = inject('kafka')
const bs = kafka.bootstrapServers
const bootstrapServers = bs.split(',')
const s = `cli-rb-${Date.now().toString(36)}`
const topics = { small: `${s}-small`, cancel: `${s}-cancel`, sigint: `${s}-sigint`, twice: `${s}-twice` }
const BIG_BYTES = 3 * 1024 * 1024

let admin: KafkaAdminPort
let dir: string
const children: ChildProcess[] = []

async function replicasOf(topic: string): Promise<number[][]> {
  const meta = await admin.metadata({ topics: [topic] })
  return meta.topics.find((t) => t.name === topic)!.partitions.map((p) => [...p.replicas])
}

/** A plan moving every partition of `topic` to other brokers among 1–3 (same replication factor). */
async function planFor(topic: string): Promise<{ file: string; before: number[][]; after: number[][] }> {
  const before = await replicasOf(topic)
  const ids = kafka.nodes.map((n) => n.id)
  const after = before.map((r) => {
    const free = ids.filter((id) => !r.includes(id))
    return [free[0]!, ...r.slice(0, r.length - 1)]
  })
  const file = join(dir, `${topic}.json`)
  const plan = {
    version: 1,
    partitions: after.map((replicas, partition) => ({ topic, partition, replicas })),
  }
  await writeFile(file, JSON.stringify(plan))
  return { file, before, after }
}

async function fill(topic: string, bytes: number): Promise<void> {
  const producer = createProducerPort({ bootstrapServers })
  const value = 'x'.repeat(1000)
  try {
    for (let sent = 0; sent < bytes; sent += 500 * 1000) {
      await producer.send(Array.from({ length: 500 }, () => ({ topic, partition: 0, value })))
    }
  } finally {
    await producer.close()
  }
}

async function statusOf(topic: string) {
  const r = await runCli(['rebalance', 'status', '--bootstrap-server', bs, '--topic', topic, '--json'])
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as {
    ongoing: Array<{ topic: string; partition: number; from: number[]; to: number[] }>
    throttles: Record<string, Record<string, string>>
  }
}

async function waitOngoing(topic: string): Promise<void> {
  const seen = await pollUntil(
    async () => (await admin.listPartitionReassignments()).some((r) => r.topic === topic),
    30_000,
  )
  expect(seen, `a reassignment of ${topic} in flight`).toBe(true)
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autopilot-rebalance-'))
  admin = createAdminPort({ bootstrapServers })
  await admin.createTopic({ topic: topics.small, partitions: 3, replicationFactor: 2 })
  await admin.createTopic({ topic: topics.cancel, partitions: 1, replicationFactor: 1 })
  await admin.createTopic({ topic: topics.sigint, partitions: 1, replicationFactor: 1 })
  await admin.createTopic({ topic: topics.twice, partitions: 1, replicationFactor: 1 })
  await fill(topics.cancel, BIG_BYTES)
  await fill(topics.sigint, BIG_BYTES)
  await fill(topics.twice, BIG_BYTES)
})

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  // Anything of ours still moving (a failed test) is reverted and its throttles cleared before the topics go.
  for (const topic of Object.values(topics)) {
    await runCli(['rebalance', 'cancel', '--bootstrap-server', bs, '--topic', topic]).catch(() => {})
  }
  await admin?.deleteTopics(Object.values(topics)).catch(() => {})
  await admin?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('autopilot rebalance on the real cluster', () => {
  it('execute --plan --json runs the plan: JSON lines of events, a completed result, replicas at target', async () => {
    const { file, after } = await planFor(topics.small)
    const r = await runCli([
      'rebalance',
      'execute',
      '--bootstrap-server',
      bs,
      '--plan',
      file,
      '--throttle',
      '10MiB',
      '--poll-interval',
      '200',
      '--json',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = jsonLines(r.stdout)
    const kinds = lines.map((l) => l.kind)
    expect(kinds[0]).toBe('planned')
    expect(kinds).toContain('throttles-set')
    expect(kinds).toContain('started')
    expect(kinds).toContain('throttles-cleared')
    const result = lines.at(-1) as { kind: string; state: string; throttles: { cleared: boolean } }
    expect(result).toMatchObject({ kind: 'result', state: 'completed', throttles: { cleared: true } })
    expect(await replicasOf(topics.small)).toEqual(after)
    expect(await statusOf(topics.small)).toEqual({ ongoing: [], throttles: {}, verification: null })
  })

  it('status shows a throttled move in flight; cancel reverts it and clears the throttles', async () => {
    const { file, before, after } = await planFor(topics.cancel)
    const out: string[] = []
    const deps = commandDeps({
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => out.push(t) },
      onInterrupt: () => () => {},
      exit: () => {
        throw new Error('exit called')
      },
    })
    const running = runRebalanceExecute(
      { bootstrapServer: bs, plan: file, throttle: 1024, pollInterval: 200 },
      deps,
    )
    await waitOngoing(topics.cancel)
    const during = await statusOf(topics.cancel)
    expect(during.ongoing).toEqual([
      expect.objectContaining({ topic: topics.cancel, partition: 0, from: before[0], to: after[0] }),
    ])
    expect(Object.keys(during.throttles)).toContain(`topic ${topics.cancel}`)
    expect(during.throttles[`broker ${after[0]![0]}`]).toMatchObject({
      'follower.replication.throttled.rate': '1024',
    })

    const cancelled = await runCli([
      'rebalance',
      'cancel',
      '--bootstrap-server',
      bs,
      '--topic',
      topics.cancel,
      '--json',
    ])
    expect(cancelled.code).toBe(0)
    const last = jsonLines(cancelled.stdout).at(-1)
    expect(last).toMatchObject({ kind: 'result', throttles: { cleared: true }, error: null })

    // The execute run sees someone else cancel its move: exit 1 with a message, and nothing left behind.
    expect(await running).toBe(1)
    expect(out.join('')).toMatch(/cancelled by another process/)
    expect(await replicasOf(topics.cancel)).toEqual(before)
    expect(await statusOf(topics.cancel)).toEqual({ ongoing: [], throttles: {}, verification: null })
  })

  /** Starts `rebalance execute --json` as a child process with a 1 KiB/s throttle; resolves once it moves. */
  async function startExecute(topic: string) {
    const { file, before } = await planFor(topic)
    const args = ['bin/autopilot.js', 'rebalance', 'execute', '--bootstrap-server', bs, '--plan', file]
    const child = spawn(
      process.execPath,
      [...args, '--throttle', '1KiB', '--poll-interval', '200', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    children.push(child)
    const out = { stdout: '', stderr: '' }
    child.stderr!.on('data', (c: Buffer) => {
      out.stderr += String(c)
    })
    const started = new Promise<void>((resolve) => {
      child.stdout!.on('data', (c: Buffer) => {
        out.stdout += String(c)
        if (out.stdout.includes('"kind":"started"')) resolve()
      })
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await Promise.race([started, exited])
    await waitOngoing(topic)
    const exit = () =>
      Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 60_000).unref()),
      ])
    return { child, out, before, exit }
  }

  it('Ctrl-C (a real SIGINT to the CLI process) reverts the move, clears throttles and exits 130', async () => {
    const { child, out, before, exit } = await startExecute(topics.sigint)
    child.kill('SIGINT')
    expect(await exit(), out.stderr).toBe(130)
    expect(out.stderr).toMatch(/interrupted: in-flight moves reverted/)
    const result = jsonLines(out.stdout).at(-1)
    expect(result).toMatchObject({ kind: 'result', state: 'cancelled', cancelReason: 'aborted' })
    expect(result).toMatchObject({ throttles: { set: true, cleared: true } })
    expect(await replicasOf(topics.sigint)).toEqual(before)
    expect(await statusOf(topics.sigint)).toEqual({ ongoing: [], throttles: {}, verification: null })
  })

  it('a second Ctrl-C exits at once; rebalance cancel then cleans up what it left', async () => {
    const { child, out, before, exit } = await startExecute(topics.twice)
    child.kill('SIGINT')
    // Signals of one kind sent back to back merge while pending: the second goes once the first is handled.
    const handled = await pollUntil(async () => out.stderr.includes('interrupted:'), 10_000, 20)
    expect(handled, out.stderr).toBe(true)
    child.kill('SIGINT')
    expect(await exit(), out.stderr).toBe(130)
    expect(out.stderr).toMatch(/exiting without cleanup: run `autopilot rebalance cancel/)
    expect(jsonLines(out.stdout).some((l) => l.kind === 'result')).toBe(false)
    const left = await statusOf(topics.twice)
    expect(Object.keys(left.throttles)).toContain(`topic ${topics.twice}`)

    const cancelled = await runCli(['rebalance', 'cancel', '--bootstrap-server', bs, '--topic', topics.twice])
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(cancelled.stdout).toMatch(/^cancelled: .*throttles cleared$/m)
    expect(await replicasOf(topics.twice)).toEqual(before)
    expect(await statusOf(topics.twice)).toEqual({ ongoing: [], throttles: {}, verification: null })
    const again = await runCli(['rebalance', 'cancel', '--bootstrap-server', bs, '--topic', topics.twice])
    expect(again.stdout).toMatch(/^Nothing to cancel/)
  })
})

describe('autopilot brokers list on the real cluster', () => {
  it('lists every broker with its address, replicas and leaders; one is the controller', async () => {
    const r = await runCli(['brokers', 'list', '--bootstrap-server', bs, '--json'])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as {
      brokers: Array<{
        id: number
        host: string
        port: number
        state: string
        controller: boolean
        replicas: number
      }>
      partitions: number
    }
    expect(list.brokers.map((b) => b.id)).toEqual(kafka.nodes.map((n) => n.id).sort((a, b) => a - b))
    for (const b of list.brokers) {
      expect(b.state).toBe('live')
      expect(bootstrapServers).toContain(`${b.host}:${b.port}`)
    }
    expect(list.brokers.filter((b) => b.controller)).toHaveLength(1)
    // our topics alone hold 3×2 + 1 + 1 replicas
    expect(list.brokers.reduce((n, b) => n + b.replicas, 0)).toBeGreaterThanOrEqual(8)
    const table = await runCli(['brokers', 'list', '--bootstrap-server', bs])
    expect(table.stdout).toMatch(/^ID\s+ADDRESS\s+RACK\s+STATE\s+CONTROLLER\s+REPLICAS\s+LEADERS\s+URP/)
  })

  it('an unreachable cluster is a clear error with exit 4, not a stack trace', async () => {
    const r = await runCli(['brokers', 'list', '--bootstrap-server', '127.0.0.1:1'])
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^error: cannot reach Kafka/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})
