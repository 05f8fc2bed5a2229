// What runs an action. The engine decides; a handler does it and reports. The broker actions (upScale,
// downScale, addDisk, resizeDisk) are handlers the daemon injects once the planner, the reassignment executor
// and the broker backends are wired; until then `notWired` answers each of them with a clear failure.
// A dry run (mode dry-run) calls a broker handler with `dryRun: true`: it plans and changes nothing. Custom
// actions have no dry run, so they are never called then: `customDryRun` says what would be executed.
import type { ActionRecord } from '../analyzer/actions/types.ts'
import { BROKER_ACTIONS } from '../analyzer/actions/types.ts'
import type { CustomActionConfig } from '../config/alerts.ts'
import { render, templateValues } from './actions/template.ts'

export interface ActionContext {
  signal: AbortSignal
  /** A line for the journal while the action runs (step `progress`). */
  progress(message: string): void
  /** Plan only, change nothing (the engine's dry run). */
  dryRun?: boolean
}

export interface ActionOutcome {
  ok: boolean
  message: string
  /** Journaled with the outcome: the plan of a dry run (moves, brokers, reassignment summary). */
  details?: Record<string, unknown>
}

export type ActionHandler = (action: ActionRecord, context: ActionContext) => Promise<ActionOutcome>

export type ActionHandlers = Record<string, ActionHandler>

export const notWired: ActionHandler = async (action) => ({
  ok: false,
  message: `${action.action} is not wired to a broker backend in this version; nothing was changed`,
})

/** The broker actions, each answered by `notWired` unless a real handler is given. */
export function brokerHandlers(given: Partial<ActionHandlers> = {}): ActionHandlers {
  const out: ActionHandlers = {}
  for (const name of BROKER_ACTIONS) out[name] = given[name] ?? notWired
  return out
}

/**
 * What a custom action would execute, templated from the action as it would be: the argv and the names of the
 * extra environment variables (their values may be secrets), or the method and URL (credentials and query
 * values left out, as a webhook's own messages do). Nothing is executed.
 */
export function customDryRun(config: CustomActionConfig, action: ActionRecord): ActionOutcome {
  const values = templateValues(action)
  if (config.type === 'exec') {
    const argv = config.command.map((part) => render(part, values))
    const env = Object.keys(config.env)
    return {
      ok: true,
      message: `would execute ${JSON.stringify(argv)}${env.length > 0 ? ` with ${env.join(', ')} set` : ''} (timeout ${config.timeoutSeconds} s); not executed`,
      details: { dryRun: true, type: 'exec', argv, env, timeoutSeconds: config.timeoutSeconds },
    }
  }
  const url = safeUrl(render(config.url, values, encodeURIComponent))
  return {
    ok: true,
    message: `would call ${config.method} ${url} (timeout ${config.timeoutSeconds} s); not called`,
    details: {
      dryRun: true,
      type: 'webhook',
      method: config.method,
      url,
      headers: Object.keys(config.headers),
      timeoutSeconds: config.timeoutSeconds,
    },
  }
}

function safeUrl(raw: string): string {
  try {
    const url = new URL(raw)
    const query = [...url.searchParams.keys()].map((k) => `${k}=…`).join('&')
    return `${url.origin}${url.pathname}${query ? `?${query}` : ''}`
  } catch {
    return '(not a valid URL once templated)'
  }
}
