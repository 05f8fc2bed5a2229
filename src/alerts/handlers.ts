// What runs an action. The engine decides; a handler does it and reports. The broker actions (upScale,
// downScale, addDisk, resizeDisk) are handlers the daemon injects once the planner, the reassignment executor
// and the broker backends are wired; until then `notWired` answers each of them with a clear failure.
import type { ActionRecord } from '../analyzer/actions/types.ts'
import { BROKER_ACTIONS } from '../analyzer/actions/types.ts'

export interface ActionContext {
  signal: AbortSignal
  /** A line for the journal while the action runs (step `progress`). */
  progress(message: string): void
}

export interface ActionOutcome {
  ok: boolean
  message: string
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
