// Acceptance: Autopilot restarted in the middle of a reassignment. An Autopilot process moves a replica through
// the throttled executor, journaling into the daemon's journal, and is killed with SIGKILL right after the move
// was submitted (no clean-up at all: the reassignment is in flight in Kafka and the throttles are set). Then
// `autopilot run` starts on the same config and journal: it finds the work in Kafka itself, lets it finish,
// clears the throttles and journals every step. A second restart finds nothing left. Private 3-broker cluster:
// the recovery treats every replication throttle of the cluster as its own.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReassignmentEvent } from '../../src/executor/reassignment/events.ts'
import type { JournalEntry } from '../../src/journal/journal.ts'
import type { KafkaAdminPort } from '../../src/kafka/index.ts'
import type { StackState } from '../../src/stack/types.ts'
import {
  type DaemonProcess,
  fillTopic,
  journalOf,
  startDaemonProcess,
  throttlesLeft,
  underReplicatedCount,
  WaitAborted,
  waitFor,
  writeDaemonConfig,
} from '../helpers/healing-stack.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'

const RUN_REASSIGNMENT = join(import.meta.dirname, '../helpers/run-reassignment.ts')
const topic = 'restart-moving'
/** ~2 MiB to copy at 64 KiB/s: about half a minute, so the move is surely in flight when the process dies. */
const KIB = 2048
const RATE = 64 * 1024
/** The upScale case: 6 partitions of ~1 MiB, the new broker copying at 128 KiB/s. */
const GROW = 'restart-growing'
const GROW_RATE = 128 * 1024

let dir: string
let stack: StackState
let admin: KafkaAdminPort
let mover: ChildProcess | null = null
let daemon: DaemonProcess | null = null

beforeAll(async () => {
  let servers: string[]
  ;({ dir, stack, servers, admin } = await startPrivateStack('restart-', { brokers: 3, heapMb: 384 }))
  await admin.createTopic({ topic, partitions: 1, replicationFactor: 2 })
  await fillTopic(servers, topic, 1, KIB)
}, 180_000)

afterAll(async () => {
  if (mover?.exitCode === null && mover.signalCode === null) mover.kill('SIGKILL')
  await daemon?.kill()
  await stopPrivateStack(dir, admin)
}, 120_000)

/** The broker actions' cluster: the daemon recovers its in-flight reassignments when it starts. */
function writeConfig(): string {
  return writeDaemonConfig(dir, stack, {
    cluster: 'local',
    server: '{ port: 0 }',
    reassignment: `{ throttleBytesPerSec: ${GROW_RATE} }`,
  })
}

/** Starts the mover and SIGKILLs it right after its move was submitted to Kafka. */
async function startAndKill(plan: unknown): Promise<ReassignmentEvent[]> {
  const proc = spawn(
    process.execPath,
    [RUN_REASSIGNMENT, stack.bootstrapServers, JSON.stringify(plan), String(RATE), join(dir, 'journal.db')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  mover = proc
  const events: ReassignmentEvent[] = []
  let stderr = ''
  proc.stderr!.on('data', (chunk) => {
    stderr += String(chunk)
  })
  let buffer = ''
  proc.stdout!.on('data', (chunk) => {
    buffer += String(chunk)
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, i)) as ReassignmentEvent)
      buffer = buffer.slice(i + 1)
    }
  })
  await waitFor('the mover to submit its move', 60_000, () => {
    if (proc.exitCode !== null) throw new Error(`the mover exited (${proc.exitCode}): ${stderr}`)
    return events.some((e) => e.kind === 'started') || undefined
  })
  const exited = once(proc, 'exit')
  proc.kill('SIGKILL')
  await exited
  return events
}

/** The journal entries written since the daemon behind `url` started (after its DaemonStarted entry). */
async function sinceStart(url: string): Promise<JournalEntry[]> {
  const entries = await journalOf(url)
  const start = entries.findLastIndex((e) => e.reason === 'DaemonStarted')
  return start < 0 ? [] : entries.slice(start + 1)
}

