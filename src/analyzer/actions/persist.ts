// The engine state as JSON and back, so dedupe, cooldowns and proposals survive a restart (Koperator keeps
// them in memory only, so a restart re-runs a still-firing alert's action). On restore, an action that was
// running when the process stopped is marked failed ("interrupted"): its outcome is unknown, and the next
// re-send after the cooldown re-evaluates it. Anything malformed restores as an empty state.
import type { ActionRecord, EngineState, TrackedAlert } from './types.ts'
import { emptyState } from './types.ts'

export interface SavedEngineState {
  version: 1
  alerts: Array<[string, TrackedAlert]>
  lastStart: Array<[string, number]>
  /** Absent in states saved before dry runs planned. */
  lastPlan?: Array<[string, number]>
  actions: ActionRecord[]
  nextId: number
}

export function saveEngineState(state: EngineState): SavedEngineState {
  return {
    version: 1,
    alerts: [...state.alerts],
    lastStart: [...state.lastStart],
    lastPlan: [...state.lastPlan],
    actions: [...state.actions.values()],
    nextId: state.nextId,
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function validAction(a: unknown): a is ActionRecord {
  return (
    isObject(a) &&
    typeof a.id === 'string' &&
    typeof a.action === 'string' &&
    typeof a.cluster === 'string' &&
    typeof a.target === 'string' &&
    typeof a.state === 'string' &&
    Array.isArray(a.fingerprints) &&
    isObject(a.params)
  )
}

export function restoreEngineState(
  saved: unknown,
  now: number,
): { state: EngineState; interrupted: ActionRecord[] } | null {
  if (!isObject(saved) || saved.version !== 1) return null
  const { alerts, lastStart, actions, nextId } = saved
  const lastPlan = saved.lastPlan ?? []
  if (
    !Array.isArray(alerts) ||
    !Array.isArray(lastStart) ||
    !Array.isArray(actions) ||
    typeof nextId !== 'number'
  ) {
    return null
  }
  if (!alerts.every((e) => Array.isArray(e) && typeof e[0] === 'string' && isObject(e[1]))) return null
  const times = (list: unknown) =>
    Array.isArray(list) &&
    list.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number')
  if (!times(lastStart) || !times(lastPlan)) return null
  if (!actions.every(validAction)) return null
  const state = emptyState()
  state.alerts = new Map(alerts as Array<[string, TrackedAlert]>)
  state.lastStart = new Map(lastStart as Array<[string, number]>)
  state.lastPlan = new Map(lastPlan as Array<[string, number]>)
  state.nextId = nextId
  const interrupted: ActionRecord[] = []
  for (const a of actions as ActionRecord[]) {
    if (a.state === 'running') {
      const failed: ActionRecord = {
        ...a,
        state: 'failed',
        updatedAt: now,
        message: a.dryRun
          ? 'dry run interrupted by a restart; nothing was changed'
          : 'interrupted by a restart',
      }
      interrupted.push(failed)
      state.actions.set(a.id, failed)
    } else state.actions.set(a.id, a)
  }
  return { state, interrupted }
}
