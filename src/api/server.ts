// The daemon's HTTP API: one fastify instance, one plugin per route group (encapsulated), one error
// handler. Built without listening, so tests use app.inject(); the daemon calls listen().
import Fastify, { type FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import type { LagSource } from '../monitor/lag-collector.ts'
import { type AlertsPluginOptions, alertsPlugin } from './alerts.ts'
import { dashboardPlugin } from './dashboard.ts'
import { type DecisionsPluginOptions, decisionsPlugin } from './decisions.ts'
import { installErrorHandling } from './errors.ts'
import { type HealthPluginOptions, healthPlugin } from './health.ts'
import { metricsPlugin } from './metrics.ts'
import { type ScalersPluginOptions, scalersPlugin } from './scalers.ts'

export interface ApiOptions extends HealthPluginOptions, ScalersPluginOptions, DecisionsPluginOptions {
  /** Holds the daemon's metrics; the lag metrics are added to it. */
  registry: Registry
  lag: LagSource
  /** Lag series are dropped when the last snapshot is older than this. */
  staleAfterMs: number
  now?: () => number
  /** Self-healing: POST /alerts and /api/v1/actions, when the config has an `alerts` section. */
  alerts?: AlertsPluginOptions
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  installErrorHandling(app)
  await app.register(metricsPlugin, {
    registry: options.registry,
    source: options.lag,
    staleAfterMs: options.staleAfterMs,
    ...(options.now ? { now: options.now } : {}),
  })
  await app.register(healthPlugin, { readiness: options.readiness })
  await app.register(scalersPlugin, { prefix: '/api/v1', scalers: options.scalers, role: options.role })
  await app.register(decisionsPlugin, { prefix: '/api/v1', journal: options.journal })
  if (options.alerts) await app.register(alertsPlugin, options.alerts)
  await app.register(dashboardPlugin, { journal: options.journal, scalers: options.scalers })
  return app
}
