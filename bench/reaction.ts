// Reaction-time benchmark: how long from the start of a burst to the first scale-out, for Autopilot's `lag`
// and `slo` policies at 5 s polling, measured on a real local cluster (the daemon scaling sample workers, a
// `process` target), next to KEDA's defaults computed for the same run. For KEDA the observed input is the
// moment the lag crossed the one-replica threshold (lagThreshold × (1 + the HPA's 0.1 tolerance)), read by
// a separate lag monitor every 500 ms; after that KEDA's delay depends only on the phase of its clocks,
// taken as uniform:
// - default (live metrics): the HPA queries KEDA's metrics server at each 15 s sync → U(0, 15)
// - 30 s polling + 15 s HPA sync (the metric cached at KEDA's 30 s poll, `useCachedMetrics: true`, and the
//   pollingInterval that paces activation from zero) → U(0, 30) + U(0, 15)
// Usage: npm run bench:reaction
import { mkdir, mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { createDaemon, type Daemon } from '../src/daemon/daemon.ts'
import { demoConfig } from '../src/demo/config.ts'
import { createTarget } from '../src/executor/registry.ts'
import { isAlive, signalGroup } from '../src/executor/signals.ts'
import type { ProcessTarget } from '../src/executor/targets/process.ts'
import type { JournalEntry } from '../src/journal/journal.ts'
import { SqliteJournal } from '../src/journal/sqlite-journal.ts'
import { createAdminPort, createProducerPort } from '../src/kafka/index.ts'
import type { KafkaAdminPort } from '../src/kafka/port.ts'
import { LagMonitor } from '../src/monitor/lag-monitor.ts'
import { startStack, stopStack } from '../src/stack/cluster.ts'
import type { StackState } from '../src/stack/types.ts'
import { runLoad } from '../src/workload/load-generator.ts'
import { printTable } from './report.ts'

const POLLING_S = 5
const LAG_THRESHOLD = 1_000
const HPA_TOLERANCE = 0.1
const QUIET = { durationMs: 20_000, rate: 50 }
const BURST = { durationMs: 20_000, rate: 2_000 }
const KEDA_POLL_S = 30
const HPA_SYNC_S = 15
const WORK_MS = 5

type Policy = 'lag' | 'slo'

interface Measured {
  policy: Policy
  /** seconds after the burst began */
  crossedS: number | null
  decidedS: number | null
  appliedS: number | null
  from: number | null
  to: number | null
  reason: string | null
}

async function waitFor<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await delay(200)
  }
}

async function measure(stack: StackState, admin: KafkaAdminPort, policy: Policy): Promise<Measured> {
  const bootstrapServers = stack.bootstrapServers.split(',')
  const run = `reaction-${policy}-${Date.now().toString(36)}`
  const topic = `${run}-orders`
  const group = `${run}-workers`
  await admin.createTopic({ topic, partitions: 12, replicationFactor: 3 })
  const journal = new SqliteJournal({ path: ':memory:' })
  const pids = new Set<number>()
  const config = demoConfig({
    name: 'reaction',
    bootstrapServers: stack.bootstrapServers,
    topic,
    group,
    workMs: WORK_MS,
    minReplicas: 1,
    maxReplicas: 6,
    policy,
    lagThreshold: LAG_THRESHOLD,
    maxLagSeconds: 10,
    pollingSeconds: POLLING_S,
    stabilizationSeconds: 300,
    host: '127.0.0.1',
    port: 0,
  })
  let daemon: Daemon | undefined
  const producer = createProducerPort({ bootstrapServers, clientId: `${run}-load` })
  const monitor = new LagMonitor(admin, { groups: [group] })
  const load = new AbortController()
  try {
    daemon = await createDaemon(config, {
      journal,
      createTarget: (s, deps) => {
        const target = createTarget(s.target, deps) as ProcessTarget
        target.pool.on('spawn', (e: { pid: number }) => pids.add(e.pid))
        return target
      },
    })
    daemon.start()
    const entries = (kind: JournalEntry['kind']) =>
      journal.list({ scaler: 'reaction', kind, limit: 1000 }).reverse()
    await waitFor('the first worker', 60_000, () =>
      (daemon!.scalers()[0]?.replicas?.ready ?? 0) >= 1 ? true : undefined,
    )
    // A random phase against the daemon's polling clock (the worker was seen ready right after a tick, and
    // the quiet phase is a whole number of polls), so one run is one fair sample of the poll's phase.
    await delay(Math.random() * POLLING_S * 1000)
    // quiet, then the burst; its start is when the load generator enters the burst phase
    let burstAt = 0
    const loading = runLoad({
      producer,
      topic,
      phases: [QUIET, BURST, QUIET],
      signal: load.signal,
      onTick: (s) => {
        if (burstAt === 0 && s.elapsedMs >= QUIET.durationMs)
          burstAt = Date.now() - (s.elapsedMs - QUIET.durationMs)
      },
    })
    await waitFor('the burst', QUIET.durationMs + 30_000, () => (burstAt > 0 ? true : undefined))
    // the lag crossing KEDA would act on, polled every 500 ms until seen (or the burst is long over)
    let crossedAt: number | null = null
    const crossing = LAG_THRESHOLD * (1 + HPA_TOLERANCE)
    const watch = (async () => {
      while (crossedAt === null && Date.now() < burstAt + BURST.durationMs + 20_000) {
        const snapshot = await monitor.poll().catch(() => null)
        const lag = snapshot?.groups.find((g) => g.group === group)?.totalLag ?? 0
        if (snapshot && lag > crossing) crossedAt = snapshot.at
        else await delay(500)
      }
    })()
    const scaleOut = (e: JournalEntry, kind: 'decision' | 'action') => {
      const i = e.inputs as { current?: number; desired?: number; from?: number; to?: number }
      return kind === 'decision' ? (i.desired ?? 0) > (i.current ?? 0) : (i.to ?? 0) > (i.from ?? 0)
    }
    const decided = await waitFor('a scale-out decision', BURST.durationMs + 60_000, () =>
      entries('decision').find((e) => e.at >= burstAt && e.outcome === 'scale' && scaleOut(e, 'decision')),
    )
    const applied = await waitFor('the scale-out applied', 60_000, () =>
      entries('action').find((e) => e.at >= decided.at && e.outcome === 'applied' && scaleOut(e, 'action')),
    )
    await watch
    load.abort()
    await loading
    const inputs = decided.inputs as { current: number; desired: number }
    const s = (at: number | null) => (at === null ? null : (at - burstAt) / 1000)
    return {
      policy,
      crossedS: s(crossedAt),
      decidedS: s(decided.at),
      appliedS: s(applied.at),
      from: inputs.current,
      to: inputs.desired,
      reason: decided.reason,
    }
  } finally {
    load.abort()
    await daemon?.stop()
    journal.close()
    for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGKILL')
    await producer.close().catch(() => {})
    await admin.deleteGroups([group]).catch(() => {})
    await admin.deleteTopics([topic]).catch(() => {})
  }
}

