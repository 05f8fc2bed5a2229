// The daemon on the real cluster with a `process` target running the sample worker (bin/autopilot.js worker):
// scale from zero when records arrive, scale out within two polling intervals of the lag crossing the
// threshold, drain a burst of 100,000 records over 12 partitions without losing one, scale in only after the
// stabilization window, and back to zero after the cooldown. Short windows: polling 1 s, stabilization 10 s,
// cooldown 15 s. Every wait is bounded; every worker is stopped by PID.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { createTarget } from '../../src/executor/registry.ts'
import { isAlive, signalGroup } from '../../src/executor/signals.ts'
import type { ProcessTarget } from '../../src/executor/targets/process.ts'
import type { JournalEntry } from '../../src/journal/journal.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { runLoad } from '../../src/workload/load-generator.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const run = `daemon-${Date.now().toString(36)}`
const topic = `${run}-orders`
const group = `${run}-workers`
const BIN = join(import.meta.dirname, '../../bin/autopilot.js')
const POLL_MS = 1_000
const STABILIZATION_MS = 10_000
const COOLDOWN_MS = 15_000
const LAG_THRESHOLD = 2_000
const BURST = 100_000

let admin: KafkaAdminPort
let dir: string
let daemon: Daemon | undefined
const pids = new Set<number>()
let restarts = 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-daemon-int-'))
  admin = createAdminPort({ bootstrapServers })
  await admin.createTopic({ topic, partitions: 12, replicationFactor: 1 })
})

afterAll(async () => {
  await daemon?.stop()
  for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGKILL')
  await admin?.deleteGroups([group]).catch(() => {})
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
  rmSync(dir, { recursive: true, force: true })
})

function configText(keysFile: string): string {
  const args = [
    BIN,
    'worker',
    '--bootstrap-server',
    kafka.bootstrapServers,
    '--group',
    group,
    '--topic',
    topic,
  ]
  return `scalers:
  - name: orders
    target:
      type: process
      command: ${JSON.stringify(process.execPath)}
      args: ${JSON.stringify([...args, '--work-ms', '0', '--keys-file', keysFile, '--from-beginning'])}
      onExit: stop
    trigger:
      type: kafka
      metadata:
        bootstrapServers: ${kafka.bootstrapServers}
        consumerGroup: ${group}
        topic: ${topic}
        lagThreshold: ${LAG_THRESHOLD}
        offsetResetPolicy: earliest
    minReplicaCount: 0
    maxReplicaCount: 6
    pollingInterval: ${POLL_MS / 1000}
    cooldownPeriod: ${COOLDOWN_MS / 1000}
    behavior:
      scaleUp: { policies: [{ type: Pods, value: 6, periodSeconds: 1 }] }
      scaleDown:
        stabilizationWindowSeconds: ${STABILIZATION_MS / 1000}
        policies: [{ type: Percent, value: 100, periodSeconds: 1 }]
server: { port: 0 }
journal: { path: ${JSON.stringify(join(dir, 'journal.db'))} }
`
}

/** Polls `check` every 200 ms until it returns a value, or fails naming `what` after `ms`. */
async function waitFor<T>(what: string, ms: number, check: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await delay(200)
  }
}

interface DecisionInputs {
  current: number
  desired: number
  proposal: number | null
  active: boolean | null
  lag: { totalLag: number } | null
}

const inputs = (e: JournalEntry) => e.inputs as DecisionInputs

