// The whole daemon on a fake clock, a fake Kafka admin port (test/monitor/fake-admin-port.ts) and fake
// targets: each tick reads one snapshot per cluster, decides, journals, and acts once per target.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import type { AutopilotConfig } from '../../src/config/schema.ts'
import { createDaemon, type Daemon, type DaemonDeps } from '../../src/daemon/daemon.ts'
import { AutopilotError } from '../../src/errors.ts'
import type { JournalEntry } from '../../src/journal/journal.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'
import { FakeClock, settle } from './fake-clock.ts'
import { config, FakeElector, FakeTarget, kafkaDown } from './fakes.ts'

const T0 = 1_700_000_000_000
const running: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop()
})

interface Setup {
  daemon: Daemon
  clock: FakeClock
  ports: Map<string, FakeAdminPort>
  port: FakeAdminPort
  targets: Map<string, FakeTarget>
  target: FakeTarget
  journal: SqliteJournal
  lines: string[]
  entries: (query?: Parameters<SqliteJournal['list']>[0]) => JournalEntry[]
}

/** A cluster with topic `orders` (4 partitions, 10 records each) and group `orders` committed at `committed`. */
function cluster(committed: number | null = 0): FakeAdminPort {
  const port = new FakeAdminPort()
  port.addTopic('orders', 4)
  for (let p = 0; p < 4; p++) port.produce('orders', p, 10, T0 - 60_000, 1_000)
  if (committed !== null) {
    port.addGroup('orders', Object.fromEntries([0, 1, 2, 3].map((p) => [`orders/${p}`, committed])))
  }
  return port
}

async function setup(
  cfg: AutopilotConfig,
  options: { replicas?: number; port?: FakeAdminPort; deps?: DaemonDeps; ownJournal?: boolean } = {},
): Promise<Setup> {
  const clock = new FakeClock(T0)
  const ports = new Map<string, FakeAdminPort>()
  const targets = new Map<string, FakeTarget>()
  const journal = new SqliteJournal({ path: ':memory:', now: () => clock.now() })
  const lines: string[] = []
  const daemon = await createDaemon(cfg, {
    clock,
    random: () => 0,
    ...(options.ownJournal ? {} : { journal }),
    openAdminPort: (c) => {
      const key = c.bootstrapServers.join(',')
      const port = ports.get(key) ?? (ports.size === 0 && options.port ? options.port : cluster())
      ports.set(key, port)
      return port
    },
    createTarget: (s) => {
      const t = new FakeTarget(s.name, options.replicas ?? 1)
      targets.set(s.name, t)
      return t
    },
    log: (line) => lines.push(line),
    ...options.deps,
  })
  running.push(async () => {
    await daemon.stop()
    journal.close()
  })
  const used = options.ownJournal ? daemon.journal : journal
  return {
    daemon,
    clock,
    ports,
    port: [...ports.values()][0]!,
    targets,
    target: [...targets.values()][0]!,
    journal,
    lines,
    entries: (query = {}) => used.list({ limit: 1000, ...query }).reverse(),
  }
}

/** One tick of every cluster, then let the scales it started finish. */
async function tick(s: Setup): Promise<void> {
  await s.daemon.runOnce()
  await Promise.all(s.daemon.controllers.map((c) => c.action))
  await settle()
}

const ORDERS = { name: 'orders', extra: 'pollingInterval: 1\nmaxReplicaCount: 10' }

