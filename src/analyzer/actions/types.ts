// Data of the self-healing action engine (engine.ts): alerts in, actions out. Plain values only, so the
// engine stays pure and its state can be saved to the journal as JSON.

/** The broker actions; their handlers are injected by the daemon (src/alerts/handlers.ts). */
export const BROKER_ACTIONS = ['upScale', 'downScale', 'addDisk', 'resizeDisk'] as const
export type BrokerAction = (typeof BROKER_ACTIONS)[number]

/** Koperator's command names accepted as aliases. */
export const ACTION_ALIASES: Readonly<Record<string, BrokerAction>> = {
  addPvc: 'addDisk',
  resizePvc: 'resizeDisk',
}

export const ACTION_MODES = ['auto', 'dry-run', 'approve'] as const
export type ActionMode = (typeof ACTION_MODES)[number]

/** One alert, normalised from either payload shape (src/alerts/payload.ts). */
export interface Alert {
  fingerprint: string
  status: 'firing' | 'resolved'
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt?: string | undefined
  endsAt?: string | undefined
}

export interface AlertRule {
  name: string
  /** Every label listed must equal the alert's (exact match). */
  match: Record<string, string>
  /** A broker action, an alias, or the name of a custom action. */
  action: string
  /** Parameters that override the alert's labels and annotations. */
  params: Record<string, string>
}

export interface EngineConfig {
  mode: ActionMode
  /** Per target: a new start needs `now - lastStart >= cooldownMs`. */
  cooldownMs: number
  minBrokers?: number | undefined
  maxBrokers?: number | undefined
  rules: AlertRule[]
  /** Names of the custom actions of the config, and whether each is disruptive (one per cluster). */
  customActions: Record<string, { disruptive: boolean }>
  /** Use the `command` annotation when no rule matches. */
  useCommandAnnotation: boolean
  /** Alerts remembered for dedupe; the oldest are forgotten beyond this. */
  maxTrackedAlerts: number
  /** Finished actions kept for listing; the oldest are dropped beyond this. */
  maxFinishedActions: number
}

export type ActionState = 'proposed' | 'queued' | 'running' | 'planned' | 'succeeded' | 'failed' | 'cancelled'

export interface ActionRecord {
  id: string
  /** Canonical action name (aliases resolved). */
  action: string
  cluster: string
  /** What the cooldown and coalescing are keyed on: `upScale local`, `downScale local broker 4`. */
  target: string
  disruptive: boolean
  params: Record<string, string>
  /** Of the alert that created it. */
  labels: Record<string, string>
  annotations: Record<string, string>
  /** The alert that created it, and those coalesced into it. */
  fingerprints: string[]
  alertname: string
  rule: string | null
  state: ActionState
  /**
   * Plans without changing anything (mode dry-run, or a broker action's `dryRun: "true"` parameter): it runs at
   * once, takes no disruptive slot, starts no cooldown, and ends `planned` (or `failed`) with the plan.
   */
  dryRun?: boolean | undefined
  createdAt: number
  updatedAt: number
  message?: string | undefined
}

/** What the engine remembers of an alert's fingerprint. */
export type TrackedAlert =
  | { kind: 'handled'; actionId: string | null; at: number }
  /** Not acted on (limit, cooldown, no rule): re-sends are quiet until `until`, then re-evaluated. */
  | { kind: 'deferred'; until: number; reason: string; at: number }

export interface EngineState {
  alerts: Map<string, TrackedAlert>
  /** Last start per target (ms). */
  lastStart: Map<string, number>
  /** Last dry-run plan per target (ms): dry runs have a cooldown of their own, apart from real starts. */
  lastPlan: Map<string, number>
  /** Open actions (proposed, queued, running) and the latest finished ones, in creation order. */
  actions: Map<string, ActionRecord>
  nextId: number
  /** Counters, for the API and the bench. */
  stats: { received: number; duplicates: number; evicted: number }
}

export type EngineEvent =
  /** `brokers`: the cluster's broker count, when known. */
  | { type: 'alert'; alert: Alert; brokers?: number | undefined }
  | { type: 'approve'; id: string }
  /** `details`: what the handler reports (the plan of a dry run, moves, brokers), journaled with the step. */
  | { type: 'finished'; id: string; ok: boolean; message: string; details?: unknown }
  /** Re-checks queued actions whose cooldown may have passed. */
  | { type: 'tick' }

export type Step =
  | 'received'
  | 'matched'
  | 'planned'
  | 'started'
  | 'progress'
  | 'verified'
  | 'failed'
  | 'rejected'

export interface EngineJournalEntry {
  step: Step
  reason: string
  message: string
  rule: string | null
  target: string | null
  actionId: string | null
  inputs?: unknown
}

export interface EngineResult {
  state: EngineState
  start: ActionRecord[]
  journal: EngineJournalEntry[]
  /** For the HTTP answer: what became of the event. */
  outcome: 'new' | 'duplicate' | 'rearmed' | 'rejected' | 'deferred' | 'ok' | 'not-found' | 'invalid-state'
}

export function emptyState(): EngineState {
  return {
    alerts: new Map(),
    lastStart: new Map(),
    lastPlan: new Map(),
    actions: new Map(),
    nextId: 1,
    stats: { received: 0, duplicates: 0, evicted: 0 },
  }
}
