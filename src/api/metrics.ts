// GET /metrics as a fastify plugin, so the exporter command and the daemon serve the same endpoint.
// The plugin reads the collector's last snapshot; collection runs on its own cadence (LagCollector).
import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import { type LagMetricsOptions, registerLagMetrics } from './lag-metrics.ts'

export interface MetricsPluginOptions extends LagMetricsOptions {
  /** Registry to add the lag metrics to (the daemon adds its own); a private one by default. */
  registry?: Registry
}

export async function metricsPlugin(app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const registry = options.registry ?? new Registry()
  registerLagMetrics(registry, options)
  app.get('/metrics', async (_request, reply) => {
    const body = await registry.metrics()
    return reply.header('content-type', registry.contentType).send(body)
  })
}
