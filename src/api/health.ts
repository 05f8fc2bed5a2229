// GET /healthz: the process is alive and serving (always 200 while it can answer).
// GET /readyz: 200 once every cluster's first lag snapshot has been read, else 503; the body reports the
// leader-election role, so a Service can route to any replica while dashboards show who acts.
import type { FastifyInstance } from 'fastify'
import type { Readiness } from '../daemon/status.ts'

export interface HealthPluginOptions {
  readiness: () => Readiness
}

export async function healthPlugin(app: FastifyInstance, options: HealthPluginOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const readiness = options.readiness()
    return reply.status(readiness.ready ? 200 : 503).send(readiness)
  })
}