const f = (v: number | null) => (v === null ? '–' : v.toFixed(1))

/** KEDA's expected and worst delay from the crossing, under the two clock models (uniform phases). */
export function kedaDelays(): { live: [number, number]; cached: [number, number] } {
  return {
    live: [HPA_SYNC_S / 2, HPA_SYNC_S],
    cached: [KEDA_POLL_S / 2 + HPA_SYNC_S / 2, KEDA_POLL_S + HPA_SYNC_S],
  }
}

function report(rows: Measured[]): void {
  const keda = kedaDelays()
  process.stdout.write(
    `burst ${BURST.rate}/s for ${BURST.durationMs / 1000} s after ${QUIET.durationMs / 1000} s at ${QUIET.rate}/s; ` +
      `12 partitions; sample workers at ${WORK_MS} ms per record, 1 to 6; lagThreshold ${LAG_THRESHOLD}; ` +
      `Autopilot polling ${POLLING_S} s. Times in seconds after the burst began.\n\n`,
  )
  printTable(
    [
      'policy',
      'lag crossed',
      'Autopilot decided',
      'applied',
      'to',
      'reason',
      `Autopilot ${POLLING_S}s exp/worst`,
      `KEDA ${HPA_SYNC_S}s sync exp/worst`,
      `KEDA ${KEDA_POLL_S}s+${HPA_SYNC_S}s exp/worst`,
      'KEDA exp ÷ Autopilot exp',
    ],
    rows.map((r) => {
      const at = (d: number) => (r.crossedS === null ? null : r.crossedS + d)
      const own = `${f(at(POLLING_S / 2))} / ${f(at(POLLING_S))}`
      const live = `${f(at(keda.live[0]))} / ${f(at(keda.live[1]))}`
      const cached = `${f(at(keda.cached[0]))} / ${f(at(keda.cached[1]))}`
      const ratio =
        r.crossedS === null
          ? '–'
          : `${(at(keda.live[0])! / at(POLLING_S / 2)!).toFixed(1)}× / ${(at(keda.cached[0])! / at(POLLING_S / 2)!).toFixed(1)}×`
      return [
        r.policy,
        f(r.crossedS),
        f(r.decidedS),
        f(r.appliedS),
        r.from === null ? '–' : `${r.from}→${r.to}`,
        r.reason ?? '–',
        own,
        live,
        cached,
        ratio,
      ]
    }),
  )
  process.stdout.write(
    `\n"decided" and "applied" are this run's single sample (the phase of the ${POLLING_S} s poll decides where in\n` +
      `[0, ${POLLING_S}] s after the crossing it lands); "exp/worst" columns are the crossing plus each clock's expected\n` +
      'and worst delay, and the ratio compares those expectations.\n' +
      'KEDA columns: the observed crossing plus the expected (mean) and worst delay of its clocks with uniform\n' +
      `phase: default live metrics, each HPA sync (${HPA_SYNC_S} s) → +${HPA_SYNC_S / 2} s / +${HPA_SYNC_S} s; with the ` +
      `metric cached at KEDA's ${KEDA_POLL_S} s poll → +${KEDA_POLL_S / 2 + HPA_SYNC_S / 2} s / +${KEDA_POLL_S + HPA_SYNC_S} s. ` +
      'KEDA times are detection only (no pod start); Autopilot "decided" is detection too, "applied" includes\n' +
      "the worker processes' start. The slo policy reacts to the production rate, so it can act before the lag crosses.\n",
  )
}

export async function benchReaction(): Promise<void> {
  process.stdout.write('\n## Reaction time: burst start to first scale-out, Autopilot vs KEDA defaults\n\n')
  const reuse = process.env.AUTOPILOT_BENCH_STACK_DIR
  let dir = reuse
  if (!dir) {
    await mkdir(join(process.cwd(), '.stack'), { recursive: true })
    dir = await mkdtemp(join(process.cwd(), '.stack', 'bench-reaction-'))
  }
  const stack = await startStack({ dir, brokers: 3 })
  const admin = createAdminPort({
    bootstrapServers: stack.bootstrapServers.split(','),
    clientId: 'bench-reaction',
  })
  const rows: Measured[] = []
  try {
    for (const policy of ['lag', 'slo'] as const) {
      rows.push(await measure(stack, admin, policy))
      process.stderr.write(`  measured the ${policy} policy\n`)
    }
  } finally {
    await admin.close()
    if (!reuse) await stopStack(dir)
  }
  report(rows)
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReaction()