describe('autopilot restarted in the middle of a reassignment', () => {
  it('finds the in-flight move and the throttles in Kafka, finishes the move, clears the throttles, journals it', async () => {
    const md = await admin.metadata({ topics: [topic] })
    const before = md.topics[0]!.partitions[0]!.replicas
    const target = [[1, 2, 3].find((b) => !before.includes(b))!, before[0]!]
    const plan = { version: 1, partitions: [{ topic, partition: 0, replicas: target }] }

    // 1. an Autopilot process dies mid-move: the reassignment and its throttles are left in Kafka
    const events = await startAndKill(plan)
    expect(events.map((e) => e.kind)).toEqual(['planned', 'throttles-set', 'started'])
    const ongoing = await admin.listPartitionReassignments()
    expect(ongoing.map((r) => [r.topic, r.partition])).toEqual([[topic, 0]])
    expect((await throttlesLeft(admin)).length).toBeGreaterThan(0)

    // 2. the daemon starts on the same config and journal and recovers from what Kafka holds
    const configFile = writeConfig()
    daemon = await startDaemonProcess(configFile)
    const url = daemon.url
    const ended = await waitFor('the recovery to end', 150_000, async () => {
      const entries = await journalOf(url)
      return entries.some((e) => e.reason === 'RecoveryCompleted' || e.reason === 'RecoveryEnded')
        ? entries
        : undefined
    })
    const reasons = ended.map((e) => e.reason)
    // the killed run's steps, then the recovery's
    expect(reasons.slice(0, 3)).toEqual([
      'reassignment-planned',
      'reassignment-throttles-set',
      'reassignment-started',
    ])
    const recovery = ended.filter((e) => e.scaler === 'recovery').map((e) => e.reason)
    expect(recovery.slice(0, 2).sort()).toEqual(['RecoveryStarted', 'reassignment-planned'])
    expect(
      ended.find((e) => e.scaler === 'recovery' && e.reason === 'reassignment-planned')?.inputs,
    ).toMatchObject({ mode: 'recover', moves: [{ topic, partition: 0, to: target }] })
    expect(recovery).toContain('reassignment-throttles-cleared')
    expect(recovery.at(-1), daemon.log()).toBe('RecoveryCompleted')
    const started = ended.find((e) => e.reason === 'RecoveryStarted')!
    expect(started.inputs).toMatchObject({ reassignments: [{ topic, partition: 0 }], mode: 'complete' })

    // 3. Kafka: the move finished, nothing in flight, no throttle left on any broker or topic
    expect(await admin.listPartitionReassignments()).toEqual([])
    const after = await admin.metadata({ topics: [topic] })
    expect([...after.topics[0]!.partitions[0]!.replicas].sort()).toEqual([...target].sort())
    expect(await throttlesLeft(admin)).toEqual([])

    // 4. killed again and restarted: nothing left to do, and that is journaled too
    await daemon.kill()
    daemon = await startDaemonProcess(configFile)
    const url2 = daemon.url
    const again = await waitFor('the second recovery check', 60_000, async () => {
      const entries = await journalOf(url2)
      const last = entries.filter((e) => e.scaler === 'recovery').at(-1)
      return last?.reason === 'RecoveryNothingFound' ? last : undefined
    })
    expect(again.message).toMatch(/no reassignment in flight and no throttle left/)
    const d = daemon
    expect(await d.stop(), d.log()).toBe(0)
    daemon = null
  }, 300_000)

  it('an upScale killed mid-move (SIGKILL of autopilot run): the restarted daemon finishes the move, clears the throttles and reports the action interrupted', async () => {
    const servers = stack.bootstrapServers.split(',')
    await admin.createTopic({ topic: GROW, partitions: 6, replicationFactor: 2 })
    await fillTopic(servers, GROW, 6, 1024)
    const configFile = writeConfig()
    daemon = await startDaemonProcess(configFile)
    const url = daemon.url
    await waitFor('the start-up recovery check', 60_000, async () =>
      (await sinceStart(url)).some((e) => e.reason === 'RecoveryNothingFound') ? true : undefined,
    )

    // 1. an upScale through the daemon's own webhook: a broker is added and replicas start moving onto it
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { labels: { alertname: 'GrowNow', cluster: 'local' }, annotations: { command: 'upScale' } },
      ]),
    })
    expect(res.status, await res.text()).toBe(200)
    await waitFor('the upScale to submit its first moves', 240_000, async () => {
      const entries = await sinceStart(url)
      const failed = entries.find((e) => e.outcome === 'failed')
      if (failed) throw new WaitAborted(`upScale failed: ${failed.message}`)
      return entries.some((e) => e.reason === 'reassignment-started') ? true : undefined
    })
    // 2. killed in the middle: the moves and their throttles are left in Kafka
    const mark = (await journalOf(url)).at(-1)!.id
    await daemon.kill()
    daemon = null
    const left = await admin.listPartitionReassignments()
    expect(left.length).toBeGreaterThan(0)
    expect((await throttlesLeft(admin)).length).toBeGreaterThan(0)
    const added = (await admin.metadata()).brokers.map((b) => b.id).filter((id) => id > 3)
    expect(added).toHaveLength(1)

    // 3. restarted: the work is finished from what Kafka holds, the throttles cleared, the action reported
    daemon = await startDaemonProcess(configFile)
    const url2 = daemon.url
    const after = await waitFor('the recovery to end', 180_000, async () => {
      // since the kill: the action runner reports the interrupted action before the daemon journals its start
      const entries = (await journalOf(url2)).filter((e) => e.id > mark)
      return entries.some((e) => e.reason === 'RecoveryCompleted' || e.reason === 'RecoveryEnded')
        ? entries
        : undefined
    })
    const reasons = after.map((e) => e.reason)
    expect(reasons).toContain('ActionInterrupted')
    expect(reasons, daemon.log()).toContain('RecoveryCompleted')
    const started = after.find((e) => e.reason === 'RecoveryStarted')!
    expect((started.inputs as { reassignments: unknown[] }).reassignments.length).toBeGreaterThan(0)
    expect(await admin.listPartitionReassignments()).toEqual([])
    expect(await throttlesLeft(admin)).toEqual([])
    const md = await admin.metadata({ topics: [GROW] })
    expect(md.topics[0]!.partitions.some((p) => p.replicas.includes(added[0]!))).toBe(true)
    await waitFor('every partition fully replicated', 60_000, async () =>
      (await underReplicatedCount(admin)) === 0 ? true : undefined,
    )
    const d = daemon
    expect(await d.stop(), d.log()).toBe(0)
    daemon = null
  }, 420_000)
})
