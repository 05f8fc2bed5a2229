// Self-healing over HTTP:
// - POST /alerts: an Alertmanager webhook (version 4) or a Prometheus alert array;
// - POST /api/v2/alerts: the same, at the path Prometheus posts to, so Autopilot can stand in for an
//   Alertmanager (as Koperator does);
// - GET /api/v1/actions, POST /api/v1/actions/:id/approve: the open and recent actions, and approval.
// Every route needs the configured credentials (401 without, 403 wrong). Bodies are size-limited; a body
// that fails to parse or validate is a 4xx naming the field and is journaled as rejected (rate-limited).
// Under leader election a follower forwards valid alerts to the leader (src/alerts/forward.ts) and answers
// with the leader's status and body, plus X-Autopilot-Forwarded-To; when it cannot, 503 with Retry-After.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AlertsAuth } from '../alerts/auth.ts'
import { authenticate } from '../alerts/auth.ts'
import {
  FORWARDED_BY_HEADER,
  FORWARDED_TO_HEADER,
  forwardAlerts,
  RETRY_AFTER_SECONDS,
} from '../alerts/forward.ts'
import { parsePayload } from '../alerts/payload.ts'
import type { AlertRunner } from '../alerts/runner.ts'
import { AutopilotError } from '../errors.ts'
import { apiErrorHandler } from './errors.ts'

export interface AlertsPluginOptions {
  runner: AlertRunner
  auth: AlertsAuth
  bodyLimitBytes: number
  now?: () => number
  /** How long a follower waits for the leader it forwards alerts to (default 5 s). */
  forwardTimeoutMs?: number
}

const ACTION_ID = /^a\d{1,15}$/
const RETRY_HINT =
  'retry later (Alertmanager retries a 5xx); GET /readyz gives each replica its role and the leader'

export async function alertsPlugin(app: FastifyInstance, options: AlertsPluginOptions): Promise<void> {
  const now = options.now ?? Date.now
  const { runner } = options
  // the runner's timer and running actions end with the server
  app.addHook('onClose', async () => runner.close())

  app.addHook('onRequest', async (request, reply) => {
    const result = authenticate(options.auth, request.headers.authorization)
    if (result.ok) return
    if (result.status === 401) {
      reply.header('www-authenticate', options.auth.type === 'basic' ? 'Basic realm="autopilot"' : 'Bearer')
    }
    runner.rejected(
      result.status === 401 ? 'Unauthenticated' : 'Forbidden',
      `${request.method} ${request.url.split('?')[0]}: ${result.status === 401 ? 'no credentials' : 'wrong credentials'}`,
    )
    return reply.status(result.status).send({
      error: {
        code: 'AP_ERR_INPUT',
        message: result.status === 401 ? 'authentication required' : 'wrong credentials',
        field: 'authorization',
      },
    })
  })

  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const status = AutopilotError.is(error) ? error.httpStatus : (error as FastifyError).statusCode
    if (
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      request.method === 'POST' &&
      !request.url.startsWith('/api/v1/')
    ) {
      runner.rejected('InvalidAlertPayload', `${request.url.split('?')[0]}: ${error.message}`, {
        field: AutopilotError.is(error) ? error.field : 'body',
      })
    }
    return apiErrorHandler(error, request, reply)
  })

  // JSON as fastify parses it, keeping the text a follower forwards to the leader as it came.
  const raw = new WeakMap<FastifyRequest, string>()
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    raw.set(request, body as string)
    json(request, body as string, done)
  })

  const receive = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.body === undefined || request.body === null) {
      throw new AutopilotError('AP_ERR_INPUT', 'body is empty', {
        field: 'body',
        hint: 'send application/json',
      })
    }
    const payload = parsePayload(request.body, now())
    const by = request.headers[FORWARDED_BY_HEADER]
    const decision = runner.forwarding(Array.isArray(by) ? by.join(',') : by)
    const count = payload.alerts.length
    const unavailable = (leader: string | null, why: string, url?: string, journaled = false) => {
      if (!journaled) runner.notForwarded(count, leader, why, url)
      const message = `this replica follows and cannot act on the alerts or forward them to the leader (${leader ?? 'unknown'}): ${why}`
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({
          error: { code: 'AP_ERR_CONFLICT', message, field: 'leader', hint: RETRY_HINT },
          leader,
          forwarded: false,
        })
    }
    if (decision.kind === 'unavailable') return unavailable(decision.leader, decision.why)
    if (decision.kind === 'act') {
      const summary = runner.receive(payload)
      // lost the lease between the decision and now: not acted on (the runner journaled NotLeader), so retry
      if (summary.follower) {
        return unavailable(summary.follower.leader, 'this replica just lost the leadership', undefined, true)
      }
      return summary
    }
    const result = await forwardAlerts(
      {
        url: decision.url,
        path: request.url.split('?')[0]!,
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
        body: raw.get(request) ?? JSON.stringify(request.body),
        from: runner.identity() ?? 'follower',
      },
      options.forwardTimeoutMs === undefined ? {} : { timeoutMs: options.forwardTimeoutMs },
    )
    if (!result.ok) return unavailable(decision.leader, `${decision.url} ${result.why}`, decision.url)
    runner.forwarded(count, decision.leader, decision.url, result.status)
    if (result.status >= 500) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    return reply
      .status(result.status)
      .header(FORWARDED_TO_HEADER, decision.leader)
      .header('content-type', result.contentType ?? 'application/json; charset=utf-8')
      .send(result.body)
  }
  app.post('/alerts', { bodyLimit: options.bodyLimitBytes }, receive)
  app.post('/api/v2/alerts', { bodyLimit: options.bodyLimitBytes }, receive)

  app.get('/api/v1/actions', async () => ({
    mode: runner.config.mode,
    actions: runner.actions(),
    stats: runner.stats,
  }))

  app.post<{ Params: { id: string } }>('/api/v1/actions/:id/approve', async (request) => {
    const { id } = request.params
    if (!ACTION_ID.test(id)) {
      throw new AutopilotError('AP_ERR_INPUT', `action id ${id} is not an action id such as a12`, {
        field: 'id',
      })
    }
    return { action: runner.approve(id) }
  })
}
