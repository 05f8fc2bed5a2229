// Restart recovery on the real cluster: another Autopilot process starts a throttled reassignment and is killed
// (SIGKILL: no clean-up at all); a new executor finds the work in Kafka and finishes it or cancels it, then
// clears the throttles. The moving partition holds more than one follower fetch (1 MiB) and the throttle is
// 1 KiB/s, so it is still in flight when the process dies.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ReassignmentEvent } from '../../../src/executor/reassignment/events.ts'
import { cancel, recover, status } from '../../../src/executor/reassignment/index.ts'
import { createAdminPort, type KafkaAdminPort } from '../../../src/kafka/index.ts'
import { bootstrapServers, eventually, unique } from '../../kafka/support.ts'
import { cleanUp, replicasOf, rotatePlan, throttlesSet, topicWithData } from './support.ts'

const RUN_PLAN = fileURLToPath(new URL('./fixtures/run-plan.ts', import.meta.url))

let admin: KafkaAdminPort
const topics: string[] = []
let child: ChildProcess | null = null

beforeAll(() => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers() })
})

afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  child = null
})

afterAll(async () => {
  await cleanUp(admin, topics)
  await admin.close()
})

/** Starts the plan in another process and SIGKILLs it right after its first batch was submitted. */
async function startAndKill(plan: unknown): Promise<ReassignmentEvent[]> {
  const proc = spawn(
    process.execPath,
    [RUN_PLAN, bootstrapServers().join(','), JSON.stringify(plan), '1024'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child = proc
  const events: ReassignmentEvent[] = []
  let stderr = ''
  proc.stderr!.on('data', (chunk) => {
    stderr += String(chunk)
  })
  const started = new Promise<void>((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(
      () => reject(new Error(`no 'started' event within 30 s; stderr: ${stderr}`)),
      30_000,
    )
    proc.stdout!.on('data', (chunk) => {
      buffer += String(chunk)
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const event = JSON.parse(buffer.slice(0, i)) as ReassignmentEvent
        buffer = buffer.slice(i + 1)
        events.push(event)
        if (event.kind === 'started') {
          clearTimeout(timer)
          resolve()
        }
      }
    })
    proc.on('exit', (code) =>
      reject(new Error(`run-plan exited (${code}) before starting; stderr: ${stderr}`)),
    )
  })
  await started
  const exited = once(proc, 'exit')
  proc.kill('SIGKILL')
  await exited
  return events
}

async function slowTopic(prefix: string): Promise<string> {
  const topic = unique(prefix)
  topics.push(topic)
  await topicWithData(admin, topic, [1200])
  return topic
}

describe('recover after a restart', () => {
  it('finds the killed run’s reassignment and throttles in Kafka, lets it finish, then clears the throttles', async () => {
    const topic = await slowTopic('ra-recover')
    const plan = await rotatePlan(admin, topic)
    const before = await startAndKill(plan)
    expect(before.map((e) => e.kind)).toEqual(['planned', 'throttles-set', 'started'])

    // What the dead process left: the reassignment in flight and its throttles.
    const left = await status(admin, { plan })
    expect(left.ongoing.map((m) => [m.topic, m.partition, m.to])).toEqual([
      [topic, 0, plan.partitions[0]!.replicas],
    ])
    expect(left.throttles[`topic ${topic}`]).toBeDefined()
    expect(left.verification).toMatchObject({ complete: false, partitions: [{ state: 'moving' }] })

    const events: ReassignmentEvent[] = []
    const recovery = await recover(admin, {
      pollIntervalMs: 250,
      timeoutMs: 90_000,
      journal: (e) => void events.push(e),
    })
    expect(recovery.found.reassignments.map((r) => r.topic)).toContain(topic)
    expect(recovery.found.throttles.topics.map((t) => t.name)).toContain(topic)
    const result = await recovery.execution!.done
    expect(result).toMatchObject({ state: 'completed', error: null, throttles: { set: true, cleared: true } })
    expect(events.map((e) => e.kind)).toEqual(['planned', 'progress', 'throttles-cleared', 'verified'])
    expect(events[0]).toMatchObject({ mode: 'recover' })

    expect((await replicasOf(admin, topic))[0]).toEqual(plan.partitions[0]!.replicas)
    expect(
      await eventually(
        () => throttlesSet(admin, [topic]),
        (t) => t.length === 0,
        10_000,
      ),
    ).toEqual([])
    expect((await status(admin, { plan })).verification).toMatchObject({ complete: true })
  })

  it('cancel() from a new process reverts the killed run’s reassignment and clears the throttles', async () => {
    const topic = await slowTopic('ra-recancel')
    const plan = await rotatePlan(admin, topic)
    const original = await replicasOf(admin, topic)
    await startAndKill(plan)

    const events: ReassignmentEvent[] = []
    const recovery = await cancel(admin, { journal: (e) => void events.push(e) })
    const result = await recovery.execution!.done
    expect(result).toMatchObject({ state: 'cancelled', outcome: 'unchanged', throttles: { cleared: true } })
    expect(events.map((e) => e.kind)).toEqual(['planned', 'throttles-cleared', 'cancelled'])
    expect(events.at(-1)).toMatchObject({ reverted: [{ topic, partition: 0 }] })

    expect((await replicasOf(admin, topic))[0]!.sort()).toEqual(original[0]!.sort())
    expect((await admin.listPartitionReassignments()).filter((r) => r.topic === topic)).toEqual([])
    expect(
      await eventually(
        () => throttlesSet(admin, [topic]),
        (t) => t.length === 0,
        10_000,
      ),
    ).toEqual([])
  })

  it('with nothing left in Kafka there is nothing to do and nothing is journaled', async () => {
    const events: ReassignmentEvent[] = []
    const recovery = await recover(admin, { journal: (e) => void events.push(e) })
    expect(recovery.execution).toBeNull()
    expect(recovery.found).toEqual({ reassignments: [], throttles: { brokers: [], topics: [] } })
    expect(events).toEqual([])
  })
})