describe('daemon tick', () => {
  it('scales out on lag: the decision and the action are journaled, the target scaled, metrics updated', async () => {
    const s = await setup(config([ORDERS]))
    await tick(s)
    expect(s.target.desired).toBe(4)
    const [decision, action] = s.entries({ scaler: 'orders' })
    expect(decision).toMatchObject({
      kind: 'decision',
      target: 'fake orders',
      reason: 'DesiredWithinRange',
      outcome: 'scale',
      inputs: { current: 1, desired: 4, lag: { totalLag: 40, partitions: 4 }, role: 'standalone' },
    })
    expect(decision?.message).toMatch(/^1 → 4: /)
    expect(action).toMatchObject({
      kind: 'action',
      outcome: 'applied',
      inputs: { from: 1, to: 4, dryRun: false },
    })
    const metrics = (await s.daemon.app.inject({ url: '/metrics' })).body
    for (const line of [
      'autopilot_desired_replicas{scaler="orders"} 4',
      'autopilot_current_replicas{scaler="orders"} 1',
      'autopilot_decisions_total{scaler="orders",reason="DesiredWithinRange"} 1',
      'autopilot_actions_total{scaler="orders",outcome="applied"} 1',
      'kafka_consumergroup_lag{consumergroup="orders",topic="orders",partition="0"} 10',
    ]) {
      expect(metrics).toContain(line)
    }
    expect(metrics).toMatch(/autopilot_loop_duration_seconds_count\{cluster="127.0.0.1:9092"\} 1/)
  })

  it('holds without journaling an action when the count is right', async () => {
    const s = await setup(config([ORDERS]), { replicas: 4 })
    await tick(s)
    expect(s.entries().filter((e) => e.kind !== 'event')).toMatchObject([
      { kind: 'decision', outcome: 'hold' },
    ])
    expect(s.target.calls).toEqual([])
  })

  it('activates a group that has never committed (KEDA: lag 1 per partition under latest)', async () => {
    const s = await setup(config([{ ...ORDERS, extra: `${ORDERS.extra}\nminReplicaCount: 0` }]), {
      replicas: 0,
      port: cluster(null),
    })
    await tick(s)
    expect(s.entries({ kind: 'decision' })[0]).toMatchObject({
      reason: 'Activated',
      inputs: { current: 0, desired: 1, lag: { activationLag: 4, partitions: 4 } },
    })
    expect(s.target.desired).toBe(1)
  })

  it('reads one snapshot per cluster per tick, whatever the number of scalers on it', async () => {
    const cfg = config([
      { name: 'a', group: 'orders' },
      { name: 'b', group: 'orders-audit' },
      { name: 'c', group: 'orders', servers: '127.0.0.2:9092' },
    ])
    const s = await setup(cfg)
    await tick(s)
    await s.clock.advance(1_000)
    await tick(s)
    expect([...s.ports.keys()]).toEqual(['127.0.0.1:9092', '127.0.0.2:9092'])
    expect([...s.ports.values()].map((p) => p.calls.listGroups)).toEqual([2, 2])
    expect(s.entries({ kind: 'decision' }).map((e) => e.scaler)).toEqual(['a', 'b', 'c', 'a', 'b', 'c'])
  })

  it('while Kafka cannot be read, holds the count (never zero), journaling the outage once', async () => {
    const s = await setup(
      config([{ ...ORDERS, extra: `${ORDERS.extra}\nminReplicaCount: 0\ncooldownPeriod: 0` }]),
      {
        replicas: 3,
      },
    )
    s.port.failEverything = kafkaDown()
    for (let i = 0; i < 3; i++) {
      await tick(s)
      await s.clock.advance(1_000)
    }
    expect(s.entries({ kind: 'decision' }).map((e) => [e.reason, e.outcome])).toEqual([
      ['FallbackHold', 'hold'],
      ['FallbackHold', 'hold'],
      ['FallbackHold', 'hold'],
    ])
    expect(s.target.calls).toEqual([])
    s.port.failEverything = null
    await tick(s)
    expect(s.entries({ kind: 'event' }).map((e) => e.reason)).toEqual(['LagUnreadable', 'LagReadable'])
  })

  it('keeps one scale in flight per target: its ticks are skipped until it ends', async () => {
    const s = await setup(config([ORDERS]))
    s.target.hold = true
    await s.daemon.runOnce()
    expect(s.daemon.scalers()[0]?.actionInFlight).toEqual({ to: 4, since: T0 })
    await s.clock.advance(1_000)
    await s.daemon.runOnce()
    await s.daemon.runOnce()
    expect(s.target.calls).toHaveLength(1)
    expect(s.entries({ kind: 'decision' })).toHaveLength(1)
    expect((await s.daemon.app.inject({ url: '/metrics' })).body).toContain(
      'autopilot_scaler_skipped_total{scaler="orders",why="action-in-flight"} 2',
    )
    s.target.release()
    await tick(s)
    expect(s.entries().map((e) => `${e.kind}:${e.outcome}`)).toEqual([
      'decision:scale',
      'action:applied',
      'decision:hold',
    ])
  })

  const unapplied = [
    {
      name: 'a dry run asks the target for a dry run',
      deps: { dryRun: true },
      prepare: (_t: FakeTarget) => {},
      decision: 'dry-run',
      action: 'dry-run',
      calls: [{ replicas: 4, dryRun: true }],
    },
    {
      name: 'a failed scale is journaled with its error code',
      deps: {},
      prepare: (t: FakeTarget) => {
        t.failWith = new AutopilotError('AP_ERR_CONFLICT', 'owned by HPA orders')
      },
      decision: 'scale',
      action: 'failed',
      calls: [{ replicas: 4, dryRun: false }],
    },
  ]
  for (const row of unapplied) {
    it(`${row.name}; a change that did not happen is not charged to the rate policies`, async () => {
      const s = await setup(config([ORDERS]), { deps: row.deps })
      row.prepare(s.target)
      await tick(s)
      expect(s.target.calls).toEqual(row.calls)
      expect(s.target.desired).toBe(1)
      const [decision, action] = s.entries({ scaler: 'orders' })
      expect(decision?.outcome).toBe(row.decision)
      expect(action?.outcome).toBe(row.action)
      if (row.action === 'failed') expect(action?.inputs).toMatchObject({ error: 'AP_ERR_CONFLICT' })
      expect(s.daemon.controllers[0]?.state).toMatchObject({ scaleEvents: [], lastDesired: 1 })
    })
  }

  it('skips deciding while the target cannot be read, journaling the start and end of it', async () => {
    const s = await setup(config([ORDERS]))
    s.target.describeError = new AutopilotError('AP_ERR_KUBERNETES', 'API server unreachable')
    await tick(s)
    await tick(s)
    expect(s.daemon.scalers()[0]?.error).toBe('API server unreachable')
    s.target.describeError = null
    await tick(s)
    expect(s.entries().map((e) => `${e.kind}:${e.reason}`)).toEqual([
      'event:TargetUnreadable',
      'event:TargetReadable',
      'decision:DesiredWithinRange',
      'action:DesiredWithinRange',
    ])
    expect(s.daemon.scalers()[0]?.error).toBeNull()
  })
})