/** autopilot_loop_skipped_total, summed (a loaded machine makes ticks overrun the polling interval). */
function skippedTicks(metrics: string): number {
  return [...metrics.matchAll(/^autopilot_loop_skipped_total\{[^}]*\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  )
}

describe('autopilot run with a process target on the real cluster', () => {
  it('scales from zero, out on a 100k burst, drains without loss, in after stabilization, to zero after cooldown', async () => {
    const keysFile = join(dir, 'keys.txt')
    const { config } = parseConfig(configText(keysFile), 'autoscale.yaml')
    const lines: string[] = []
    daemon = await createDaemon(config, {
      log: (line) => lines.push(`${new Date().toISOString()} ${line}`),
      createTarget: (s, deps) => {
        const target = createTarget(s.target, deps) as ProcessTarget
        target.pool.on('spawn', (e: { pid: number }) => pids.add(e.pid))
        target.pool.on('restart', () => restarts++)
        return target
      },
    })
    const d = daemon
    const entries = (kind?: JournalEntry['kind']) =>
      d.journal.list({ scaler: 'orders', limit: 10_000, ...(kind ? { kind } : {}) }).reverse()
    const actions = () => entries('action').filter((e) => e.outcome === 'applied')
    const replicas = () => d.scalers()[0]?.replicas?.desired ?? -1
    d.start()
    const producer = createProducerPort({ bootstrapServers, clientId: `${run}-load` })
    try {
      // 1. an empty topic and a group that never committed (earliest): nothing to do, the group stays at zero
      await waitFor('three decisions at zero', 15_000, () => entries('decision').length >= 3)
      expect(entries('decision').map((e) => [e.reason, inputs(e).desired])).toEqual(
        entries('decision').map(() => ['Inactive', 0]),
      )

      // 2. records arrive: activation scales from zero within two polling intervals
      await producer.send(
        Array.from({ length: 200 }, (_, i) => ({ topic, key: `t-${i}`, value: `trickle ${i}` })),
      )
      const arrived = Date.now()
      const activated = await waitFor('activation', 10_000, () =>
        actions().find((a) => a.reason === 'Activated'),
      )
      expect(activated.inputs).toMatchObject({ from: 0 })
      const activation = entries('decision').find((e) => e.reason === 'Activated')!
      expect(activation.at - arrived, 'delay of the activation decision (ms)').toBeLessThanOrEqual(
        2 * POLL_MS,
      )
      // the trickle is consumed by the first worker (it may crash and restart while the group coordinator warms up)
      await waitFor('trickle consumed', 60_000, () => {
        const last = entries('decision').at(-1)
        return last !== undefined && inputs(last).lag?.totalLag === 0 && inputs(last).current === 1
      })

      // 3. a burst of 100,000 records over 12 partitions. The lag crosses the 1-replica threshold (2000 × 1.1
      // tolerance) once 3200 are sent, even if the worker consumed 1000 meanwhile; that happens during the
      // first send that takes the count past 3200, so its START is the earliest the crossing can be (the
      // delay measured from there is an upper bound)
      let crossed = 0
      let batchStart = Date.now()
      const burst = await runLoad({
        producer,
        topic,
        phases: [{ durationMs: 4_000, rate: BURST / 4 }],
        maxBatch: 10_000,
        keyPrefix: 'b-',
        valueBytes: 60,
        onTick: (stats) => {
          if (crossed === 0 && stats.sent >= 3_200) crossed = batchStart
          batchStart = Date.now()
        },
      })
      expect(burst.sent).toBe(BURST)
      const scaledOut = await waitFor('scale-out', 10_000, () =>
        actions().find((a) => a.at > crossed - 2 * POLL_MS && (a.inputs as { to: number }).to > 1),
      )
      // the decision to scale out (the action is journaled once the new workers have been spawned)
      const outDecision = entries('decision').find(
        (e) => e.at >= crossed && inputs(e).current >= 1 && inputs(e).desired > inputs(e).current,
      )!
      const outDelay = outDecision.at - crossed

      // 4. drain, then scale in (stabilized), then zero after the cooldown
      const drained = await waitFor('the burst drained', 90_000, () =>
        entries('decision').find((e) => e.at > crossed && inputs(e).lag?.totalLag === 0),
      )
      await waitFor('back to zero', STABILIZATION_MS + COOLDOWN_MS + 15_000, () => replicas() === 0)
      const decisions = entries('decision')
      const scaleIns = decisions.filter(
        (e) => e.at > crossed && inputs(e).desired < inputs(e).current && e.reason !== 'Deactivated',
      )
      const zero = actions().find((a) => a.reason === 'Deactivated')
      const lastActive = decisions.filter((e) => inputs(e).active === true).at(-1)!

      // 5. every key produced is in the keys file; duplicates (redelivery after rebalances) are reported
      const keys = readFileSync(keysFile, 'utf8').split('\n').filter(Boolean)
      const distinct = new Set(keys)
      const peak = Math.max(...actions().map((a) => (a.inputs as { to: number }).to))
      console.log(
        `autoscale: activation decided ${activation.at - arrived} ms after the first records (done ` +
          `${activated.at - arrived} ms), scale-out decided ${outDelay} ms after the lag crossed ` +
          `(done ${scaledOut.at - crossed} ms, to ${(scaledOut.inputs as { to: number }).to}; ` +
          `${skippedTicks(await d.app.inject({ url: '/metrics' }).then((r) => r.body))} ticks skipped as the ` +
          `previous one overran), peak ${peak} replicas, drained ${drained.at - crossed} ms ` +
          `after the burst began, scale-ins ${scaleIns.map((e) => `${inputs(e).current}→${inputs(e).desired}`).join(',')}, ` +
          `zero ${zero ? zero.at - lastActive.at : '?'} ms after the last active decision; ` +
          `keys: ${keys.length} handled, ${distinct.size} distinct, ${keys.length - distinct.size} duplicates; ` +
          `${restarts} worker restarts after a crash`,
      )

      expect(
        outDelay,
        'delay of the scale-out decision after the lag crossed the threshold (ms)',
      ).toBeLessThanOrEqual(2 * POLL_MS)
      expect(peak).toBe(6)
      expect(distinct.size).toBe(200 + BURST)
      for (let i = 0; i < BURST; i += 9_973) expect(distinct.has(`b-${i}`)).toBe(true)
      // scale-in only once every recommendation in the window allows it (HPA stabilization)
      expect(scaleIns.length).toBeGreaterThan(0)
      for (const d of scaleIns) {
        const window = decisions.filter((e) => e.at > d.at - STABILIZATION_MS && e.at <= d.at)
        const highest = Math.max(...window.map((e) => inputs(e).proposal ?? 0))
        expect(
          highest,
          `recommendations in the window before ${inputs(d).current}→${inputs(d).desired}`,
        ).toBeLessThanOrEqual(inputs(d).desired)
      }
      const firstIn = scaleIns[0]!
      const lastHigh = decisions
        .filter((e) => e.at < firstIn.at && (inputs(e).proposal ?? 0) >= inputs(firstIn).current)
        .at(-1)!
      expect(firstIn.at - lastHigh.at).toBeGreaterThanOrEqual(STABILIZATION_MS)
      // zero only after cooldownPeriod without activity
      expect(zero).toBeDefined()
      expect(zero!.at - lastActive.at).toBeGreaterThanOrEqual(COOLDOWN_MS)
    } finally {
      await producer.close()
      await d.stop()
      daemon = undefined
      if (process.env.AUTOPILOT_TEST_VERBOSE) console.log(lines.join('\n'))
    }
    // 6. onExit: stop — no worker outlives the daemon
    for (const pid of pids) expect(isAlive(pid), `worker ${pid}`).toBe(false)
  })
})
