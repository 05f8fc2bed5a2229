// Parses what arrives on POST /alerts into normalised alerts. Two shapes are accepted:
// - an Alertmanager webhook (`version: "4"`, `alerts: [...]` each with status and fingerprint);
// - the raw array Prometheus posts to an Alertmanager (`POST /api/v2/alerts`): no status, no fingerprint.
//   Status follows Prometheus' rule (resolved iff endsAt is set and in the past); the fingerprint is computed
//   from the sorted label set (our own hash, stable across posts; not Alertmanager's FNV value).
// The envelope failing is a 400 naming the field; one bad alert inside a good envelope is rejected alone.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Alert } from '../analyzer/actions/types.ts'
import { AutopilotError } from '../errors.ts'

const labelMap = z.record(z.string().max(1024), z.string().max(16_384), { error: 'must be a map of strings' })

const webhookAlert = z.object({
  status: z.enum(['firing', 'resolved'], { error: 'must be firing or resolved' }),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1, { error: 'must not be empty' }).max(128).optional(),
})

const postableAlert = z.object({
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
})

const webhookEnvelope = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook version)' }),
  status: z.enum(['firing', 'resolved'], { error: 'must be firing or resolved' }).optional(),
  alerts: z.array(z.unknown(), { error: 'must be a list of alerts' }).max(10_000),
})

export interface RejectedAlert {
  index: number
  field: string
  message: string
}

export interface ParsedPayload {
  shape: 'alertmanager-webhook' | 'prometheus-alerts'
  alerts: Alert[]
  rejected: RejectedAlert[]
}

/** The Go zero time Alertmanager sends for "no end". */
const ZERO_TIME = '0001-01-01T00:00:00Z'

export function fingerprintOf(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001')
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

function fieldOf(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`),
    prefix,
  )
}

export function parsePayload(body: unknown, now: number): ParsedPayload {
  if (Array.isArray(body)) {
    if (body.length > 10_000)
      throw new AutopilotError('AP_ERR_INPUT', 'more than 10000 alerts in one post', { field: 'body' })
    const out: ParsedPayload = { shape: 'prometheus-alerts', alerts: [], rejected: [] }
    body.forEach((raw, index) => {
      const parsed = postableAlert.safeParse(raw)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        out.rejected.push({ index, field: fieldOf(`[${index}]`, issue.path), message: issue.message })
        return
      }
      const a = parsed.data
      const end = a.endsAt === undefined || a.endsAt === ZERO_TIME ? Number.NaN : Date.parse(a.endsAt)
      out.alerts.push({
        fingerprint: fingerprintOf(a.labels),
        status: Number.isFinite(end) && end <= now ? 'resolved' : 'firing',
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
      })
    })
    return out
  }
  if (typeof body !== 'object' || body === null) {
    throw new AutopilotError(
      'AP_ERR_INPUT',
      'body must be an Alertmanager webhook object or a list of alerts',
      {
        field: 'body',
        hint: 'send application/json: {"version":"4","alerts":[…]} or [{"labels":{…}}]',
      },
    )
  }
  const envelope = webhookEnvelope.safeParse(body)
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!
    const field = fieldOf('', issue.path).replace(/^\./, '') || 'body'
    throw new AutopilotError('AP_ERR_INPUT', `${field} ${issue.message}`, {
      field,
      hint: 'an Alertmanager webhook payload has version "4" and alerts: [...]',
    })
  }
  const out: ParsedPayload = { shape: 'alertmanager-webhook', alerts: [], rejected: [] }
  envelope.data.alerts.forEach((raw, index) => {
    const parsed = webhookAlert.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      out.rejected.push({ index, field: fieldOf(`alerts[${index}]`, issue.path), message: issue.message })
      return
    }
    const a = parsed.data
    out.alerts.push({
      fingerprint: a.fingerprint ?? fingerprintOf(a.labels),
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
    })
  })
  return out
}
