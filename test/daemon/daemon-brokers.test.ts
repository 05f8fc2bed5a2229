// The daemon wires the broker actions to the `clusters:` section: an alert for a cluster that is not
// configured fails clearly, and the broker count read from the cluster's metadata feeds maxBrokers.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type DaemonDeps } from '../../src/daemon/daemon.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from '../alerts/fixtures.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'
import { FakeClock } from './fake-clock.ts'
import { config, FakeElector, FakeTarget, fakeRecovery } from './fakes.ts'

const T0 = Date.parse('2026-11-23T03:41:00Z')
const stops: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s()
})

/** A cluster whose broker 2 is gone: its partition is under-replicated. */
class DegradedPort extends FakeAdminPort {
  // the fake's stub throws; the watch reads ongoing reassignments when the port has them
  override listPartitionReassignments =
    (async () => []) as unknown as FakeAdminPort['listPartitionReassignments']
  override async metadata() {
    const md = await super.metadata()
    return {
      ...md,
      topics: [
        {
          name: 't',
          id: 't',
          internal: false,
          partitions: [{ partition: 0, leader: 1, replicas: [1, 2], isr: [1], offlineReplicas: [2] }],
        },
      ],
    }
  }
}

async function daemonWith(top: string, degraded = false, extra: Partial<DaemonDeps> = {}) {
  const clock = new FakeClock(T0)
  const journal = new SqliteJournal({ path: ':memory:', now: () => clock.now() })
  stops.push(() => journal.close())
  const ports: FakeAdminPort[] = []
  const daemon = await createDaemon(config([{ name: 'orders' }], top), {
    clock,
    journal,
    env: {},
    openAdminPort: () => {
      const port = degraded && ports.length > 0 ? new DegradedPort() : new FakeAdminPort()
      ports.push(port)
      return port
    },
    createTarget: () => new FakeTarget('orders', 1),
    ...extra,
  })
  stops.push(() => daemon.stop())
  return { daemon, journal, ports }
}

const CLUSTER = (name: string) =>
  `clusters:\n  ${name}: { bootstrapServers: "127.0.0.1:19092", backend: { type: local, dir: .stack/none } }\n`

describe('daemon broker actions', () => {
  it('an upScale for a cluster that is not configured fails, naming the configured ones', async () => {
    const { daemon, journal } = await daemonWith(`alerts: { mode: auto }\n${CLUSTER('dev')}`)
    const res = await daemon.app.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    expect(res.statusCode).toBe(200)
    await vi.waitFor(() => {
      const failed = journal.list({ limit: 20 }).find((e) => e.outcome === 'failed')
      expect(failed?.message).toMatch(/no cluster "local" in the config \(clusters: dev\)/)
    })
  })
  it('the broker count of the configured cluster feeds maxBrokers; the ports are closed at the stop', async () => {
    const { daemon, journal, ports } = await daemonWith(
      `alerts: { mode: auto, maxBrokers: 1 }\n${CLUSTER('local')}`,
    )
    // one port for the scalers' cluster, one for clusters.local (recovery opens its own at the start)
    expect(ports).toHaveLength(2)
    daemon.start()
    await vi.waitFor(() => expect(ports[1]!.calls.metadata).toBeGreaterThan(0))
    await daemon.app.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    const entries = journal.list({ limit: 20 }).map((e) => e.message)
    expect(entries.some((m) => /1 brokers, maxBrokers is 1/.test(m))).toBe(true)
    await daemon.stop()
    expect(ports[1]!.calls.close).toBe(1)
  })
  it('alerts.healthWatch: one watch per configured cluster feeds its alerts to the runner, stopped at the stop', async () => {
    const { daemon, journal } = await daemonWith(
      `alerts:\n  mode: dry-run\n  healthWatch: { intervalSeconds: 1, forSeconds: 0, actions: { UnderReplicatedPartitions: upScale } }\n${CLUSTER('local')}`,
      true,
    )
    daemon.start()
    await vi.waitFor(() => {
      const planned = journal.list({ limit: 50 }).find((e) => e.reason === 'DryRun')
      expect(planned?.message).toMatch(/would run upScale on upScale local/)
    })
    await daemon.stop()
  })

  it("an upScale arriving while the cluster's restart recovery runs waits for it, then runs", async () => {
    const recovery = fakeRecovery()
    const { daemon, journal } = await daemonWith(`alerts: { mode: auto }\n${CLUSTER('local')}`, false, {
      startRecovery: recovery.start,
    })
    daemon.start()
    await daemon.app.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    const messages = () => journal.list({ limit: 50 }).map((e) => e.message)
    await vi.waitFor(() =>
      expect(messages().some((m) => /waiting for the restart recovery of cluster local/.test(m))).toBe(true),
    )
    // nothing of the operation ran: no step after the wait, no outcome
    await new Promise((r) => setTimeout(r, 50))
    const before = journal.list({ limit: 50 })
    expect(before.some((e) => e.outcome === 'failed' || e.outcome === 'applied')).toBe(false)
    recovery.runs[0]!.end('local')
    await vi.waitFor(() =>
      expect(messages().some((m) => /waited \d+ s for the restart recovery of cluster local/.test(m))).toBe(
        true,
      ),
    )
    // then the operation itself ran (this fake cluster has no stack, so it ends failed, but it was tried)
    await vi.waitFor(() => expect(journal.list({ limit: 50 }).some((e) => e.outcome === 'failed')).toBe(true))
  })
  it('with leader election, the restart recovery runs only while this replica leads', async () => {
    const recovery = fakeRecovery()
    const elector = new FakeElector()
    const { daemon } = await daemonWith(CLUSTER('local'), false, { startRecovery: recovery.start, elector })
    daemon.start()
    await new Promise((r) => setImmediate(r))
    expect(recovery.runs).toHaveLength(0)
    elector.set(true)
    await vi.waitFor(() => expect(recovery.runs).toHaveLength(1))
    elector.set(false, 'pod-b')
    await vi.waitFor(() => expect(recovery.runs[0]!.stopped).toBe(true))
    await daemon.stop()
    expect(recovery.runs).toHaveLength(1)
  })
  it('a self-healing-only config (clusters and alerts, no scalers) runs: it takes alerts and acts on the cluster', async () => {
    const clock = new FakeClock(T0)
    const journal = new SqliteJournal({ path: ':memory:', now: () => clock.now() })
    stops.push(() => journal.close())
    const recovery = fakeRecovery()
    const text = `alerts: { mode: dry-run }\n${CLUSTER('local')}`
    const daemon = await createDaemon(parseConfig(text, 'test.yaml').config, {
      clock,
      journal,
      env: {},
      openAdminPort: () => new FakeAdminPort(),
      startRecovery: recovery.start,
    })
    stops.push(() => daemon.stop())
    expect(daemon.controllers).toEqual([])
    daemon.start()
    await vi.waitFor(() => expect(recovery.runs).toHaveLength(1))
    recovery.runs[0]!.end('local')
    expect(daemon.readiness()).toMatchObject({ ready: true, clusters: [] })
    await daemon.app.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    await vi.waitFor(() => {
      const planned = journal.list({ limit: 50 }).find((e) => e.reason === 'DryRun')
      expect(planned?.message).toMatch(/would run upScale/)
    })
    expect((await daemon.app.inject({ url: '/api/v1/scalers' })).statusCode).toBe(200)
  })
})
