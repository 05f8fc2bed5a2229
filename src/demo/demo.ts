// The demo: a real local 3-broker cluster, a topic with 12 partitions, a load generator with a quiet →
// burst → quiet profile, a pool of sample workers, and the lag monitor printing what happens, live.
// Everything it starts is stopped on Ctrl-C (or after --duration).
import { resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { LagSnapshot } from '../analyzer/lag/types.ts'
import { lagTable } from '../cli/render/lag-table.ts'
import { createAdminPort, createConsumerPort, createProducerPort } from '../kafka/index.ts'
import { LagMonitor } from '../monitor/lag-monitor.ts'
import { startStack, stopStack } from '../stack/cluster.ts'
import { runLoad } from '../workload/load-generator.ts'
import type { Phase } from '../workload/profile.ts'
import { startWorker, type Worker } from '../workload/worker.ts'

export interface DemoOptions {
  dir: string
  topic: string
  group: string
  partitions: number
  workers: number
  workMs: number
  phases: Phase[]
  pollMs: number
  /** Stop by itself after this long (ms); otherwise run until the signal aborts. */
  durationMs?: number
  signal: AbortSignal
  out: { write(text: string): unknown; isTTY?: boolean }
}

function summary(s: LagSnapshot): string {
  const g = s.groups[0]
  if (!g) return 'waiting for the group…'
  const rate = (v: number | null) => (v === null ? '-' : v.toFixed(0))
  const secs = g.maxLagSeconds === null ? '-' : g.maxLagSeconds.toFixed(1)
  return `lag ${g.totalLag} records, ${secs} s behind · produce ${rate(g.productionRate)}/s · consume ${rate(g.consumptionRate)}/s · members ${g.members}`
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const out = options.out
  const dir = resolve(options.dir)
  out.write(`starting a 3-broker Kafka cluster in ${dir} (first run fetches the jars from Maven Central)…\n`)
  const stack = await startStack({ dir, brokers: 3 })
  const bootstrapServers = stack.bootstrapServers.split(',')
  const admin = createAdminPort({ bootstrapServers, clientId: 'autopilot-demo' })
  const producer = createProducerPort({ bootstrapServers, clientId: 'autopilot-demo-load' })
  const workers: Worker[] = []
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  options.signal.addEventListener('abort', onAbort, { once: true })
  const timer = options.durationMs === undefined ? undefined : setTimeout(onAbort, options.durationMs)
  try {
    out.write(`cluster up: ${stack.bootstrapServers}\n`)
    const existing = await admin.metadata()
    if (!existing.topics.some((t) => t.name === options.topic)) {
      await admin.createTopic({ topic: options.topic, partitions: options.partitions, replicationFactor: 3 })
    }
    for (let i = 0; i < options.workers; i++) {
      const consumer = createConsumerPort({
        bootstrapServers,
        clientId: `demo-worker-${i}`,
        groupId: options.group,
        topics: [options.topic],
      })
      workers.push(await startWorker({ consumer, workMs: options.workMs }))
    }
    out.write(
      `${options.workers} workers in group ${options.group} (${options.workMs} ms per record); load: ${options.phases
        .map((p) => `${p.durationMs / 1000}s@${p.rate}/s`)
        .join(' → ')}\nCtrl-C stops everything.\n\n`,
    )
    const load = runLoad({
      producer,
      topic: options.topic,
      phases: options.phases,
      loop: true,
      signal: stop.signal,
    })
    const monitor = new LagMonitor(admin, { groups: [options.group] })
    while (!stop.signal.aborted) {
      const snapshot = await monitor.poll().catch(() => null)
      if (snapshot) {
        if (out.isTTY)
          out.write(`\x1b[2J\x1b[H${new Date(snapshot.at).toISOString()}\n\n${lagTable(snapshot)}`)
        else out.write(`${new Date(snapshot.at).toISOString()} ${summary(snapshot)}\n`)
      }
      await delay(options.pollMs, undefined, { signal: stop.signal }).catch(() => undefined)
    }
    await load
  } finally {
    if (timer) clearTimeout(timer)
    options.signal.removeEventListener('abort', onAbort)
    out.write('\nstopping: workers, load generator, Kafka…\n')
    await Promise.allSettled(workers.map((w) => w.stop()))
    await producer.close().catch(() => undefined)
    await admin.close().catch(() => undefined)
    await stopStack(dir)
    out.write('stopped.\n')
  }
}
