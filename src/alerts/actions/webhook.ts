// Custom action `webhook`: one HTTP call with a templated URL, headers and body (default: the action as JSON),
// a time limit, and success on a 2xx answer. No retries: the alert's next re-send after the cooldown is the
// retry, so a failing receiver cannot multiply calls.
import type { ActionRecord } from '../../analyzer/actions/types.ts'
import type { WebhookActionConfig } from '../../config/alerts.ts'
import type { ActionContext, ActionHandler, ActionOutcome } from '../handlers.ts'
import { render, templateValues } from './template.ts'

export function webhookAction(config: WebhookActionConfig, doFetch: typeof fetch = fetch): ActionHandler {
  return async (action: ActionRecord, context: ActionContext): Promise<ActionOutcome> => {
    const values = templateValues(action)
    const url = render(config.url, values, encodeURIComponent)
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    for (const [k, v] of Object.entries(config.headers)) headers[k.toLowerCase()] = render(v, values)
    const body =
      config.method === 'GET'
        ? undefined
        : config.body === undefined
          ? JSON.stringify({
              id: action.id,
              action: action.action,
              cluster: action.cluster,
              target: action.target,
              params: action.params,
              alertname: action.alertname,
            })
          : render(config.body, values)
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(config.timeoutSeconds * 1000)])
    try {
      const response = await doFetch(url, {
        method: config.method,
        headers,
        signal,
        ...(body === undefined ? {} : { body }),
      })
      const text = (await response.text()).slice(0, 500)
      const where = `${config.method} ${new URL(url).origin}${new URL(url).pathname}`
      if (response.ok) return { ok: true, message: `${where} answered ${response.status}` }
      return { ok: false, message: `${where} answered ${response.status}${text ? `: ${text}` : ''}` }
    } catch (error) {
      const name = (error as Error).name
      if (name === 'TimeoutError')
        return { ok: false, message: `webhook timed out after ${config.timeoutSeconds} s` }
      return { ok: false, message: `webhook failed: ${(error as Error).message}` }
    }
  }
}
