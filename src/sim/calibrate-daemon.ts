// The full calibration: a real autoscaled run against its replay. On the local stack, `autopilot run` scales
// sample workers (process target) with a policy while the load generator plays the demo's bursts; the
// journal is turned into a trace (as `autopilot record` does) and the same scaler config runs through the
// simulator on the recorded production. Out: the replica timeline and lag, real vs simulated.
//
//   npm run autopilot -- stack up --dir .stack/sim-dev
//   node src/sim/calibrate-daemon.ts --bootstrap-server H:P,… [--policy lag|slo] [--out DIR]
//   npm run autopilot -- stack down --dir .stack/sim-dev
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { DecideController } from '../analyzer/simulate/autopilot.ts'
import { compareWithObserved } from '../analyzer/simulate/calibration.ts'
import { modelParams } from '../analyzer/simulate/params.ts'
import { traceRowsFromDecisions } from '../analyzer/simulate/record.ts'
import { formatTraceCsv, parseTraceCsv } from '../analyzer/simulate/trace.ts'
import { loadConfig } from '../config/load.ts'
import type { JournalEntry } from '../journal/journal.ts'
import { SqliteJournal } from '../journal/sqlite-journal.ts'
import { createAdminPort } from '../kafka/index.ts'

const { values } = parseArgs({
  options: {
    'bootstrap-server': { type: 'string' },
    policy: { type: 'string', default: 'lag' },
    profile: {
      type: 'string',
      default: '20s@100,20s@1500,40s@100,20s@100,20s@1500,40s@100,20s@100,20s@1500,60s@100',
    },
    out: { type: 'string', default: '.stack/sim-calibration' },
  },
})
const bootstrap = values['bootstrap-server']
if (!bootstrap || (values.policy !== 'lag' && values.policy !== 'slo')) {
  process.stderr.write(
    'usage: node src/sim/calibrate-daemon.ts --bootstrap-server HOST:PORT[,…] [--policy lag|slo]\n',
  )
  process.exit(2)
}
const outDir = resolve(values.out as string)
const cli = resolve(import.meta.dirname, '../../bin/autopilot.js')
const topic = `sim-daemon-${values.policy}-${process.pid}`
const name = `cal-${values.policy}`
const policy =
  values.policy === 'lag'
    ? '{ type: lag }'
    : '{ type: slo, maxLagSeconds: 30, initialThroughputPerReplica: 360 }'
const yaml = `# written by src/sim/calibrate-daemon.ts
server: { port: 0 }
journal: { path: journal-${values.policy}.db }
scalers:
  - name: ${name}
    target:
      type: process
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(cli)}, worker, --bootstrap-server, "${bootstrap}", --group, ${topic}, --topic, ${topic}, --work-ms, "2"]
    trigger:
      type: kafka
      metadata: { bootstrapServers: "${bootstrap}", consumerGroup: ${topic}, topic: ${topic}, lagThreshold: "5400" }
    policy: ${policy}
    minReplicaCount: 1
    maxReplicaCount: 12
    pollingInterval: 5
    behavior: { scaleDown: { stabilizationWindowSeconds: 60 } }
`
await mkdir(outDir, { recursive: true })
const configFile = join(outDir, `autopilot-${values.policy}.yaml`)
await writeFile(configFile, yaml)

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}

const admin = createAdminPort({
  bootstrapServers: (bootstrap as string).split(','),
  clientId: 'sim-calibrate',
})
const started = Date.now()
let daemon: ChildProcess | null = null
let load: ChildProcess | null = null
try {
  await admin.createTopic({ topic, partitions: 12, replicationFactor: 3 })
  daemon = spawn(process.execPath, [cli, 'run', '-c', configFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  // The daemon starts the first replica; give it time to join before the load starts.
  await delay(15_000)
  const loadArgs = [
    'load',
    '--bootstrap-server',
    bootstrap as string,
    '--topic',
    topic,
    '--profile',
    values.profile as string,
  ]
  load = spawn(process.execPath, [cli, ...loadArgs], { stdio: ['ignore', 'ignore', 'inherit'] })
  await once(load, 'exit')
  await delay(20_000)
} finally {
  if (load) await stop(load)
  if (daemon) await stop(daemon)
  await admin.deleteTopics([topic]).catch(() => undefined)
  await admin.close().catch(() => undefined)
}

const journal = new SqliteJournal({ path: join(outDir, `journal-${values.policy}.db`), readOnly: true })
let entries: JournalEntry[]
try {
  entries = journal.list({ scaler: name, kind: 'decision', since: started, limit: 10_000 })
} finally {
  journal.close()
}
const csv = formatTraceCsv(
  traceRowsFromDecisions(entries),
  `autopilot run, scaler ${name}, load ${values.profile}`,
)
const traceFile = join(outDir, `daemon-${values.policy}.csv`)
await writeFile(traceFile, csv)

const trace = parseTraceCsv(csv, traceFile)
const scaler = (await loadConfig(configFile)).config.scalers[0]
if (!scaler) {
  process.stderr.write(`no scaler in ${configFile}\n`)
  process.exit(1)
}
const initial = trace.observed.find((o) => o.replicas !== null)?.replicas ?? 1
const c = compareWithObserved(
  trace,
  modelParams({ initialReplicas: initial }),
  new DecideController(values.policy as string, scaler),
)
const out = (s: string) => process.stdout.write(`${s}\n`)
out(`wrote ${traceFile} (${entries.length} decisions) and ${configFile}`)
out(
  `replay of ${name}: replicas equal on ${Math.round((c.replicasMatch ?? 0) * 100)}% of decisions; ` +
    `lag error mean ${c.lag.meanAbs} max ${c.lag.maxAbs} (peaks real ${c.lag.observedPeak}, simulated ${c.lag.simulatedPeak}); ` +
    `lag time error mean ${c.lagSeconds.meanAbs}s max ${c.lagSeconds.maxAbs}s`,
)
const diff = c.rows.map((r) => (r.simulatedReplicas ?? 0) - (r.observedReplicas ?? 0))
out(
  `replica difference (simulated − real): mean ${(diff.reduce((a, b) => a + b, 0) / diff.length).toFixed(2)}, max |${Math.max(...diff.map(Math.abs))}|`,
)
for (const r of c.rows.filter((_, i) => i % 3 === 0)) {
  out(
    `  ${r.t.toFixed(0).padStart(4)}s replicas ${r.observedReplicas}/${r.simulatedReplicas} lag ${r.observedLag}/${r.simulatedLag} lag s ${r.observedLagSeconds}/${r.simulatedLagSeconds}`,
  )
}
await writeFile(join(outDir, `daemon-${values.policy}-comparison.json`), JSON.stringify(c, null, 1))
