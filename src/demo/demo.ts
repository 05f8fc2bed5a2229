// The demo (`npm start`): a real local 3-broker cluster, a topic with 12 partitions, a load generator with a
// quiet → burst → quiet profile (looped), the daemon scaling a pool of sample workers (a `process` target)
// on their lag, and the dashboard at a printed URL. Everything it starts is stopped on Ctrl-C or after
// --duration: load, daemon (which stops its workers, onExit: stop), Kafka.
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { pointFromDecision } from '../api/dashboard/timeseries.ts'
import { createDaemon, type Daemon } from '../daemon/daemon.ts'
import { describeCause } from '../errors.ts'
import { createTarget } from '../executor/registry.ts'
import type { ProcessTarget } from '../executor/targets/process.ts'
import { SqliteJournal } from '../journal/sqlite-journal.ts'
import { createAdminPort, createProducerPort } from '../kafka/index.ts'
import { startStack, stopStack } from '../stack/cluster.ts'
import type { StackState } from '../stack/types.ts'
import { runLoad } from '../workload/load-generator.ts'
import type { Phase } from '../workload/profile.ts'
import { demoConfig } from './config.ts'

export const DEMO_SCALER = 'demo-workers'

export interface DemoOptions {
  dir: string
  topic: string
  group: string
  partitions: number
  minWorkers: number
  maxWorkers: number
  workMs: number
  groupProtocol?: 'classic' | 'consumer'
  phases: Phase[]
  policy: 'lag' | 'slo'
  lagThreshold: number
  maxLagSeconds: number
  pollingSeconds: number
  stabilizationSeconds: number
  host: string
  /** Dashboard port; 0 picks a free one. A taken port falls back to a free one. */
  port: number
  /** Stop by itself this long (ms) after the load starts; otherwise run until the signal aborts. */
  durationMs?: number
  signal: AbortSignal
  out: { write(text: string): unknown }
}

export interface DemoRunning {
  url: string
  stack: StackState
  daemon: Daemon
}

/** The port to serve on: the one asked for when free, else any free one (0). */
async function freePortOr(host: string, port: number): Promise<number> {
  if (port === 0) return 0
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(0))
    probe.listen({ host, port }, () => probe.close(() => done(port)))
  })
}

function statusLine(daemon: Daemon): string | null {
  const entry = daemon.journal.list({ scaler: DEMO_SCALER, kind: 'decision', limit: 1 })[0]
  if (!entry) return null
  const p = pointFromDecision(entry)
  const n = (v: number | null, digits = 0) => (v === null ? '-' : v.toFixed(digits))
  const change = p.current === p.desired ? `${n(p.current)}` : `${n(p.current)} → ${n(p.desired)}`
  return (
    `${new Date(entry.at).toISOString().slice(11, 19)} produce ${n(p.productionRate)}/s · consume ` +
    `${n(p.consumptionRate)}/s · lag ${n(p.lag)} records, ${n(p.lagSeconds, 1)} s · workers ${change} ` +
    `(${entry.reason})\n`
  )
}

