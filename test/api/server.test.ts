// The daemon's API as one app (buildApi): every route group answers, each from its own plugin.

import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { buildApi } from '../../src/api/server.ts'
import type { Readiness, ScalerStatus } from '../../src/daemon/status.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'

const status: ScalerStatus = {
  name: 'orders',
  target: 'process orders',
  group: 'billing',
  topics: ['orders'],
  cluster: '127.0.0.1:9092',
  pollingIntervalSeconds: 5,
  minReplicaCount: 0,
  maxReplicaCount: 12,
  replicas: { desired: 3, current: 3, ready: 2 },
  lastDecision: null,
  lastAction: null,
  actionInFlight: null,
  error: null,
  throughputPerReplica: null,
}

async function app(readiness: Readiness) {
  const journal = new SqliteJournal({ path: ':memory:' })
  const a = await buildApi({
    registry: new Registry(),
    lag: {
      current: () => ({
        snapshot: null,
        health: {
          up: false,
          lastSuccessAt: null,
          lastDurationMs: null,
          lastError: null,
          collections: 0,
          failures: 0,
        },
      }),
    },
    staleAfterMs: 15_000,
    readiness: () => readiness,
    scalers: () => [status],
    role: () => readiness.role,
    journal,
  })
  a.addHook('onClose', async () => journal.close())
  return a
}

const notReady: Readiness = { ready: false, role: 'follower', leader: 'pod-b', clusters: [] }

describe('buildApi', () => {
  it('/healthz answers while the process runs, even before readiness', async () => {
    const a = await app(notReady)
    const res = await a.inject({ url: '/healthz' })
    expect([res.statusCode, res.json()]).toEqual([200, { status: 'ok' }])
    await a.close()
  })

  it('/readyz is 503 until ready and reports the role', async () => {
    const a = await app(notReady)
    const res = await a.inject({ url: '/readyz' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual(notReady)
    await a.close()
    const b = await app({ ...notReady, ready: true, role: 'leader', leader: 'pod-a' })
    expect((await b.inject({ url: '/readyz' })).statusCode).toBe(200)
    await b.close()
  })

  it('/api/v1/scalers lists, /api/v1/scalers/:name finds one or answers 404 naming the field', async () => {
    const a = await app(notReady)
    expect((await a.inject({ url: '/api/v1/scalers' })).json()).toEqual({
      role: 'follower',
      scalers: [status],
    })
    expect((await a.inject({ url: '/api/v1/scalers/orders' })).json()).toEqual(status)
    const missing = await a.inject({ url: '/api/v1/scalers/payments' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error).toMatchObject({ code: 'AP_ERR_NOT_FOUND', field: 'name' })
    await a.close()
  })

  it('/ serves the dashboard placeholder page; /metrics serves Prometheus text', async () => {
    const a = await app(notReady)
    const page = await a.inject({ url: '/' })
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.body).toContain('dashboard')
    const metrics = await a.inject({ url: '/metrics' })
    expect(metrics.headers['content-type']).toContain('text/plain')
    expect(metrics.body).toContain('autopilot_lag_collector_up 0')
    await a.close()
  })
})
