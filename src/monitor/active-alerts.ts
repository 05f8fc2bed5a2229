// Reads the alerts an Alertmanager holds (GET /api/v2/alerts), for `autopilot verify`. A failure to read is
// returned as an error string, not thrown: verify reports it as a failed check next to the Kafka checks.
import { z } from 'zod'
import type { ActiveAlert } from '../analyzer/verify/types.ts'
import { AutopilotError } from '../errors.ts'

// The fields of Alertmanager's v2 `gettableAlert` that verify uses; others are ignored.
const alertList = z.array(
  z.object({
    labels: z.record(z.string(), z.string()),
    status: z.object({ state: z.string() }),
    startsAt: z.string().optional(),
  }),
)

export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{
  ok: boolean
  status: number
  json(): Promise<unknown>
}>

export function alertsUrl(base: string): string {
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw new AutopilotError('AP_ERR_USAGE', `--alertmanager ${base} is not a URL`, {
      field: '--alertmanager',
      hint: 'e.g. http://127.0.0.1:9093',
    })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AutopilotError('AP_ERR_USAGE', `--alertmanager must be http or https, not ${url.protocol}`, {
      field: '--alertmanager',
    })
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`
}

export async function readActiveAlerts(
  base: string,
  options: { fetch?: FetchLike; timeoutMs?: number } = {},
): Promise<{ alerts: ActiveAlert[] } | { error: string }> {
  const url = alertsUrl(base)
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike)
  try {
    const response = await doFetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      headers: { accept: 'application/json' },
    })
    if (!response.ok) return { error: `${url} answered HTTP ${response.status}` }
    const parsed = alertList.safeParse(await response.json())
    if (!parsed.success) return { error: `${url} did not answer with an Alertmanager v2 alert list` }
    return {
      alerts: parsed.data.map((a) => ({
        name: a.labels.alertname ?? '(no alertname)',
        state: a.status.state,
        labels: a.labels,
        startsAt: a.startsAt ?? null,
      })),
    }
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError'
        ? 'timed out'
        : err instanceof Error
          ? err.cause instanceof Error
            ? err.cause.message
            : err.message
          : String(err)
    return { error: `${url}: ${reason}` }
  }
}