export async function runDemo(
  options: DemoOptions,
  onRunning?: (running: DemoRunning) => void,
): Promise<void> {
  const out = options.out
  const dir = resolve(options.dir)
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  options.signal.addEventListener('abort', onAbort, { once: true })
  let timer: NodeJS.Timeout | undefined
  const cleanup: Array<[string, () => Promise<unknown>]> = []
  let load: Promise<unknown> = Promise.resolve()
  try {
    out.write(
      `starting a 3-broker Kafka cluster in ${dir} (first run fetches the jars from Maven Central)…\n`,
    )
    const stack = await startStack({ dir, brokers: 3 })
    cleanup.push(['Kafka', () => stopStack(dir)])
    const bootstrapServers = stack.bootstrapServers.split(',')
    out.write(`bootstrap servers: ${stack.bootstrapServers}\n`)
    if (stop.signal.aborted) return

    const admin = createAdminPort({ bootstrapServers, clientId: 'autopilot-demo' })
    cleanup.push(['admin client', () => admin.close()])
    const existing = await admin.metadata()
    if (!existing.topics.some((t) => t.name === options.topic)) {
      await admin.createTopic({ topic: options.topic, partitions: options.partitions, replicationFactor: 3 })
    }

    const port = await freePortOr(options.host, options.port)
    if (port !== options.port) out.write(`port ${options.port} is taken; serving on a free port instead\n`)
    const config = demoConfig({
      name: DEMO_SCALER,
      bootstrapServers: stack.bootstrapServers,
      topic: options.topic,
      group: options.group,
      workMs: options.workMs,
      ...(options.groupProtocol ? { groupProtocol: options.groupProtocol } : {}),
      minReplicas: options.minWorkers,
      maxReplicas: options.maxWorkers,
      policy: options.policy,
      lagThreshold: options.lagThreshold,
      maxLagSeconds: options.maxLagSeconds,
      pollingSeconds: options.pollingSeconds,
      stabilizationSeconds: options.stabilizationSeconds,
      host: options.host,
      port,
    })
    const journal = new SqliteJournal({ path: ':memory:' })
    cleanup.push(['journal', async () => journal.close()])
    const daemon = await createDaemon(config, {
      journal,
      log: (line) => out.write(`  autopilot: ${line}\n`),
      createTarget: (s, deps) => {
        const target = createTarget(s.target, deps) as ProcessTarget
        target.pool.on('spawn', (e: { index: number; pid: number }) =>
          out.write(`  worker ${e.index} started (pid ${e.pid})\n`),
        )
        target.pool.on('exit', (e: { index: number; pid: number; expected: boolean }) =>
          out.write(`  worker ${e.index} (pid ${e.pid}) ${e.expected ? 'stopped' : 'exited unexpectedly'}\n`),
        )
        return target
      },
    })
    cleanup.push(['daemon and workers', () => daemon.stop()])
    const url = (await daemon.listen()).replace(/\/?$/, '/')
    daemon.start()

    const producer = createProducerPort({ bootstrapServers, clientId: 'autopilot-demo-load' })
    cleanup.push(['load generator', () => producer.close()])
    const profile = options.phases.map((p) => `${p.durationMs / 1000}s@${p.rate}/s`).join(' → ')
    out.write(
      `\ndashboard: ${url}\n` +
        `topic ${options.topic} (${options.partitions} partitions) · load ${profile}, repeated · workers ` +
        `${options.minWorkers}–${options.maxWorkers} in group ${options.group}, ${options.workMs} ms per record · ` +
        `policy ${options.policy === 'lag' ? `lag (threshold ${options.lagThreshold} records)` : `slo (${options.maxLagSeconds} s)`}\n` +
        `${options.durationMs === undefined ? 'Ctrl-C stops everything.' : `stops by itself after ${options.durationMs / 1000} s (or Ctrl-C).`}\n\n`,
    )
    onRunning?.({ url, stack, daemon })
    if (options.durationMs !== undefined) timer = setTimeout(onAbort, options.durationMs)
    load = runLoad({
      producer,
      topic: options.topic,
      phases: options.phases,
      loop: true,
      signal: stop.signal,
    }).catch((err: unknown) => out.write(`load generator stopped: ${describeCause(err)}\n`))
    let last = ''
    while (!stop.signal.aborted) {
      const line = statusLine(daemon)
      if (line !== null && line !== last) out.write(line)
      last = line ?? ''
      await delay(options.pollingSeconds * 1000, undefined, { signal: stop.signal }).catch(() => undefined)
    }
  } finally {
    stop.abort()
    await load
    if (timer) clearTimeout(timer)
    options.signal.removeEventListener('abort', onAbort)
    out.write('\nstopping: load generator, daemon and workers, Kafka…\n')
    // the load first, Kafka last
    for (const [what, close] of cleanup.reverse()) {
      await close().catch((err: unknown) =>
        out.write(`  could not stop the ${what}: ${describeCause(err)}\n`),
      )
    }
    out.write('stopped.\n')
  }
}
