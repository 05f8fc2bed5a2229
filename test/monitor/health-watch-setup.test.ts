// The daemon's health watch: alerts reach the runner and its journal with source health-watch, read failures
// are journaled at the start of an outage and then at most every ERROR_EVERY_MS, and the recovery once.
import { afterEach, describe, expect, it } from 'vitest'
import { AlertRunner } from '../../src/alerts/runner.ts'
import { alerts } from '../../src/config/alerts.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import type { ClusterMetadata } from '../../src/kafka/port.ts'
import { createDaemonHealthWatch, ERROR_EVERY_MS } from '../../src/monitor/health-watch-setup.ts'

const T0 = Date.parse('2026-11-23T07:00:00Z')
const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

const DOWN: ClusterMetadata = {
  clusterId: 'c',
  controllerId: 1,
  brokers: [1, 2].map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
  topics: [
    {
      name: 'orders',
      id: 'x',
      internal: false,
      partitions: [{ partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], offlineReplicas: [] }],
    },
  ],
}

function setup(section: unknown, answers: Array<ClusterMetadata | Error>) {
  const config = alerts.unwrap().parse(section)
  const journal = new SqliteJournal({ path: ':memory:' })
  open.push(journal)
  let t = T0
  const runner = new AlertRunner({
    config,
    journal,
    now: () => t,
    brokerActions: { upScale: async () => ({ ok: true, message: 'would add broker 4' }) },
  })
  open.push(runner)
  let calls = 0
  const watch = createDaemonHealthWatch({
    cluster: 'local',
    admin: {
      metadata: async () => {
        const a = answers[Math.min(calls++, answers.length - 1)]!
        if (a instanceof Error) throw a
        return a
      },
    },
    settings: config.healthWatch,
    runner,
    journal,
    now: () => t,
  })
  return { journal, runner, watch, at: (ms: number) => (t = T0 + ms) }
}

describe('createDaemonHealthWatch', () => {
  it('is null without alerts.healthWatch or when it is disabled', () => {
    expect(setup({}, [DOWN]).watch).toBeNull()
    expect(setup({ healthWatch: { enabled: false } }, [DOWN]).watch).toBeNull()
  })

  it('hands its alerts to the runner: a rule on its labels acts, journaled with source health-watch', async () => {
    const { journal, runner, watch, at } = setup(
      {
        mode: 'dry-run',
        healthWatch: { forSeconds: 30 },
        rules: [
          { name: 'heal', match: { alertname: 'BrokerOffline', source: 'autopilot' }, action: 'upScale' },
        ],
      },
      [DOWN],
    )
    at(0)
    await watch!.poll()
    expect(runner.actions()).toEqual([])
    at(30_000)
    await watch!.poll()
    await runner.idle()
    expect(runner.actions().map((a) => `${a.action} ${a.target} ${a.alertname} ${a.state}`)).toEqual([
      'upScale upScale local BrokerOffline planned',
    ])
    // the dry run's plan (DryRunPlanned) is journaled by the action, after the alerts
    const entries = journal
      .list({})
      .reverse()
      .filter((e) => e.reason !== 'DryRunPlanned')
    expect(entries.map((e) => e.reason)).toEqual([
      'AlertFiring',
      'RuleMatched',
      'DryRun',
      'AlertFiring',
      'NoActionForAlert',
    ])
    expect(entries.every((e) => (e.inputs as { source?: string }).source === 'health-watch')).toBe(true)
  })

  it('read failures: the first journaled, then one per ERROR_EVERY_MS, then the recovery; nothing resolves', async () => {
    const fail = new Error('connect ECONNREFUSED 127.0.0.1:9092')
    const { journal, watch, at } = setup({ healthWatch: { forSeconds: 0 } }, [
      DOWN,
      fail,
      fail,
      fail,
      fail,
      DOWN,
    ])
    const times = [
      0,
      10_000,
      20_000,
      10_000 + ERROR_EVERY_MS - 1,
      10_000 + ERROR_EVERY_MS,
      10_000 + ERROR_EVERY_MS + 5,
    ]
    for (const ms of times) {
      at(ms)
      await watch!.poll()
    }
    const health = journal
      .list({ scaler: 'health-watch' })
      .reverse()
      .map((e) => `${e.reason} ${JSON.stringify(e.inputs)}`)
    expect(health).toEqual([
      'HealthWatchReadFailed {"consecutiveFailures":1,"source":"health-watch"}',
      'HealthWatchReadFailed {"consecutiveFailures":4,"source":"health-watch"}',
      'HealthWatchReadRecovered {"failures":4,"source":"health-watch"}',
    ])
    expect(journal.list({}).filter((e) => e.reason === 'AlertResolved')).toEqual([])
  })

  it('after a restart, what the last run left firing and is gone is resolved (re-armed), what still holds is not', async () => {
    const section = {
      mode: 'dry-run',
      cooldownSeconds: 0,
      healthWatch: { forSeconds: 0 },
      rules: [{ name: 'heal', match: { source: 'autopilot' }, action: 'upScale' }],
    }
    const config = alerts.unwrap().parse(section)
    const journal = new SqliteJournal({ path: ':memory:' })
    open.push(journal)
    const HEALTHY: ClusterMetadata = {
      ...DOWN,
      brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
      topics: [{ ...DOWN.topics[0]!, partitions: [{ ...DOWN.topics[0]!.partitions[0]!, isr: [1, 2, 3] }] }],
    }
    const URP_ONLY: ClusterMetadata = { ...HEALTHY, topics: DOWN.topics }
    const run = async (metadata: ClusterMetadata, at: number) => {
      const runner = new AlertRunner({ config, journal, now: () => T0 + at })
      open.push(runner)
      const watch = createDaemonHealthWatch({
        cluster: 'local',
        admin: { metadata: async () => metadata },
        settings: config.healthWatch,
        runner,
        journal,
        now: () => T0 + at,
      })!
      await watch.poll()
      return runner
    }
    const first = await run(DOWN, 0)
    expect(first.trackedFingerprints('autopilot/local/').sort()).toEqual([
      'autopilot/local/BrokerOffline/3',
      'autopilot/local/UnderReplicatedPartitions',
    ])
    await first.close()
    // restart: broker 3 is back in the metadata, the partition is still under-replicated
    const second = await run(URP_ONLY, 60_000)
    expect(second.trackedFingerprints('autopilot/local/')).toEqual([
      'autopilot/local/UnderReplicatedPartitions',
    ])
    const resolved = journal.list({}).filter((e) => e.reason === 'AlertResolved')
    expect(resolved.map((e) => (e.inputs as { fingerprint: string }).fingerprint)).toEqual([
      'autopilot/local/BrokerOffline/3',
    ])
    // the URP alert fired again on the first read: a duplicate of the remembered one, no second action (in the
    // first run it joined the BrokerOffline dry run, same target)
    expect(second.actions()).toHaveLength(1)
  })
})
