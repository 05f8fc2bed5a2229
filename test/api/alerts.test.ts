// POST /alerts through app.inject() with the exact Alertmanager v4 payload (firing, then resolved), the
// Prometheus shape on /api/v2/alerts, auth, the body limit, 4xx naming the field, journaled rejections, and
// the actions API (list, approve) with a fake broker handler.
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { ActionHandler } from '../../src/alerts/handlers.ts'
import { setupAlerts } from '../../src/alerts/setup.ts'
import { alertsPlugin } from '../../src/api/alerts.ts'
import { installErrorHandling } from '../../src/api/errors.ts'
import { type AlertsConfig, alerts } from '../../src/config/alerts.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook, resolvedWebhook } from '../alerts/fixtures.ts'

const T0 = Date.parse('2026-11-23T03:41:00Z')
const closers: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
})

async function app(raw: Record<string, unknown> = {}, handlers: Record<string, ActionHandler> = {}) {
  const journal = new SqliteJournal({ path: ':memory:', now: () => T0 })
  closers.push(() => journal.close())
  let now = T0
  const config: AlertsConfig = alerts.unwrap().parse({ mode: 'auto', ...raw })
  const options = setupAlerts(config, { journal, host: '127.0.0.1', now: () => now, brokerActions: handlers })
  closers.push(() => options.runner.close())
  const a = Fastify({ logger: false })
  installErrorHandling(a)
  await a.register(alertsPlugin, options)
  closers.push(() => a.close())
  return { app: a, journal, runner: options.runner, advance: (ms: number) => (now += ms) }
}

const reasons = (journal: SqliteJournal) =>
  journal
    .list({ limit: 1000 })
    .reverse()
    .map((e) => `${e.outcome}:${e.reason}`)

describe('POST /alerts', () => {
  it('firing then resolved: the action starts once, fails as not wired, and the alert re-arms', async () => {
    const { app: a, journal, runner } = await app()
    const first = await a.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({
      shape: 'alertmanager-webhook',
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      actions: ['a1'],
    })
    await runner.idle()
    const again = await a.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 })
    const resolved = await a.inject({ method: 'POST', url: '/alerts', payload: resolvedWebhook() })
    expect(resolved.json()).toMatchObject({ accepted: 1 })
    expect(reasons(journal)).toEqual([
      'received:AlertFiring',
      'matched:CommandAnnotation',
      'planned:Planned',
      'started:ActionStarted',
      'failed:ActionFailed',
      'received:AlertResolved',
    ])
    const failed = journal.list({ limit: 10 }).find((e) => e.reason === 'ActionFailed')!
    expect(failed.message).toContain('not wired')
    expect(failed.target).toBe('upScale local')
  })

  it('a fake broker handler succeeds and is journaled as verified', async () => {
    const {
      app: a,
      journal,
      runner,
    } = await app({}, { upScale: async () => ({ ok: true, message: 'broker 4 added' }) })
    await a.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    await runner.idle()
    expect(reasons(journal)).toContain('verified:ActionSucceeded')
    const list = await a.inject({ method: 'GET', url: '/api/v1/actions' })
    expect(list.json().actions[0]).toMatchObject({ id: 'a1', state: 'succeeded', message: 'broker 4 added' })
  })

  it('accepts the Prometheus alert array on /api/v2/alerts', async () => {
    const { app: a } = await app({ mode: 'dry-run' })
    const body = [{ labels: firingWebhook().alerts[0]!.labels, annotations: { command: 'upScale' } }]
    const res = await a.inject({ method: 'POST', url: '/api/v2/alerts', payload: body })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ shape: 'prometheus-alerts', accepted: 1 })
  })

  const bad: Array<[string, unknown, string]> = [
    ['wrong version', { ...firingWebhook(), version: '5' }, 'version'],
    ['no alerts', { version: '4' }, 'alerts'],
    ['a number', 42, 'body'],
  ]
  for (const [name, payload, field] of bad) {
    it(`${name}: 400 naming ${field}, journaled as rejected`, async () => {
      const { app: a, journal } = await app()
      const res = await a.inject({
        method: 'POST',
        url: '/alerts',
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'AP_ERR_INPUT', field })
      expect(reasons(journal)).toEqual(['rejected:InvalidAlertPayload'])
    })
  }

  it('malformed JSON is a 400 and journaled', async () => {
    const { app: a, journal } = await app()
    const res = await a.inject({
      method: 'POST',
      url: '/alerts',
      payload: '{"version":',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.statusCode).toBe(400)
    expect(reasons(journal)).toEqual(['rejected:InvalidAlertPayload'])
  })

  it('a body over the limit is a 413', async () => {
    const { app: a } = await app({ bodyLimitBytes: 1024 })
    const body = firingWebhook()
    body.alerts[0]!.annotations.summary = 'x'.repeat(2000)
    const res = await a.inject({ method: 'POST', url: '/alerts', payload: body })
    expect(res.statusCode).toBe(413)
  })

  it('an unknown command is accepted as a post but journaled as rejected', async () => {
    const { app: a, journal } = await app()
    const body = firingWebhook()
    body.alerts[0]!.annotations.command = 'rebootEverything'
    const res = await a.inject({ method: 'POST', url: '/alerts', payload: body })
    expect(res.json()).toMatchObject({ rejected: 1 })
    expect(reasons(journal)).toContain('rejected:UnknownAction')
  })
})

describe('auth', () => {
  const rows: Array<[string, Record<string, string>, number]> = [
    ['no header', {}, 401],
    ['wrong token', { authorization: 'Bearer nope' }, 403],
    ['right token', { authorization: 'Bearer tok' }, 200],
  ]
  for (const [name, headers, status] of rows) {
    it(`${name} → ${status}`, async () => {
      const { app: a } = await app({ auth: { type: 'bearer', token: 'tok' } })
      const res = await a.inject({ method: 'POST', url: '/alerts', payload: firingWebhook(), headers })
      expect(res.statusCode).toBe(status)
      if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer')
      const list = await a.inject({ method: 'GET', url: '/api/v1/actions', headers })
      expect(list.statusCode).toBe(status)
    })
  }
})

describe('approve mode', () => {
  it('the action waits, then runs when approved; approving twice is a 409, an unknown id a 404', async () => {
    let ran = 0
    const {
      app: a,
      runner,
      journal,
    } = await app(
      { mode: 'approve' },
      {
        upScale: async () => {
          ran++
          return { ok: true, message: 'ok' }
        },
      },
    )
    await a.inject({ method: 'POST', url: '/alerts', payload: firingWebhook() })
    const list = await a.inject({ method: 'GET', url: '/api/v1/actions' })
    expect(list.json()).toMatchObject({ mode: 'approve', actions: [{ id: 'a1', state: 'proposed' }] })
    expect(ran).toBe(0)
    const ok = await a.inject({ method: 'POST', url: '/api/v1/actions/a1/approve' })
    expect(ok.statusCode).toBe(200)
    await runner.idle()
    expect(ran).toBe(1)
    expect((await a.inject({ method: 'POST', url: '/api/v1/actions/a1/approve' })).statusCode).toBe(409)
    expect((await a.inject({ method: 'POST', url: '/api/v1/actions/a99/approve' })).statusCode).toBe(404)
    const bad = await a.inject({ method: 'POST', url: '/api/v1/actions/x;1/approve' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.field).toBe('id')
    expect(reasons(journal)).toContain('planned:AwaitingApproval')
    expect(reasons(journal)).toContain('planned:Approved')
  })
})
