// A follower forwards the alerts it is sent to the leader, instead of dropping them: Alertmanager often posts
// through a Service that picks one pod, and would not re-send a dropped alert before its repeat_interval.
// - forwardDecision (pure): act here (we lead), forward (to the URL the leader wrote on the Lease), or answer
//   503 "unavailable". A forwarded request carries FORWARDED_BY_HEADER and is never forwarded again (loop
//   guard: a second follower answers 503, which the first passes back).
// - forwardAlerts: the same body, path, content type and credentials, POSTed with Node's fetch and a short
//   timeout; the leader's status and body come back as they are. A leader that cannot be reached (refused,
//   timed out) is "unavailable": the caller answers 503 with Retry-After, which Alertmanager's webhook notifier
//   retries (it does not retry a 4xx, and a 200 would drop the alert).
import { describeCause } from '../errors.ts'

/** On a forwarded request: the follower that forwarded it. */
export const FORWARDED_BY_HEADER = 'x-autopilot-forwarded-by'
/** On a follower's answer to a forwarded request: the leader that answered it. */
export const FORWARDED_TO_HEADER = 'x-autopilot-forwarded-to'
/** How long a follower waits for the leader's answer. */
export const FORWARD_TIMEOUT_MS = 5_000
/** Retry-After of a follower's 503: about one lease renewal, by when a new leader may be known. */
export const RETRY_AFTER_SECONDS = 5

export interface ForwardView {
  /** This replica acts (leads, or no election). */
  acting: boolean
  identity: string | null
  leader: string | null
  leaderUrl: string | null
  /** The request's FORWARDED_BY_HEADER, when it was forwarded by another replica. */
  forwardedBy: string | undefined
}

export type ForwardDecision =
  | { kind: 'act' }
  | { kind: 'forward'; leader: string; url: string }
  | { kind: 'unavailable'; leader: string | null; why: string }

export function forwardDecision(view: ForwardView): ForwardDecision {
  if (view.acting) return { kind: 'act' }
  const { leader } = view
  const unavailable = (why: string): ForwardDecision => ({ kind: 'unavailable', leader, why })
  if (view.forwardedBy !== undefined) {
    return unavailable(
      `it was forwarded by ${view.forwardedBy || 'another replica'} and is not forwarded again`,
    )
  }
  if (!leader) return unavailable('no leader is known yet')
  if (leader === view.identity)
    return unavailable('this replica holds the Lease but could not renew it in time')
  if (!view.leaderUrl) {
    return unavailable(
      `the leader ${leader} advertises no URL (leaderElection.advertiseUrl, or POD_IP from the downward API)`,
    )
  }
  return { kind: 'forward', leader, url: view.leaderUrl }
}

export interface ForwardRequest {
  /** The leader's advertised base URL. */
  url: string
  /** The request's path, as received (/alerts or /api/v2/alerts). */
  path: string
  contentType: string | undefined
  authorization: string | undefined
  body: string
  /** This replica's identity, sent in FORWARDED_BY_HEADER. */
  from: string
}

export type ForwardResult =
  | { ok: true; status: number; contentType: string | null; body: string }
  | { ok: false; why: string }

/** The leader's endpoint for `path`: the base URL's own path prefix kept. */
export function forwardTarget(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`
}

export async function forwardAlerts(
  request: ForwardRequest,
  options: { timeoutMs?: number } = {},
): Promise<ForwardResult> {
  const timeoutMs = options.timeoutMs ?? FORWARD_TIMEOUT_MS
  const headers: Record<string, string> = { [FORWARDED_BY_HEADER]: request.from }
  if (request.contentType) headers['content-type'] = request.contentType
  if (request.authorization) headers.authorization = request.authorization
  try {
    const response = await fetch(forwardTarget(request.url, request.path), {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = await response.text()
    return { ok: true, status: response.status, contentType: response.headers.get('content-type'), body }
  } catch (err) {
    const name = (err as Error | undefined)?.name
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, why: `no answer within ${timeoutMs} ms` }
    }
    const cause = (err as { cause?: unknown } | undefined)?.cause
    return { ok: false, why: describeCause(cause ?? err) }
  }
}
