// GET /: the dashboard, a plain HTML/JS page (no framework, no build step) with uPlot charts, served with its
// assets by this plugin so it works offline: the page and its script from ./dashboard/, uPlot's dist files
// from node_modules. GET /api/v1/timeseries?scaler=&limit=&since= feeds the charts from per-scaler ring
// buffers (./dashboard/timeseries.ts); the decisions table reads /api/v1/decisions.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { SCALER_NAME } from '../config/scaler.ts'
import type { ScalerStatus } from '../daemon/status.ts'
import { AutopilotError } from '../errors.ts'
import type { Journal } from '../journal/journal.ts'
import { TimeseriesStore, toColumns } from './dashboard/timeseries.ts'

/** Points kept per scaler: an hour at a 2 s polling interval. */
export const TIMESERIES_CAPACITY = 1_800

export interface DashboardPluginOptions {
  journal: Pick<Journal, 'list'>
  scalers: () => ScalerStatus[]
  capacity?: number
}

const ASSETS = join(import.meta.dirname, 'dashboard')
const require = createRequire(import.meta.url)

interface Asset {
  type: string
  path: string
}

/** Files served as they are; read once, on first request. */
const FILES: Record<string, Asset> = {
  '/': { type: 'text/html; charset=utf-8', path: join(ASSETS, 'index.html') },
  '/dashboard/app.js': { type: 'text/javascript; charset=utf-8', path: join(ASSETS, 'app.js') },
  '/dashboard/app.css': { type: 'text/css; charset=utf-8', path: join(ASSETS, 'app.css') },
  '/dashboard/vendor/uPlot.min.js': {
    type: 'text/javascript; charset=utf-8',
    path: require.resolve('uplot/dist/uPlot.iife.min.js'),
  },
  '/dashboard/vendor/uPlot.min.css': {
    type: 'text/css; charset=utf-8',
    path: require.resolve('uplot/dist/uPlot.min.css'),
  },
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(min, { error: `must be ≥ ${min}` })
        .max(max, { error: `must be ≤ ${max}` }),
    )

export async function dashboardPlugin(app: FastifyInstance, options: DashboardPluginOptions): Promise<void> {
  const capacity = options.capacity ?? TIMESERIES_CAPACITY
  const store = new TimeseriesStore(options.journal, capacity)
  const cache = new Map<string, Buffer>()

  for (const [url, asset] of Object.entries(FILES)) {
    app.get(url, async (_request, reply) => {
      let body = cache.get(url)
      if (!body) {
        body = readFileSync(asset.path)
        cache.set(url, body)
      }
      return reply.type(asset.type).header('cache-control', 'no-cache').send(body)
    })
  }

  // no icon: answer browsers' automatic request without a 404 in their console
  app.get('/favicon.ico', async (_request, reply) => reply.status(204).send())

  const query = z.strictObject({
    scaler: z.string().regex(SCALER_NAME, { error: 'is not a scaler name' }).optional(),
    limit: wholeNumber(1, capacity).default(capacity),
    since: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional(),
  })

  app.get('/api/v1/timeseries', async (request) => {
    const parsed = query.safeParse(request.query ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const field =
        issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : String(issue.path[0] ?? 'query')
      const message = issue.code === 'unrecognized_keys' ? 'is not a known parameter' : issue.message
      throw new AutopilotError('AP_ERR_INPUT', `query parameter ${field} ${message}`, {
        field,
        hint: `parameters: scaler (default: the first), limit (1–${capacity}), since (ms since epoch)`,
      })
    }
    const { scaler: name, limit, since } = parsed.data
    const scalers = options.scalers()
    const scaler = name === undefined ? scalers[0] : scalers.find((s) => s.name === name)
    if (!scaler) {
      throw new AutopilotError(
        'AP_ERR_NOT_FOUND',
        name === undefined ? 'no scaler is configured' : `no scaler named ${JSON.stringify(name)}`,
        { field: 'scaler', hint: 'GET /api/v1/scalers lists them' },
      )
    }
    const points = store.points(scaler.name, limit).filter((p) => since === undefined || p.at > since)
    return { scaler: scaler.name, capacity, points: points.length, series: toColumns(points) }
  })
}
