// Measures the consumer model's parameters on the real local stack and checks the model against the run.
//
//   npm run autopilot -- stack up --dir .stack/sim-dev        (3 brokers: internal topics need RF 3)
//   node src/sim/calibrate.ts --bootstrap-server H:P,… [--scenario fixed|rebalance] [--work-ms 2] [--out DIR]
//   npm run autopilot -- stack down --dir .stack/sim-dev
//
// Scenarios (times from the load start; 12 partitions; the lag monitor is read every second):
//   fixed      2 sample workers (`autopilot worker`, real processes) throughout; the load generator
//              (`autopilot load`) produces 200/s for 30 s, 1500/s for 60 s (about twice what two workers
//              consume), then 200/s while the backlog drains. Measures throughput per replica (saturated
//              stretches) and checks the lag and lag-time timelines.
//   rebalance  the same, but 1000/s for 60 s and a third worker started at 45 s and stopped at 75 s: the
//              consumption lost around the join and the leave gives the rebalance pause; spawn → "worker
//              ready" gives start-up + pause.
// Out: DIR/<scenario>.csv, a trace with the observed replicas, lag and lag_seconds columns (replay it with
// `autopilot simulate --trace DIR/fixed.csv --policy fixed`), DIR/<scenario>.json (raw rows and events), and
// on stdout the direct estimates and the model's error against the run (fair and batch service).
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { type Comparison, compareWithObserved, fitModel } from '../analyzer/simulate/calibration.ts'
import { FixedController } from '../analyzer/simulate/controller.ts'
import { modelParams } from '../analyzer/simulate/params.ts'
import { formatTraceCsv, parseTraceCsv, type TraceRow } from '../analyzer/simulate/trace.ts'
import { createAdminPort } from '../kafka/index.ts'
import { LagMonitor } from '../monitor/lag-monitor.ts'

const { values } = parseArgs({
  options: {
    'bootstrap-server': { type: 'string' },
    scenario: { type: 'string', default: 'fixed' },
    partitions: { type: 'string', default: '12' },
    'work-ms': { type: 'string', default: '2' },
    'replication-factor': { type: 'string', default: '3' },
    throughput: { type: 'string' },
    out: { type: 'string', default: '.stack/sim-calibration' },
  },
})
const bootstrap = values['bootstrap-server']
const scenario = values.scenario
if (!bootstrap || (scenario !== 'fixed' && scenario !== 'rebalance')) {
  process.stderr.write(
    'usage: node src/sim/calibrate.ts --bootstrap-server HOST:PORT[,…] [--scenario fixed|rebalance] [--work-ms MS]\n',
  )
  process.exit(2)
}
const partitions = Number(values.partitions)
const workMs = Number(values['work-ms'])
const outDir = resolve(values.out as string)
const cli = resolve(import.meta.dirname, '../../bin/autopilot.js')
const topic = `sim-cal-${scenario}-${process.pid}`
const group = topic
const PLAN =
  scenario === 'fixed'
    ? { profile: '30s@200,60s@1500,120s@200', seconds: 210, joinAt: null, leaveAt: null }
    : { profile: '30s@200,60s@1000,90s@200', seconds: 180, joinAt: 45, leaveAt: 75 }

interface WorkerProc {
  child: ChildProcess
  spawnedAt: number
  readyAt: number | null
  stoppedAt: number | null
}

const started = performance.now()
const clock = () => (performance.now() - started) / 1000
const events: Array<{ t: number; event: string }> = []
const children: ChildProcess[] = []

