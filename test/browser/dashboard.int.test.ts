// The dashboard in a real browser (Debian's chromium through playwright-core), served by a real daemon that
// scales a process-target worker pool on the shared cluster while a little load flows: the charts must
// update live (a chart's point count grows between two reads) and the decisions table must show reason
// codes. Every wait is a bounded waitForFunction; the browser, daemon and workers are stopped by PID.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { REASONS } from '../../src/analyzer/scaling/reasons.ts'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { demoConfig } from '../../src/demo/config.ts'
import { createTarget } from '../../src/executor/registry.ts'
import { isAlive, signalGroup } from '../../src/executor/signals.ts'
import type { ProcessTarget } from '../../src/executor/targets/process.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort, KafkaProducerPort } from '../../src/kafka/port.ts'
import { runLoad } from '../../src/workload/load-generator.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const run = `dash-${Date.now().toString(36)}`
const topic = `${run}-orders`
const group = `${run}-workers`

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

let admin: KafkaAdminPort
let producer: KafkaProducerPort
let daemon: Daemon | undefined
let context: BrowserContext | undefined
let profileDir: string
const journal = new SqliteJournal({ path: ':memory:' })
const load = new AbortController()
let loading: Promise<unknown> = Promise.resolve()
const pids = new Set<number>()
const pageErrors: string[] = []
let url: string

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  await admin.createTopic({ topic, partitions: 12, replicationFactor: 1 })
  const config = demoConfig({
    name: 'dash',
    bootstrapServers: kafka.bootstrapServers,
    topic,
    group,
    workMs: 2,
    minReplicas: 0,
    maxReplicas: 2,
    policy: 'lag',
    lagThreshold: 500,
    maxLagSeconds: 10,
    pollingSeconds: 1,
    stabilizationSeconds: 10,
    host: '127.0.0.1',
    port: 0,
  })
  daemon = await createDaemon(config, {
    journal,
    createTarget: (s, deps) => {
      const target = createTarget(s.target, deps) as ProcessTarget
      target.pool.on('spawn', (e: { pid: number }) => pids.add(e.pid))
      return target
    },
  })
  url = await daemon.listen()
  daemon.start()
  producer = createProducerPort({ bootstrapServers, clientId: `${run}-load` })
  loading = runLoad({
    producer,
    topic,
    phases: [{ durationMs: 1_000, rate: 50 }],
    loop: true,
    signal: load.signal,
  })
  profileDir = mkdtempSync(join(tmpdir(), 'autopilot-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 1000 },
  })
})

afterAll(async () => {
  await context?.close()
  load.abort()
  await loading
  await producer?.close()
  await daemon?.stop()
  journal.close()
  for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGKILL')
  await admin?.deleteGroups([group]).catch(() => {})
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
  if (profileDir) rmSync(profileDir, { recursive: true, force: true })
})

// Page-side checks are expressions (strings): the project compiles without the DOM library.
const pointsOf = (chart: string) => `Number(document.getElementById('${chart}')?.dataset.points ?? 0)`
const APPLIED_ACTION_ROW = `[...document.querySelectorAll('#decisions tbody tr')].some(
  (tr) => tr.children[1]?.textContent === 'action' && tr.children[4]?.textContent === 'applied')`

describe('dashboard in a browser', () => {
  it('draws live charts from the time series and lists decisions with their reasons', async () => {
    const page = await context!.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    const offline: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(url)) offline.push(request.url())
    })
    const points = async (chart: string) => Number(await page.evaluate(pointsOf(chart)))
    await page.goto(url)
    await expect(page.title()).resolves.toBe('Kafka Autopilot dashboard')
    // four uPlot charts, drawn on canvases
    await page.waitForFunction(`document.querySelectorAll('.chart canvas').length === 4`, null, {
      timeout: 15_000,
    })

    // the charts fill as the daemon decides (once a second) and the page refreshes (every 2 s)
    await page.waitForFunction(`${pointsOf('chart-lag')} >= 3`, null, { timeout: 60_000 })
    const first = await points('chart-replicas')
    await page.waitForFunction(`${pointsOf('chart-replicas')} > ${first}`, null, { timeout: 30_000 })
    const second = await points('chart-replicas')
    expect(second).toBeGreaterThan(first)
    // every chart shows the same ticks
    for (const id of ['chart-rates', 'chart-lag', 'chart-lag-seconds'])
      expect(await points(id)).toBeGreaterThanOrEqual(second - 1)

    // the load activates the pool from zero: the table shows that action and the decisions' reason codes
    await page.waitForFunction(APPLIED_ACTION_ROW, null, { timeout: 60_000 })
    const reasons = await page.$$eval('#decisions td.reason code', (cells) => cells.map((c) => c.textContent))
    expect(reasons.length).toBeGreaterThan(0)
    for (const r of reasons) expect(REASONS).toContain(r)
    expect(reasons).toContain('Activated')
    await expect(page.textContent('#connection')).resolves.toMatch(/standalone · updated/)
    await expect(page.textContent('#stat-replicas')).resolves.toMatch(/^\d+ \/ \d+ \/ \d+$/)

    // nothing but the daemon was asked for (no CDN), and the script ran without errors
    expect(offline).toEqual([])
    expect(pageErrors).toEqual([])
    await page.close()
  })
})
