// Measures the consumer model's parameters on the real local stack and checks the model against that run.
//
//   npm run autopilot -- stack up --brokers 1 --dir .stack/sim-dev
//   node src/sim/calibrate.ts --bootstrap-server 127.0.0.1:PORT [--partitions 12] [--work-ms 2] [--out DIR]
//   npm run autopilot -- stack down --dir .stack/sim-dev
//
// The run (times from the load start): 2 sample workers (`autopilot worker`, real processes) already in the
// group; the load generator (`autopilot load`) produces 200/s for 30 s, 1500/s for 90 s (well above what two
// workers consume), then 200/s while the backlog drains. A third worker is started at 60 s and stopped at 90
// s, so the run contains a join and a leave under load. The lag monitor is read every second.
//
// Out: DIR/calibration.csv (a trace with the observed replicas, lag and lag_seconds columns: replay it with
// `autopilot simulate --trace DIR/calibration.csv --policy fixed`), DIR/calibration.json (raw samples and
// events), and on stdout the direct estimates (throughput per replica from saturated stretches, start-up from
// spawn → "worker ready", rebalance pause from the consumption lost around the join and the leave), the
// model's error against the real lag timeline with the defaults, and the best fit over a small grid.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { compareWithObserved, fitModel } from '../analyzer/simulate/calibration.ts'
import { FixedController } from '../analyzer/simulate/controller.ts'
import { modelParams } from '../analyzer/simulate/params.ts'
import { formatTraceCsv, parseTraceCsv, type TraceRow } from '../analyzer/simulate/trace.ts'
import { createAdminPort } from '../kafka/index.ts'
import { LagMonitor } from '../monitor/lag-monitor.ts'