describe('daemon leader election', () => {
  it('a follower decides and journals with a follower note but does not act; the leader acts', async () => {
    const elector = new FakeElector('pod-a')
    const s = await setup(config([ORDERS]), { deps: { elector } })
    s.daemon.start()
    elector.set(false, 'pod-b')
    await s.clock.advance(0)
    await settle()
    const first = s.entries({ kind: 'decision' })[0]
    expect(first).toMatchObject({ outcome: 'follower', inputs: { role: 'follower' } })
    expect(first?.message).toContain('[follower: not acting; leader is pod-b]')
    expect(s.target.calls).toEqual([])
    expect(s.daemon.controllers[0]?.state.scaleEvents).toEqual([])
    expect((await s.daemon.app.inject({ url: '/readyz' })).json()).toMatchObject({
      role: 'follower',
      leader: 'pod-b',
    })

    elector.set(true)
    await s.clock.advance(1_000)
    await Promise.all(s.daemon.controllers.map((c) => c.action))
    expect(s.target.desired).toBe(4)
    expect(s.entries({ kind: 'event' }).map((e) => e.reason)).toEqual([
      'DaemonStarted',
      'Following',
      'Leading',
    ])
    expect(elector.runs).toBe(1)
    await s.daemon.stop()
    expect(elector.released).toBe(true)
  })
})

