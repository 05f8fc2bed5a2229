// Health-watch alerts through the runner (AlertRunner.ingest): the same engine as webhook alerts (rules by
// label, the command annotation, dedupe, re-arm on resolve) and the same journal, with source health-watch.
import { afterEach, describe, expect, it } from 'vitest'
import { parsePayload } from '../../src/alerts/payload.ts'
import { AlertRunner } from '../../src/alerts/runner.ts'
import { emptyHealthState, evaluateHealth, type HealthSnapshot } from '../../src/analyzer/health/index.ts'
import { alerts } from '../../src/config/alerts.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from './fixtures.ts'

const T0 = Date.parse('2026-11-23T07:00:00Z')
const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

const DOWN: HealthSnapshot = {
  brokers: [1, 2],
  partitions: [{ topic: 'orders', partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2] }],
}
const HEALTHY: HealthSnapshot = {
  brokers: [1, 2, 3],
  partitions: [{ topic: 'orders', partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }],
}

function setup(section: unknown) {
  const journal = new SqliteJournal({ path: ':memory:' })
  open.push(journal)
  const started: string[] = []
  const runner = new AlertRunner({
    config: alerts.unwrap().parse(section),
    journal,
    now: () => T0,
    brokerActions: {
      upScale: async (a) => {
        started.push(`${a.action} ${a.target} ${a.alertname}`)
        return { ok: true, message: 'ok' }
      },
    },
  })
  open.push(runner)
  return { journal, runner, started }
}

const fire = (actions = {}) =>
  evaluateHealth(DOWN, emptyHealthState(), T0, { cluster: 'local', forMs: 0, actions })

describe('AlertRunner.ingest', () => {
  it('without a rule or command: journaled as received and not acted on, with source health-watch', () => {
    const { journal, runner } = setup({ mode: 'auto' })
    const summary = runner.ingest(fire().alerts, 'health-watch')
    expect(summary).toEqual({ accepted: 0, duplicates: 0, rejected: 2, actions: [] })
    const entries = journal.list({}).reverse()
    expect(entries.map((e) => `${e.reason} ${(e.inputs as { source?: string }).source}`)).toEqual([
      'AlertFiring health-watch',
      'NoActionForAlert health-watch',
      'AlertFiring health-watch',
      'NoActionForAlert health-watch',
    ])
    expect(runner.actions()).toEqual([])
  })

  it('a rule matching the labels acts once; the re-send is a duplicate; resolved re-arms', async () => {
    const { journal, runner, started } = setup({
      mode: 'auto',
      rules: [
        {
          name: 'heal',
          match: { alertname: 'UnderReplicatedPartitions', source: 'autopilot' },
          action: 'upScale',
        },
      ],
    })
    const first = fire()
    expect(runner.ingest(first.alerts, 'health-watch')).toMatchObject({ accepted: 1, rejected: 1 })
    await runner.idle()
    expect(started).toEqual(['upScale upScale local UnderReplicatedPartitions'])
    expect(runner.ingest(first.alerts, 'health-watch')).toMatchObject({ duplicates: 2, accepted: 0 })
    const resolved = evaluateHealth(HEALTHY, first.state, T0 + 1000, { cluster: 'local', forMs: 0 })
    expect(resolved.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved'])
    runner.ingest(resolved.alerts, 'health-watch')
    const reasons = journal.list({}).map((e) => e.reason)
    expect(reasons).toContain('AlertResolved')
    const started_ = journal.list({}).find((e) => e.reason === 'ActionStarted')!
    expect(started_.inputs).toMatchObject({ source: 'health-watch', actionId: 'a1' })
  })

  it('the command annotation configured for a condition asks for its action', async () => {
    const { runner, started } = setup({ mode: 'auto' })
    runner.ingest(fire({ UnderReplicatedPartitions: 'upScale' }).alerts, 'health-watch')
    await runner.idle()
    expect(started).toEqual(['upScale upScale local UnderReplicatedPartitions'])
  })

  it('webhook alerts are journaled without a source, as before', () => {
    const { journal, runner } = setup({ mode: 'auto' })
    runner.receive(parsePayload(firingWebhook(), T0))
    runner.ingest(fire().alerts, 'health-watch')
    const sources = journal.list({}).map((e) => (e.inputs as { source?: string }).source)
    expect(sources.filter((s) => s === undefined).length).toBeGreaterThan(0)
    expect(sources.filter((s) => s === 'health-watch')).toHaveLength(4)
  })
})
