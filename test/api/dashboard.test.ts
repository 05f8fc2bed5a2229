// The dashboard plugin: the page and its assets are served offline (uPlot from node_modules), and
// /api/v1/timeseries turns journaled decisions into columns, incrementally, within the ring buffer's capacity.
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { pointFromDecision, RingBuffer } from '../../src/api/dashboard/timeseries.ts'
import { dashboardPlugin } from '../../src/api/dashboard.ts'
import { installErrorHandling } from '../../src/api/errors.ts'
import type { ScalerStatus } from '../../src/daemon/status.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'

const status = (name: string): ScalerStatus => ({
  name,
  target: `process ${name}`,
  group: 'g',
  topics: ['t'],
  cluster: '127.0.0.1:9092',
  pollingIntervalSeconds: 2,
  minReplicaCount: 0,
  maxReplicaCount: 6,
  replicas: null,
  lastDecision: null,
  lastAction: null,
  actionInFlight: null,
  error: null,
  throughputPerReplica: null,
})

function decision(journal: SqliteJournal, scaler: string, at: number, lag: number, current = 1, desired = 1) {
  journal.append({
    at,
    kind: 'decision',
    scaler,
    reason: 'DesiredWithinRange',
    message: 'm',
    outcome: current === desired ? 'hold' : 'scale',
    inputs: {
      current,
      desired,
      replicas: { desired: current, current, ready: current },
      lag: { totalLag: lag },
      rates: { production: 100, consumption: 90, lagSeconds: lag / 100 },
    },
  })
}

async function app(capacity = 5) {
  const journal = new SqliteJournal({ path: ':memory:' })
  const a = Fastify()
  installErrorHandling(a)
  await a.register(dashboardPlugin, { journal, scalers: () => [status('orders'), status('audit')], capacity })
  a.addHook('onClose', async () => journal.close())
  return { a, journal }
}

describe('RingBuffer', () => {
  it.each([
    { name: 'under capacity keeps everything', capacity: 3, pushed: [1, 2], limit: undefined, want: [1, 2] },
    {
      name: 'over capacity drops the oldest',
      capacity: 3,
      pushed: [1, 2, 3, 4, 5],
      limit: undefined,
      want: [3, 4, 5],
    },
    { name: 'limit returns the newest', capacity: 3, pushed: [1, 2, 3, 4], limit: 2, want: [3, 4] },
    { name: 'empty', capacity: 2, pushed: [], limit: 5, want: [] },
  ])('$name', ({ capacity, pushed, limit, want }) => {
    const b = new RingBuffer<number>(capacity)
    for (const v of pushed) b.push(v)
    expect(b.toArray(limit)).toEqual(want)
    expect(b.last()).toBe(want.at(-1))
  })

  it('refuses a capacity below 1', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError)
  })
})

describe('pointFromDecision', () => {
  it.each([
    {
      name: 'a readable decision',
      inputs: {
        current: 2,
        desired: 4,
        replicas: { desired: 2, current: 2, ready: 1 },
        lag: { totalLag: 5000 },
        rates: { production: 2000, consumption: 300, lagSeconds: 3.5 },
      },
      want: {
        productionRate: 2000,
        consumptionRate: 300,
        lag: 5000,
        lagSeconds: 3.5,
        current: 2,
        desired: 4,
        ready: 1,
      },
    },
    {
      name: 'lag unreadable: nulls, never NaN',
      inputs: { current: 2, desired: 2, replicas: null, lag: null, rates: { production: null } },
      want: {
        productionRate: null,
        consumptionRate: null,
        lag: null,
        lagSeconds: null,
        current: 2,
        desired: 2,
        ready: null,
      },
    },
    {
      name: 'no inputs at all',
      inputs: null,
      want: {
        productionRate: null,
        consumptionRate: null,
        lag: null,
        lagSeconds: null,
        current: null,
        desired: null,
        ready: null,
      },
    },
  ])('$name', ({ inputs, want }) => {
    expect(pointFromDecision({ at: 7, inputs })).toEqual({ at: 7, ...want })
  })
})

describe('dashboard plugin', () => {
  it.each([
    { url: '/', type: 'text/html', contains: 'chart-replicas' },
    { url: '/dashboard/app.js', type: 'text/javascript', contains: '/api/v1/timeseries' },
    { url: '/dashboard/app.css', type: 'text/css', contains: '.charts' },
    { url: '/dashboard/vendor/uPlot.min.js', type: 'text/javascript', contains: 'uPlot' },
    { url: '/dashboard/vendor/uPlot.min.css', type: 'text/css', contains: '.uplot' },
  ])('serves $url', async ({ url, type, contains }) => {
    const { a } = await app()
    const res = await a.inject({ url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain(type)
    expect(res.body).toContain(contains)
    await a.close()
  })

  it('fills the series from the journal incrementally, per scaler, within capacity', async () => {
    const { a, journal } = await app(5)
    decision(journal, 'orders', 1_000, 10)
    decision(journal, 'orders', 2_000, 20, 1, 3)
    decision(journal, 'audit', 2_000, 999)
    let body = (await a.inject({ url: '/api/v1/timeseries' })).json()
    expect(body).toMatchObject({ scaler: 'orders', capacity: 5, points: 2 })
    expect(body.series.at).toEqual([1_000, 2_000])
    expect(body.series.lag).toEqual([10, 20])
    expect(body.series.desired).toEqual([1, 3])
    // same millisecond as the last one read: still picked up (by id), and not twice
    decision(journal, 'orders', 2_000, 30)
    for (let i = 3; i <= 6; i++) decision(journal, 'orders', i * 1_000, i * 10)
    body = (await a.inject({ url: '/api/v1/timeseries?scaler=orders' })).json()
    expect(body.series.lag).toEqual([30, 30, 40, 50, 60])
    body = (await a.inject({ url: '/api/v1/timeseries?scaler=orders&limit=2&since=4000' })).json()
    expect(body.series.at).toEqual([5_000, 6_000])
    body = (await a.inject({ url: '/api/v1/timeseries?scaler=audit' })).json()
    expect(body.series.lag).toEqual([999])
    await a.close()
  })

  it.each([
    { name: 'unknown scaler', url: '/api/v1/timeseries?scaler=nope', status: 404, field: 'scaler' },
    { name: 'bad scaler name', url: '/api/v1/timeseries?scaler=..%2F', status: 400, field: 'scaler' },
    { name: 'limit above capacity', url: '/api/v1/timeseries?limit=6', status: 400, field: 'limit' },
    { name: 'limit not a number', url: '/api/v1/timeseries?limit=ten', status: 400, field: 'limit' },
    { name: 'negative since', url: '/api/v1/timeseries?since=-1', status: 400, field: 'since' },
    { name: 'unknown parameter', url: '/api/v1/timeseries?scalr=orders', status: 400, field: 'scalr' },
  ])('$name → $status naming $field', async ({ url, status, field }) => {
    const { a } = await app(5)
    const res = await a.inject({ url })
    expect(res.statusCode).toBe(status)
    expect(res.json().error.field).toBe(field)
    await a.close()
  })
})
