// The daemon serves the alerts API when the config has an `alerts` section, and refuses to start when that
// API would listen beyond loopback without authentication.
import { afterEach, describe, expect, it } from 'vitest'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { AutopilotError } from '../../src/errors.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from '../alerts/fixtures.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'
import { FakeClock } from './fake-clock.ts'
import { config, FakeTarget } from './fakes.ts'

const T0 = Date.parse('2026-11-23T03:41:00Z')
const stops: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s()
})

const deps = (journal: SqliteJournal, clock: FakeClock) => ({
  clock,
  journal,
  env: {},
  openAdminPort: () => new FakeAdminPort(),
  createTarget: () => new FakeTarget('orders', 1),
})

describe('daemon alerts API', () => {
  it('POST /alerts is served and journaled when the config has alerts', async () => {
    const clock = new FakeClock(T0)
    const journal = new SqliteJournal({ path: ':memory:', now: () => clock.now() })
    stops.push(() => journal.close())
    const daemon: Daemon = await createDaemon(
      config([{ name: 'orders', extra: 'pollingInterval: 1' }], 'alerts: { mode: dry-run }'),
      deps(journal, clock),
    )
    stops.push(() => daemon.stop())
    const res = await daemon.app.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    expect(res.statusCode).toBe(200)
    expect(journal.list({ limit: 10 }).map((e) => e.reason)).toContain('DryRun')
  })
  it('without an alerts section there is no /alerts route', async () => {
    const clock = new FakeClock(T0)
    const journal = new SqliteJournal({ path: ':memory:' })
    stops.push(() => journal.close())
    const daemon = await createDaemon(
      config([{ name: 'orders', extra: 'pollingInterval: 1' }]),
      deps(journal, clock),
    )
    stops.push(() => daemon.stop())
    expect(
      (await daemon.app.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })).statusCode,
    ).toBe(404)
  })
  it('refuses an unauthenticated alerts API on 0.0.0.0, naming alerts.auth', async () => {
    const clock = new FakeClock(T0)
    const journal = new SqliteJournal({ path: ':memory:' })
    stops.push(() => journal.close())
    const err = await createDaemon(
      config(
        [{ name: 'orders', extra: 'pollingInterval: 1' }],
        'alerts: { mode: auto }\nserver: { host: 0.0.0.0 }',
      ),
      deps(journal, clock),
    ).catch((e) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFIG', field: 'alerts.auth' })
  })
})
