// Acceptance: a broker stopped (SIGSTOP) while the daemon is scaling a group out. Destructive, so on its own
// 3-broker cluster. While the broker is frozen the lag cannot be read in full (requests to it time out, its
// partitions have no answer), so the daemon must hold: never scale the group in, never to zero, even though
// cooldown (5 s) and stabilization (3 s) are far shorter than the outage (20 s). The backlog is large enough
// that no true reading during the outage asks for fewer replicas, so any scale-in would come from a misread.
// Once the broker resumes, the lag is read in full again and the consumers make progress on it. The broker paused is one that leads partitions
// of the topic but does not coordinate the group (a frozen coordinator stalls the consumers themselves for
// their 60 s session timeout, which is Kafka's behaviour, not the autoscaler's).
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { createTarget } from '../../src/executor/registry.ts'
import { isAlive, signalGroup } from '../../src/executor/signals.ts'
import type { ProcessTarget } from '../../src/executor/targets/process.ts'
import type { JournalEntry } from '../../src/journal/journal.ts'
import { createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { pauseBroker } from '../../src/stack/cluster.ts'
import type { StackState } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'

const BIN = join(import.meta.dirname, '../../bin/autopilot.js')
const topic = 'pause-orders'
const group = 'pause-workers'
const BACKLOG = 20_000
const PAUSE_MS = 20_000

let dir: string
let stack: StackState
let admin: KafkaAdminPort
let daemon: Daemon | undefined
let paused: number | null = null
const pids = new Set<number>()

beforeAll(async () => {
  ;({ dir, stack, admin } = await startPrivateStack('pause-', { brokers: 3 }))
  await admin.createTopic({ topic, partitions: 6, replicationFactor: 3 })
  const producer = createProducerPort({ bootstrapServers: stack.bootstrapServers.split(',') })
  try {
    for (let i = 0; i < BACKLOG; i += 5_000) {
      await producer.send(
        Array.from({ length: 5_000 }, (_, j) => ({ topic, key: `k-${i + j}`, value: 'x'.repeat(40) })),
      )
    }
  } finally {
    await producer.close()
  }
})

afterAll(async () => {
  if (paused !== null) await pauseBroker(dir, paused, false).catch(() => {})
  await daemon?.stop()
  for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGKILL')
  await stopPrivateStack(dir, admin)
})

async function waitFor<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await delay(250)
  }
}

interface Inputs {
  current: number
  desired: number
  lag: { totalLag: number; unknownPartitions: number } | null
  lagError: string | null
}
const inputs = (e: JournalEntry) => e.inputs as Inputs

describe('broker stopped (SIGSTOP) during scaling', () => {
  it('holds the group (never in, never to zero) while the broker is frozen, and recovers when it resumes', async () => {
    const args = [
      BIN,
      'worker',
      '--bootstrap-server',
      stack.bootstrapServers,
      '--group',
      group,
      '--topic',
      topic,
    ]
    const { config } = parseConfig(
      `scalers:
  - name: orders
    target:
      type: process
      command: ${JSON.stringify(process.execPath)}
      args: ${JSON.stringify([...args, '--work-ms', '5', '--from-beginning'])}
    trigger:
      type: kafka
      metadata:
        bootstrapServers: "${stack.bootstrapServers}"
        consumerGroup: ${group}
        topic: ${topic}
        lagThreshold: 1000
        offsetResetPolicy: earliest
    minReplicaCount: 0
    maxReplicaCount: 3
    pollingInterval: 1
    cooldownPeriod: 5
    behavior: { scaleDown: { stabilizationWindowSeconds: 3 } }
server: { port: 0 }
journal: { path: ${JSON.stringify(join(dir, 'journal.db'))} }
`,
      'pause.yaml',
    )
    const lines: string[] = []
    daemon = await createDaemon(config, {
      log: (line) => lines.push(`${new Date().toISOString()} ${line}`),
      createTarget: (s, deps) => {
        const target = createTarget(s.target, deps) as ProcessTarget
        target.pool.on('spawn', (e: { pid: number }) => pids.add(e.pid))
        return target
      },
    })
    const d = daemon
    const decisions = () => d.journal.list({ scaler: 'orders', kind: 'decision', limit: 10_000 }).reverse()
    const actions = () => d.journal.list({ scaler: 'orders', kind: 'action', limit: 10_000 }).reverse()
    d.start()
    try {
      // 1. the backlog activates the group and scales it out; freeze a broker right as the workers join
      await waitFor(
        'scale-out to 3',
        20_000,
        () =>
          actions().some((a) => a.outcome === 'applied' && (a.inputs as { to: number }).to === 3) ||
          undefined,
      )
      const [described] = await admin.describeGroups([group])
      const meta = await admin.metadata({ topics: [topic] })
      const leaders = new Set(meta.topics.find((t) => t.name === topic)!.partitions.map((p) => p.leader))
      const victim = [...leaders].find((id) => id !== described?.coordinator) ?? [...leaders][0]!
      await pauseBroker(dir, victim, true)
      paused = victim
      const pausedAt = Date.now()

      // 2. the outage lasts well beyond cooldown and stabilization (a deliberate fault, not a wait)
      await delay(PAUSE_MS)
      const during = decisions().filter((e) => e.at >= pausedAt)
      await pauseBroker(dir, victim, false)
      paused = null
      const resumedAt = Date.now()

      // 3. recovery: the lag is read in full again, and the consumers make progress on it
      const readable = await waitFor('a complete lag reading after resume', 60_000, () =>
        decisions().find(
          (e) => e.at > resumedAt && inputs(e).lag !== null && inputs(e).lag!.unknownPartitions === 0,
        ),
      )
      const progress = await waitFor('consumption after resume', 60_000, () =>
        decisions().find(
          (e) =>
            e.at > readable.at &&
            inputs(e).lag !== null &&
            inputs(e).lag!.totalLag < inputs(readable).lag!.totalLag,
        ),
      )
      const reasons = [...new Set(during.map((e) => e.reason))]
      console.log(
        `broker ${victim} frozen ${PAUSE_MS} ms: ${during.length} decisions (${reasons.join(', ')}), ` +
          `complete reading ${readable.at - resumedAt} ms after resume (lag ${inputs(readable).lag!.totalLag}, then ` +
          `${inputs(progress).lag!.totalLag}); ` +
          `desired during the outage: ${during.map((e) => inputs(e).desired).join(',')}`,
      )

      expect(during.length).toBeGreaterThan(0)
      for (const e of during) {
        expect(inputs(e).desired, `${e.reason}: ${e.message}`).toBeGreaterThanOrEqual(inputs(e).current)
        expect(inputs(e).desired).toBeGreaterThan(0)
      }
      const shrunk = actions().filter(
        (a) =>
          a.at >= pausedAt &&
          a.at <= resumedAt &&
          (a.inputs as { to: number; from: number }).to < (a.inputs as { from: number }).from,
      )
      expect(shrunk).toEqual([])
      expect(d.scalers()[0]?.replicas?.desired).toBeGreaterThan(0)
    } finally {
      await d.stop()
      daemon = undefined
      if (process.env.AUTOPILOT_TEST_VERBOSE) console.log(lines.join('\n'))
    }
  })
})