const { values } = parseArgs({
  options: {
    'bootstrap-server': { type: 'string' },
    partitions: { type: 'string', default: '12' },
    'work-ms': { type: 'string', default: '2' },
    out: { type: 'string', default: '.stack/sim-calibration' },
  },
})
const bootstrap = values['bootstrap-server']
if (!bootstrap) {
  process.stderr.write(
    'usage: node src/sim/calibrate.ts --bootstrap-server HOST:PORT [--partitions N] [--work-ms MS]\n',
  )
  process.exit(2)
}
const partitions = Number(values.partitions)
const workMs = Number(values['work-ms'])
const outDir = resolve(values.out as string)
const cli = resolve(import.meta.dirname, '../../bin/autopilot.js')
const suffix = `${process.pid}`
const topic = `sim-cal-${suffix}`
const group = `sim-cal-${suffix}`
const PROFILE = '30s@200,90s@1500,150s@200'
const JOIN_AT = 60
const LEAVE_AT = 90
const LOAD_SECONDS = 270

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
  const child = spawn(
    process.execPath,
    [
      cli,
      'worker',
      '--bootstrap-server',
      bootstrap as string,
      '--group',
      group,
      '--topic',
      topic,
      '--work-ms',
      `${workMs}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
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
    if (clock() > until) throw new Error('a worker did not get ready within 60 s')
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
  await admin.createTopic({ topic, partitions, replicationFactor: 1 })
  workers.push(startWorker(), startWorker())
  await Promise.all(workers.map((w) => waitReady(w)))
  for (const w of workers)
    events.push({
      t: w.spawnedAt,
      event: `spawn ready after ${((w.readyAt as number) - w.spawnedAt).toFixed(2)}s`,
    })
  await delay(5000)
  const monitor = new LagMonitor(admin, { groups: [group], topics: [topic] })
  const load = spawn(
    process.execPath,
    [cli, 'load', '--bootstrap-server', bootstrap as string, '--topic', topic, '--profile', PROFILE],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  children.push(load)
  loadStart = clock()
  let third: WorkerProc | null = null
  const running = () => workers.filter((w) => w.stoppedAt === null).length
  for (;;) {
    const t = clock() - loadStart
    if (t >= JOIN_AT && third === null) {
      third = startWorker()
      workers.push(third)
      events.push({ t, event: 'spawn worker 3' })
    }
    if (t >= LEAVE_AT && third !== null && third.stoppedAt === null) {
      third.stoppedAt = t
      events.push({ t, event: 'stop worker 3' })
      void stopChild(third.child)
    }
    const before = clock()
    const snapshot = await monitor.poll()
    const readAt = (before + clock()) / 2 - loadStart
    const g = snapshot.groups.find((x) => x.group === group)
    const parts = g?.topics.flatMap((x) => x.partitions) ?? []
    rows.push({
      t: readAt,
      logEnd: parts.reduce((a, p) => a + (p.logEndOffset ?? 0), 0),
      committed: parts.reduce((a, p) => a + (p.committedOffset ?? 0), 0),
      lag: g?.totalLag ?? 0,
      lagSeconds: g?.maxLagSeconds ?? null,
      members: g?.members ?? 0,
      replicas: running(),
    })
    if (t > LOAD_SECONDS + 2) break
    const next = Math.ceil(clock() - loadStart + 1e-3)
    await delay(Math.max(0, (next - (clock() - loadStart)) * 1000))
  }
  await once(load, 'exit').catch(() => undefined)
  if (third?.readyAt) events.push({ t: third.readyAt - loadStart, event: 'worker 3 ready' })
} finally {
  await Promise.allSettled(children.map((c) => stopChild(c)))
  await admin.deleteTopics([topic]).catch(() => undefined)
  await admin.close().catch(() => undefined)
}

// --- the recording as a trace -------------------------------------------------------------------------------
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
const csv = formatTraceCsv(
  traceRows,
  `calibration run: ${partitions} partitions, sample worker --work-ms ${workMs}, load ${PROFILE}, worker 3 from ${JOIN_AT}s to ${LEAVE_AT}s`,
)
await writeFile(join(outDir, 'calibration.csv'), csv)
await writeFile(
  join(outDir, 'calibration.json'),
  JSON.stringify({ partitions, workMs, profile: PROFILE, events, rows }, null, 1),
)

// --- direct estimates -----------------------------------------------------------------------------------------
const rate = (from: number, to: number) => {
  const a = rows.find((r) => r.t >= from) as Row
  const b = [...rows].reverse().find((r) => r.t <= to) as Row
  return (b.committed - a.committed) / (b.t - a.t)
}
const consumedIn = (from: number, to: number) => rate(from, to) * (to - from)
const twoA = rate(40, JOIN_AT)
const three = rate(JOIN_AT + 15, LEAVE_AT)
const twoB = rate(LEAVE_AT + 12, 120)
const perReplica = (twoA / 2 + twoB / 2) / 2
const readyOf3 =
  workers[2]?.readyAt !== null && workers[2] ? (workers[2].readyAt as number) - workers[2].spawnedAt : null
const W = 12
// Join: 2 members until the join (startup), a pause, then 3 members; ready = startup + pause.
const joinConsumed = consumedIn(JOIN_AT, JOIN_AT + W)
const joinPause =
  readyOf3 === null
    ? null
    : (2 * perReplica * readyOf3 + 3 * perReplica * (W - readyOf3) - joinConsumed) / (2 * perReplica)
// Leave: 2 members after a pause.
const leavePause = W - consumedIn(LEAVE_AT, LEAVE_AT + W) / (2 * perReplica)
const out = (s: string) => process.stdout.write(`${s}\n`)
out(`wrote ${join(outDir, 'calibration.csv')} (${traceRows.length} rows)`)
out(`consumption: 2 workers ${twoA.toFixed(0)}/s and ${twoB.toFixed(0)}/s, 3 workers ${three.toFixed(0)}/s`)
out(`throughput per replica ≈ ${perReplica.toFixed(0)}/s (3 workers: ${(three / 3).toFixed(0)}/s each)`)
out(
  `spawn → ready: ${workers.map((w) => (w.readyAt === null ? '-' : (w.readyAt - w.spawnedAt).toFixed(2))).join(', ')} s`,
)
out(`rebalance pause ≈ join ${joinPause?.toFixed(2) ?? '-'} s, leave ${leavePause.toFixed(2)} s`)
for (const e of events) out(`  ${e.t.toFixed(2)}s ${e.event}`)

// --- the model against the run ----------------------------------------------------------------------------------
const trace = parseTraceCsv(csv, 'calibration.csv')
const pause = Math.max(0, ((joinPause ?? leavePause) + leavePause) / 2)
const startup = Math.max(0, (readyOf3 ?? 0) - pause)
const measured = modelParams({
  partitions,
  throughputPerReplica: perReplica,
  rebalancePauseSeconds: Math.round(pause * 4) / 4,
  startupSeconds: Math.round(startup * 4) / 4,
})
const show = (label: string, c: ReturnType<typeof compareWithObserved>) =>
  out(
    `${label}: lag error mean ${c.lag.meanAbs.toFixed(0)} rmse ${c.lag.rmse.toFixed(0)} max ${c.lag.maxAbs.toFixed(0)} records ` +
      `(real peak ${c.lag.observedPeak}, simulated ${c.lag.simulatedPeak}); lag time error mean ${c.lagSeconds.meanAbs}s ` +
      `max ${c.lagSeconds.maxAbs}s (real peak ${c.lagSeconds.observedPeak}s, simulated ${c.lagSeconds.simulatedPeak}s)`,
  )
show('defaults', compareWithObserved(trace, modelParams({ partitions }), new FixedController(trace)))
show(
  `measured (${measured.throughputPerReplica.toFixed(0)}/s, pause ${measured.rebalancePauseSeconds}s, startup ${measured.startupSeconds}s)`,
  compareWithObserved(trace, measured, new FixedController(trace)),
)
const fit = fitModel(
  trace,
  measured,
  {
    throughputPerReplica: [0.9, 0.95, 1, 1.05, 1.1].map((f) => Math.round(perReplica * f)),
    rebalancePauseSeconds: [0, 1, 2, 3, 4, 6, 8],
    startupSeconds: [0, 1, 2, 3, 4],
  },
  () => new FixedController(trace),
)
show(
  `best fit (${fit.params.throughputPerReplica}/s, pause ${fit.params.rebalancePauseSeconds}s, startup ${fit.params.startupSeconds}s)`,
  fit.comparison,
)
await writeFile(
  join(outDir, 'comparison.json'),
  JSON.stringify({ measured, fit: fit.params, rows: fit.comparison.rows }, null, 1),
)
