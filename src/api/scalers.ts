// GET /api/v1/scalers: every scaler's current state and last decision (with its reason) and action.
// GET /api/v1/scalers/:name: one of them, 404 when there is no such scaler.
import type { FastifyInstance } from 'fastify'
import type { Role, ScalerStatus } from '../daemon/status.ts'
import { AutopilotError } from '../errors.ts'

export interface ScalersPluginOptions {
  scalers: () => ScalerStatus[]
  role: () => Role
}

export async function scalersPlugin(app: FastifyInstance, options: ScalersPluginOptions): Promise<void> {
  app.get('/scalers', async () => ({ role: options.role(), scalers: options.scalers() }))
  app.get<{ Params: { name: string } }>('/scalers/:name', async (request) => {
    const found = options.scalers().find((s) => s.name === request.params.name)
    if (!found) {
      throw new AutopilotError('AP_ERR_NOT_FOUND', `no scaler named ${JSON.stringify(request.params.name)}`, {
        field: 'name',
        hint: 'GET /api/v1/scalers lists them',
      })
    }
    return found
  })
}
