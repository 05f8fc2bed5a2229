// GET /api/v1/decisions?scaler=&kind=&limit=&before=: journal entries, newest first, with `next` (the
// `before` of the following page; null on the last). Query parameters are validated; a bad one is a 400
// naming it. A scaler that is not (or no longer) configured simply has no entries.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { SCALER_NAME } from '../config/scaler.ts'
import { AutopilotError } from '../errors.ts'
import { JOURNAL_KINDS, type Journal } from '../journal/journal.ts'

export const MAX_API_LIMIT = 1_000

export interface DecisionsPluginOptions {
  journal: Pick<Journal, 'list'>
}

const positiveInt = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(1, { error: 'must be ≥ 1' })
        .max(max, { error: `must be ≤ ${max}` }),
    )

const query = z.strictObject({
  scaler: z.string().regex(SCALER_NAME, { error: 'is not a scaler name' }).optional(),
  kind: z.enum(JOURNAL_KINDS, { error: `must be one of ${JOURNAL_KINDS.join(', ')}` }).optional(),
  limit: positiveInt(MAX_API_LIMIT).default(100),
  before: positiveInt(Number.MAX_SAFE_INTEGER).optional(),
})

export async function decisionsPlugin(app: FastifyInstance, options: DecisionsPluginOptions): Promise<void> {
  app.get('/decisions', async (request) => {
    const parsed = query.safeParse(request.query ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const field =
        issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : String(issue.path[0] ?? 'query')
      const message = issue.code === 'unrecognized_keys' ? 'is not a known parameter' : issue.message
      throw new AutopilotError('AP_ERR_INPUT', `query parameter ${field} ${message}`, {
        field,
        hint: 'parameters: scaler, kind (decision|action|event), limit (1–1000), before (an entry id)',
      })
    }
    const { limit, ...filter } = parsed.data
    const entries = options.journal.list({ ...filter, limit })
    return { entries, next: entries.length === limit ? (entries.at(-1)?.id ?? null) : null }
  })
}