describe('daemon schedule and state', () => {
  it('ticks each cluster at its fastest interval; a slower scaler decides on every nth tick', async () => {
    const s = await setup(
      config([
        { name: 'fast', extra: 'pollingInterval: 1' },
        { name: 'slow', extra: 'pollingInterval: 3' },
      ]),
      { replicas: 4 },
    )
    s.daemon.start()
    await s.clock.advance(6_000)
    await settle()
    expect(s.port.calls.listGroups).toBe(7)
    const at = (scaler: string) => s.entries({ scaler, kind: 'decision' }).map((e) => (e.at - T0) / 1000)
    expect(at('fast')).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(at('slow')).toEqual([0, 3, 6])
  })

  it('a restart resumes the scale-down stabilization window from the journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-daemon-'))
    running.push(async () => rmSync(dir, { recursive: true, force: true }))
    const cfg = config(
      [
        {
          ...ORDERS,
          extra: `${ORDERS.extra}\nminReplicaCount: 1\nbehavior: { scaleDown: { stabilizationWindowSeconds: 60 } }`,
        },
      ],
      `journal: { path: ${join(dir, 'journal.db')} }`,
    )
    // 1. lag 40: scale 1 → 4; then the lag is consumed, and the window holds 4
    const port = cluster(0)
    const first = await setup(cfg, { port, ownJournal: true })
    await tick(first)
    for (let p = 0; p < 4; p++) port.commit('orders', 'orders', p, 10)
    await first.clock.advance(5_000)
    await tick(first)
    expect(first.entries({ kind: 'decision' }).at(-1)).toMatchObject({
      reason: 'ScaleDownStabilized',
      inputs: { desired: 4 },
    })
    await first.daemon.stop()

    // 2. a new daemon on the same journal, 10 s later: still held (a fresh state would drop to 1 at once)
    const second = await setup(cfg, { port, replicas: 4, ownJournal: true })
    await second.clock.advance(10_000)
    await tick(second)
    const restored = second.entries()
    expect(restored.map((e) => e.reason)).toContain('StateRestored')
    expect(restored.filter((e) => e.kind === 'decision').at(-1)).toMatchObject({
      reason: 'ScaleDownStabilized',
      inputs: { current: 4, desired: 4 },
    })
    // 3. once the window has passed since the last high recommendation, it scales in
    await second.clock.advance(60_000)
    await tick(second)
    expect(second.target.desired).toBe(1)
  })

  it('stop() aborts the scale in flight, journals it, closes targets and ports, and stops ticking', async () => {
    const s = await setup(config([ORDERS]))
    s.target.hold = true
    s.daemon.start()
    await s.clock.advance(0)
    expect(s.target.calls).toHaveLength(1)
    await s.daemon.stop()
    expect(s.entries().map((e) => `${e.kind}:${e.outcome ?? e.reason}`)).toEqual([
      'event:DaemonStarted',
      'decision:scale',
      'action:aborted',
      'event:DaemonStopped',
    ])
    expect(s.target.closed).toBe(true)
    expect(s.port.calls.close).toBe(1)
    await s.clock.advance(5_000)
    expect(s.port.calls.listGroups).toBe(1)
  })
})

describe('daemon HTTP', () => {
  it('is not ready before the first snapshot, and ready (standalone) after it', async () => {
    const s = await setup(config([ORDERS]))
    const before = await s.daemon.app.inject({ url: '/readyz' })
    expect(before.statusCode).toBe(503)
    expect(before.json()).toMatchObject({ ready: false, role: 'standalone' })
    await tick(s)
    const after = await s.daemon.app.inject({ url: '/readyz' })
    expect(after.statusCode).toBe(200)
    expect(after.json()).toMatchObject({
      ready: true,
      role: 'standalone',
      clusters: [{ cluster: '127.0.0.1:9092', scalers: ['orders'], ready: true, lastError: null }],
    })
    expect((await s.daemon.app.inject({ url: '/healthz' })).statusCode).toBe(200)
  })

  it('serves the scalers with their last decision and the journal through the API', async () => {
    const s = await setup(config([ORDERS]))
    await tick(s)
    const scalers = (await s.daemon.app.inject({ url: '/api/v1/scalers' })).json()
    expect(scalers).toMatchObject({
      role: 'standalone',
      scalers: [
        {
          name: 'orders',
          target: 'fake orders',
          group: 'orders',
          topics: ['orders'],
          replicas: { desired: 1 },
          lastDecision: {
            current: 1,
            desired: 4,
            reason: 'DesiredWithinRange',
            totalLag: 40,
            outcome: 'scale',
          },
          lastAction: { from: 1, to: 4, outcome: 'applied' },
          actionInFlight: null,
        },
      ],
    })
    const decisions = (await s.daemon.app.inject({ url: '/api/v1/decisions?scaler=orders&limit=1' })).json()
    expect(decisions).toMatchObject({ entries: [{ kind: 'action', outcome: 'applied' }] })
    expect(decisions.next).toBeTypeOf('number')
  })
})

describe('createDaemon input errors', () => {
  const rows = [
    { name: 'a config with nothing to do', cfg: () => parseConfig('scalers: []\n').config, field: 'scalers' },
    {
      name: 'a password variable that is not set',
      cfg: () =>
        config([
          {
            name: 'orders',
            extra: 'pollingInterval: 1',
            servers:
              '127.0.0.1:9092\n        sasl: scram_sha512\n        username: u\n        passwordFromEnv: NOT_SET_ANYWHERE',
          },
        ]),
      field: 'scalers[0].trigger.metadata.passwordFromEnv',
    },
  ]
  for (const row of rows) {
    it(`refuses ${row.name}, naming the field`, async () => {
      const err = await createDaemon(row.cfg(), { env: {}, openAdminPort: () => new FakeAdminPort() }).catch(
        (e) => e,
      )
      expect(AutopilotError.is(err)).toBe(true)
      expect(err.code).toBe('AP_ERR_CONFIG')
      expect(err.field).toBe(row.field)
    })
  }
})
