// Alert storm: N webhook posts on loopback against the real fastify server with the alerts plugin (real HTTP,
// a bounded number in flight): duplicates of one firing alert, a flapping alert (firing/resolved in turn),
// a stream of distinct fingerprints (to fill the dedupe memory past its cap), and malformed bodies (bad JSON,
// wrong version, a bad alert). The engine's clock advances by a fixed step per post, so the run covers a few
// cooldowns. Checked: no 5xx, at most one start per target per cooldown, dedupe memory capped, heap growth;
// printed: p50/p99 response times.
// Usage: NODE_OPTIONS=--expose-gc npm run bench alert-storm   (or import runAlertStorm in a test with a smaller count)
import Fastify from 'fastify'
import { setupAlerts } from '../src/alerts/setup.ts'
import type { ActionRecord } from '../src/analyzer/actions/types.ts'
import { alertsPlugin } from '../src/api/alerts.ts'
import { installErrorHandling } from '../src/api/errors.ts'
import { alerts } from '../src/config/alerts.ts'
import { SqliteJournal } from '../src/journal/sqlite-journal.ts'
import { printTable } from './report.ts'

export interface StormOptions {
  posts: number
  inFlight: number
  /** Engine clock advance per post (ms). */
  stepMs: number
  cooldownSeconds: number
  maxTrackedAlerts: number
}

export interface StormResult {
  posts: number
  statuses: Record<string, number>
  starts: Record<string, number[]>
  /** Smallest gap between two starts of one target (ms); Infinity if no target started twice. */
  minGapMs: number
  tracked: number
  evicted: number
  journalEntries: number
  p50Ms: number
  p99Ms: number
  heapGrowthMb: number
  virtualMs: number
}

const webhook = (
  status: 'firing' | 'resolved',
  labels: Record<string, string>,
  command: string,
  fingerprint?: string,
) => ({
  version: '4',
  status,
  receiver: 'autopilot',
  groupKey: '{}',
  alerts: [
    {
      status,
      labels: { alertname: 'Storm', ...labels },
      annotations: { command },
      startsAt: '2026-11-23T03:40:17.882Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-23T03:45:00Z',
      ...(fingerprint ? { fingerprint } : {}),
    },
  ],
})

function body(i: number): string {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      return JSON.stringify(webhook('firing', { cluster: 'local' }, 'upScale', 'dup-1'))
    case 4:
    case 5:
      return JSON.stringify(
        webhook(i % 20 < 10 ? 'firing' : 'resolved', { cluster: 'flap' }, 'notify', 'flap-1'),
      )
    case 6:
    case 7:
      return JSON.stringify(webhook('firing', { cluster: 'many', series: String(i) }, 'notify'))
    case 8:
      return i % 3 === 0
        ? '{"version":"4","alerts":['
        : JSON.stringify({ ...webhook('firing', {}, 'upScale'), version: '9' })
    default:
      return JSON.stringify({ version: '4', alerts: [{ status: 'maybe', labels: {} }] })
  }
}

export async function runAlertStorm(options: StormOptions): Promise<StormResult> {
  const journal = new SqliteJournal({ path: ':memory:', maxEntries: 1_000_000 })
  let now = Date.parse('2026-11-23T04:00:00Z')
  const t0 = now
  const starts: Record<string, number[]> = {}
  const record = async (a: ActionRecord) => {
    const list = starts[a.target] ?? []
    list.push(now)
    starts[a.target] = list
    return { ok: true, message: 'done (fake)' }
  }
  const config = alerts.unwrap().parse({
    mode: 'auto',
    cooldownSeconds: options.cooldownSeconds,
    maxTrackedAlerts: options.maxTrackedAlerts,
    actions: { notify: { type: 'webhook', url: 'http://127.0.0.1:9/unused' } },
  })
  const plugin = setupAlerts(config, {
    journal,
    host: '127.0.0.1',
    now: () => now,
    brokerActions: { upScale: record },
    handlers: { notify: record },
  })
  const app = Fastify({ logger: false })
  installErrorHandling(app)
  await app.register(alertsPlugin, plugin)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  globalThis.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  const statuses: Record<string, number> = {}
  const times: number[] = []
  let next = 0
  const worker = async () => {
    while (next < options.posts) {
      const i = next++
      now += options.stepMs
      const started = performance.now()
      const res = await fetch(`${base}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(i),
      })
      await res.arrayBuffer()
      times.push(performance.now() - started)
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
    }
  }
  try {
    await Promise.all(Array.from({ length: options.inFlight }, worker))
    await plugin.runner.idle()
    globalThis.gc?.()
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024
    times.sort((a, b) => a - b)
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!
    let minGapMs = Number.POSITIVE_INFINITY
    for (const list of Object.values(starts)) {
      for (let k = 1; k < list.length; k++) minGapMs = Math.min(minGapMs, list[k]! - list[k - 1]!)
    }
    return {
      posts: options.posts,
      statuses,
      starts,
      minGapMs,
      tracked: plugin.runner.stats.tracked,
      evicted: plugin.runner.stats.evicted,
      journalEntries: journal.list({ limit: 1_000_000 }).length,
      p50Ms: pct(50),
      p99Ms: pct(99),
      heapGrowthMb,
      virtualMs: now - t0,
    }
  } finally {
    await plugin.runner.close()
    await app.close()
    journal.close()
  }
}

export async function benchAlertStorm(): Promise<void> {
  const options: StormOptions = {
    posts: 10_000,
    inFlight: 16,
    stepMs: 10,
    cooldownSeconds: 30,
    maxTrackedAlerts: 500,
  }
  const started = performance.now()
  const r = await runAlertStorm(options)
  const wall = (performance.now() - started) / 1000
  const fiveXX = Object.entries(r.statuses)
    .filter(([s]) => Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0)
  const maxStarts = Math.max(...Object.values(r.starts).map((l) => l.length))
  const allowed = Math.ceil(r.virtualMs / (options.cooldownSeconds * 1000))
  console.log(
    `\nalert storm: ${r.posts} posts on loopback, ${options.inFlight} in flight, ${wall.toFixed(1)} s wall`,
  )
  printTable(
    ['check', 'value', 'expected', 'ok'],
    [
      ['HTTP statuses', JSON.stringify(r.statuses), 'no 5xx', fiveXX === 0 ? 'yes' : 'NO'],
      [
        'starts per target (max)',
        String(maxStarts),
        `≤ ${allowed} (${r.virtualMs / 1000} s / ${options.cooldownSeconds} s)`,
        maxStarts <= allowed ? 'yes' : 'NO',
      ],
      [
        'smallest gap between starts',
        Number.isFinite(r.minGapMs) ? `${r.minGapMs / 1000} s` : '-',
        `≥ ${options.cooldownSeconds} s`,
        r.minGapMs >= options.cooldownSeconds * 1000 ? 'yes' : 'NO',
      ],
      [
        'fingerprints remembered',
        String(r.tracked),
        `≤ ${options.maxTrackedAlerts} (${r.evicted} evicted)`,
        r.tracked <= options.maxTrackedAlerts ? 'yes' : 'NO',
      ],
      ['journal entries', String(r.journalEntries), 'rejections rate-limited', '-'],
      [
        'heap growth',
        `${r.heapGrowthMb.toFixed(1)} MB`,
        globalThis.gc ? 'bounded' : 'bounded (NODE_OPTIONS=--expose-gc for a true figure)',
        '-',
      ],
      ['response time p50 / p99', `${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)} ms`, '-', '-'],
    ],
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAlertStorm()