function startWorker(): WorkerProc {
  const args = ['worker', '--bootstrap-server', bootstrap as string, '--group', group, '--topic', topic]
  const child = spawn(process.execPath, [cli, ...args, '--work-ms', `${workMs}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const w: WorkerProc = { child, spawnedAt: clock(), readyAt: null, stoppedAt: null }
  child.stdout?.on('data', (chunk: Buffer) => {
    if (w.readyAt === null && chunk.toString().includes('worker ready')) w.readyAt = clock()
  })
  return w
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

async function waitReady(w: WorkerProc, seconds = 60): Promise<void> {
  const until = clock() + seconds
  while (w.readyAt === null) {
    if (clock() > until) throw new Error(`a worker did not get ready within ${seconds} s`)
    await delay(50)
  }
}

interface Row {
  t: number
  logEnd: number
  committed: number
  lag: number
  lagSeconds: number | null
  members: number
  replicas: number
}

const admin = createAdminPort({
  bootstrapServers: (bootstrap as string).split(','),
  clientId: 'sim-calibrate',
})
const rows: Row[] = []
const workers: WorkerProc[] = []
let loadStart = 0
try {
  await admin.createTopic({ topic, partitions, replicationFactor: Number(values['replication-factor']) })
  workers.push(startWorker(), startWorker())
  await Promise.all(workers.map((w) => waitReady(w)))
  for (const w of workers) {
    events.push({
      t: w.spawnedAt,
      event: `worker ready after ${((w.readyAt as number) - w.spawnedAt).toFixed(2)}s`,
    })
  }
  await delay(5000)
  const monitor = new LagMonitor(admin, { groups: [group], topics: [topic] })
  const loadArgs = [
    'load',
    '--bootstrap-server',
    bootstrap as string,
    '--topic',
    topic,
    '--profile',
    PLAN.profile,
  ]
  const load = spawn(process.execPath, [cli, ...loadArgs], { stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(load)
  loadStart = clock()
  const since = () => clock() - loadStart
  let third: WorkerProc | null = null
  const running = () => workers.filter((w) => w.stoppedAt === null).length
  for (;;) {
    if (PLAN.joinAt !== null && since() >= PLAN.joinAt && third === null) {
      third = startWorker()
      workers.push(third)
      events.push({ t: since(), event: 'spawn worker 3' })
    }
    if (PLAN.leaveAt !== null && since() >= PLAN.leaveAt && third !== null && third.stoppedAt === null) {
      third.stoppedAt = since()
      events.push({ t: since(), event: 'stop worker 3 (SIGTERM)' })
      void stopChild(third.child)
    }
    const before = since()
    const snapshot = await monitor.poll()
    const g = snapshot.groups.find((x) => x.group === group)
    const parts = g?.topics.flatMap((x) => x.partitions) ?? []
    rows.push({
      t: (before + since()) / 2,
      logEnd: parts.reduce((a, p) => a + (p.logEndOffset ?? 0), 0),
      committed: parts.reduce((a, p) => a + (p.committedOffset ?? 0), 0),
      lag: g?.totalLag ?? 0,
      lagSeconds: g?.maxLagSeconds ?? null,
      members: g?.members ?? 0,
      replicas: running(),
    })
    if (since() > PLAN.seconds + 2) break
    await delay(Math.max(0, (Math.ceil(since() + 1e-3) - since()) * 1000))
  }
  await once(load, 'exit').catch(() => undefined)
  if (third?.readyAt) events.push({ t: third.readyAt - loadStart, event: 'worker 3 ready' })
} finally {
  await Promise.allSettled(children.map((c) => stopChild(c)))
  await admin.deleteTopics([topic]).catch(() => undefined)
  await admin.close().catch(() => undefined)
}

// --- the recording as a trace --------------------------------------------------------------------------------
const traceRows: TraceRow[] = rows.slice(0, -1).map((r, i) => {
  const next = rows[i + 1] as Row
  return {
    t: r.t,
    recordsPerSecond: (next.logEnd - r.logEnd) / (next.t - r.t),
    replicas: r.replicas,
    lag: r.lag,
    lagSeconds: r.lagSeconds,
  }
})
await mkdir(outDir, { recursive: true })
const note =
  `calibration run (${scenario}): ${partitions} partitions, sample worker --work-ms ${workMs}, load ${PLAN.profile}` +
  (PLAN.joinAt === null ? '' : `, worker 3 from ${PLAN.joinAt}s to ${PLAN.leaveAt}s`)
const csv = formatTraceCsv(traceRows, note)
await writeFile(join(outDir, `${scenario}.csv`), csv)
await writeFile(join(outDir, `${scenario}.json`), JSON.stringify({ note, events, rows }, null, 1))

// --- direct estimates ------------------------------------------------------------------------------------------
const out = (s: string) => process.stdout.write(`${s}\n`)
/** Committed records/s over [from, to] (nearest rows inside). */
const rate = (from: number, to: number) => {
  const a = rows.find((r) => r.t >= from) as Row
  const b = [...rows].reverse().find((r) => r.t <= to) as Row
  return (b.committed - a.committed) / (b.t - a.t)
}
out(`wrote ${join(outDir, `${scenario}.csv`)} (${traceRows.length} rows); ${note}`)
for (const e of events) out(`  ${e.t.toFixed(2)}s ${e.event}`)
let perReplica = Number(values.throughput ?? Number.NaN)
if (scenario === 'fixed') {
  // Saturated: from 10 s into the burst to its end, and the drain until 5 s before the backlog is gone.
  const burst = rate(40, 90)
  const drainedAt = rows.find((r) => r.t > 95 && r.lag < 1000)?.t ?? PLAN.seconds
  const drain = rate(95, drainedAt - 5)
  perReplica = (burst + drain) / 4
  out(
    `consumption of 2 saturated workers: burst ${burst.toFixed(0)}/s, drain ${drain.toFixed(0)}/s (until ${drainedAt.toFixed(0)} s)`,
  )
  out(`throughput per replica ≈ ${perReplica.toFixed(0)}/s`)
} else {
  if (!(perReplica > 0)) perReplica = rate((PLAN.joinAt as number) - 12, PLAN.joinAt as number) / 2
  const join3 = workers[2]
  const ready = join3?.readyAt != null ? join3.readyAt - join3.spawnedAt : null
  const W = 15
  const J = PLAN.joinAt as number
  const L = PLAN.leaveAt as number
  // Join: 2 members until the join, a pause, then 3; "ready" comes when the new member has its assignment,
  // so ready ≈ start-up + pause, and consumed = C(2·(ready − pause) + 3·(W − ready)).
  const joinConsumed = rate(J, J + W) * W
  const joinPause =
    ready === null ? null : (perReplica * (2 * ready + 3 * (W - ready)) - joinConsumed) / (2 * perReplica)
  // Leave: consumed = 2C(W − pause).
  const leavePause = W - (rate(L, L + W) * W) / (2 * perReplica)
  out(
    `spawn → ready: ${workers.map((w) => (w.readyAt === null ? '-' : (w.readyAt - w.spawnedAt).toFixed(2))).join(', ')} s`,
  )
  out(
    `rebalance pause ≈ join ${joinPause?.toFixed(2) ?? '-'} s, leave ${leavePause.toFixed(2)} s (throughput ${perReplica.toFixed(0)}/s)`,
  )
}

// --- the model against the run -----------------------------------------------------------------------------------
const trace = parseTraceCsv(csv, `${scenario}.csv`)
const show = (label: string, c: Comparison) =>
  out(
    `${label}: lag error mean ${c.lag.meanAbs.toFixed(0)} rmse ${c.lag.rmse.toFixed(0)} max ${c.lag.maxAbs.toFixed(0)} ` +
      `records (peaks real ${c.lag.observedPeak}, simulated ${c.lag.simulatedPeak}); lag time error mean ` +
      `${c.lagSeconds.meanAbs}s max ${c.lagSeconds.maxAbs}s (peaks real ${c.lagSeconds.observedPeak}s, simulated ` +
      `${c.lagSeconds.simulatedPeak}s)`,
  )
const defaults = modelParams({ partitions })
show('defaults', compareWithObserved(trace, defaults, new FixedController(trace)))
const measured = modelParams({ partitions, throughputPerReplica: Math.round(perReplica) })
show(
  `measured throughput ${measured.throughputPerReplica}/s, batch service`,
  compareWithObserved(trace, measured, new FixedController(trace)),
)
const fair = { ...measured, fetchBatchRecords: 0 }
show(
  `measured throughput ${measured.throughputPerReplica}/s, fair sharing`,
  compareWithObserved(trace, fair, new FixedController(trace)),
)
const fit = fitModel(
  trace,
  measured,
  {
    throughputPerReplica: [0.9, 0.95, 1, 1.05, 1.1].map((f) => Math.round(perReplica * f)),
    rebalancePauseSeconds: scenario === 'fixed' ? undefined : [0, 2, 4, 6, 8, 10, 12, 15],
    startupSeconds: scenario === 'fixed' ? undefined : [0, 1, 2, 3, 5],
  },
  () => new FixedController(trace),
)
const f = fit.params
show(
  `best fit (${f.throughputPerReplica}/s, pause ${f.rebalancePauseSeconds}s, start-up ${f.startupSeconds}s)`,
  fit.comparison,
)
await writeFile(
  join(outDir, `${scenario}-comparison.json`),
  JSON.stringify({ measured, fit: f, rows: fit.comparison.rows }, null, 1),
)
