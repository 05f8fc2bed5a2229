// The thin, stateful shell around the pure engine: it owns the engine state, journals every step, runs the
// actions the engine starts through their handlers and feeds their outcome back. One runner per daemon.
// Under leader election only the leader's runner acts: a follower does not feed the alerts it is sent to its
// engine (the API forwards them to the leader, see forward.ts, journaled Forwarded, or answers 503, journaled
// NotLeader), starts nothing, refuses approvals, and aborts the actions of its last term when it loses the
// lease (abortRunning), as the backends refuse a follower's writes.
import { decide } from '../analyzer/actions/engine.ts'
import { restoreEngineState, saveEngineState } from '../analyzer/actions/persist.ts'
import { clusterOf, resolveAction } from '../analyzer/actions/resolve.ts'
import {
  type ActionRecord,
  type Alert,
  type EngineConfig,
  type EngineEvent,
  type EngineJournalEntry,
  type EngineResult,
  type EngineState,
  emptyState,
} from '../analyzer/actions/types.ts'
import type { AlertsConfig, CustomActionConfig } from '../config/alerts.ts'
import { AutopilotError, describeCause } from '../errors.ts'
import type { Journal, JournalEntryInput } from '../journal/journal.ts'
import { execAction } from './actions/exec.ts'
import { webhookAction } from './actions/webhook.ts'
import { type ForwardDecision, forwardDecision } from './forward.ts'
import {
  type ActionHandler,
  type ActionHandlers,
  type ActionOutcome,
  brokerHandlers,
  customDryRun,
} from './handlers.ts'
import type { ParsedPayload } from './payload.ts'

/** Rejections journaled per second at most; the others are counted and summed up in the next one. */
const REJECTIONS_PER_SECOND = 10

/** Journal state key of the engine state (dedupe, cooldowns, proposals). */
export const ENGINE_STATE_KEY = 'alerts.engine'

/** `dryRun` (autopilot run --dry-run) forces mode dry-run whatever the config says. */
export function engineConfig(config: AlertsConfig, dryRun = false): EngineConfig {
  return {
    mode: dryRun ? 'dry-run' : config.mode,
    cooldownMs: config.cooldownSeconds * 1000,
    minBrokers: config.minBrokers,
    maxBrokers: config.maxBrokers,
    rules: config.rules.map((r) => ({ name: r.name, match: r.match, action: r.action, params: r.params })),
    customActions: Object.fromEntries(
      Object.entries(config.actions).map(([name, a]) => [name, { disruptive: a.disruptive }]),
    ),
    useCommandAnnotation: config.useCommandAnnotation,
    maxTrackedAlerts: config.maxTrackedAlerts,
    maxFinishedActions: 200,
  }
}

export interface AlertRunnerOptions {
  config: AlertsConfig
  /** With saveState/loadState, the engine state survives a restart. */
  journal: Pick<Journal, 'append'> & Partial<Pick<Journal, 'saveState' | 'loadState'>>
  now?: () => number
  /** Real broker action handlers (next step); missing ones answer "not wired". */
  brokerActions?: Partial<ActionHandlers>
  /** The broker count of a cluster, for minBrokers/maxBrokers; undefined when unknown. */
  brokerCount?: (cluster: string) => number | undefined
  /** Overrides of custom action handlers (tests). */
  handlers?: ActionHandlers
  env?: NodeJS.ProcessEnv
  /** autopilot run --dry-run: the engine runs in mode dry-run, whatever `alerts.mode` says. */
  dryRun?: boolean
  /** Under leader election: whether this replica acts now, and who leads. Absent: always acts. */
  leadership?: AlertLeadership
}

export interface AlertLeadership {
  acting(): boolean
  leader(): string | null
  /** This replica's identity; absent: not known. */
  identity?(): string
  /** The leader's advertised API URL (from the Lease); absent or null: unknown, alerts are not forwarded. */
  leaderUrl?(): string | null
}

export interface IngestSummary {
  accepted: number
  duplicates: number
  rejected: number
  actions: string[]
  /** Set when this replica follows: the alerts it did not act on, and the leader. */
  follower?: { alerts: number; leader: string | null }
}

export interface ReceiveSummary extends IngestSummary {
  shape: ParsedPayload['shape']
}

export class AlertRunner {
  readonly config: EngineConfig
  #state: EngineState = emptyState()
  #journal: AlertRunnerOptions['journal']
  #now: () => number
  #handlers: ActionHandlers
  #custom: Readonly<Record<string, CustomActionConfig>>
  #brokerCount: (cluster: string) => number | undefined
  #leadership: AlertLeadership | undefined
  #running = new Set<Promise<void>>()
  #abort = new AbortController()
  #rejectWindow = { second: -1, count: 0, suppressed: 0 }
  #ticker: NodeJS.Timeout

  constructor(options: AlertRunnerOptions) {
    this.config = engineConfig(options.config, options.dryRun ?? false)
    this.#custom = options.config.actions
    this.#journal = options.journal
    this.#now = options.now ?? Date.now
    this.#brokerCount = options.brokerCount ?? (() => undefined)
    this.#leadership = options.leadership
    const custom: ActionHandlers = {}
    for (const [name, a] of Object.entries(options.config.actions)) {
      custom[name] = a.type === 'exec' ? execAction(a, options.env) : webhookAction(a)
    }
    this.#handlers = { ...brokerHandlers(options.brokerActions), ...custom, ...(options.handlers ?? {}) }
    this.#restore()
    this.#ticker = setInterval(() => {
      if ([...this.#state.actions.values()].some((a) => a.state === 'queued')) this.#apply({ type: 'tick' })
    }, 1000)
    this.#ticker.unref()
  }

  get stats(): EngineState['stats'] & { tracked: number; actions: number } {
    return { ...this.#state.stats, tracked: this.#state.alerts.size, actions: this.#state.actions.size }
  }

  /** Fingerprints the engine remembers (handled or deferred) that start with `prefix`. */
  trackedFingerprints(prefix: string): string[] {
    return [...this.#state.alerts.keys()].filter((f) => f.startsWith(prefix))
  }

  actions(): ActionRecord[] {
    return [...this.#state.actions.values()].reverse()
  }

  receive(payload: ParsedPayload): ReceiveSummary {
    const summary: ReceiveSummary = {
      shape: payload.shape,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      actions: [],
    }
    for (const r of payload.rejected) {
      summary.rejected++
      this.rejected('InvalidAlert', `alert ${r.field} ${r.message}`, { field: r.field })
    }
    if (this.#following(payload.alerts.length, summary)) return summary
    for (const alert of payload.alerts) this.#accept(alert, summary)
    return summary
  }

  /**
   * Alerts raised inside Autopilot (the health watch): the same engine as webhook alerts (dedupe, rules,
   * cooldowns, limits) and the same journal, each entry they cause carrying `source` in its inputs.
   */
  ingest(alerts: readonly Alert[], source: string): IngestSummary {
    const summary: IngestSummary = { accepted: 0, duplicates: 0, rejected: 0, actions: [] }
    if (this.#following(alerts.length, summary, source)) return summary
    for (const alert of alerts) this.#accept(alert, summary, source)
    return summary
  }

  /** Whether this replica acts on alerts now: always without leader election, else only while it leads. */
  acting(): boolean {
    return this.#leadership?.acting() ?? true
  }

  /** What to do with alerts sent to this replica: act, forward to the leader, or answer 503 (forward.ts). */
  forwarding(forwardedBy: string | undefined): ForwardDecision {
    const l = this.#leadership
    return forwardDecision({
      acting: this.acting(),
      identity: l?.identity?.() ?? null,
      leader: l?.leader() ?? null,
      leaderUrl: l?.leaderUrl?.() ?? null,
      forwardedBy,
    })
  }

  /** This replica's identity under leader election (the forwarded-by header); null standalone. */
  identity(): string | null {
    return this.#leadership?.identity?.() ?? null
  }

  /** A follower forwarded `count` alerts to the leader, which answered `status`. */
  forwarded(count: number, leader: string, url: string, status: number): void {
    this.#journal.append({
      at: this.#now(),
      kind: 'event',
      scaler: 'alerts',
      reason: 'Forwarded',
      message: `${count} alert(s) received by a follower: forwarded to the leader ${leader} at ${url}, which answered ${status}`,
      outcome: 'follower',
      inputs: { alerts: count, leader, url, status },
    })
  }

  /** A follower could neither act on `count` alerts nor forward them; it answers 503 so the sender retries. */
  notForwarded(count: number, leader: string | null, why: string, url?: string): void {
    this.#journal.append({
      at: this.#now(),
      kind: 'event',
      scaler: 'alerts',
      reason: 'NotLeader',
      message: `${count} alert(s) received by a follower, not acted on and not forwarded to the leader (${leader ?? 'unknown'}): ${why}; answered 503 so the sender retries`,
      outcome: 'follower',
      inputs: { alerts: count, leader, why, ...(url === undefined ? {} : { url }) },
    })
  }

  /**
   * This replica lost the lease: the actions it runs are aborted (each ends failed, as a broker operation
   * interrupted by a stop does), so they cannot run on next to the new leader's. Later actions get a new signal.
   */
  abortRunning(reason: string): void {
    const running = this.#abort
    this.#abort = new AbortController()
    running.abort(new Error(reason))
  }

  /** On a follower: journals the alerts it was sent, acts on none of them, and says so in `summary`. */
  #following(count: number, summary: IngestSummary, source?: string): boolean {
    if (this.acting()) return false
    const leader = this.#leadership?.leader() ?? null
    summary.follower = { alerts: count, leader }
    if (count === 0) return true
    this.#journal.append({
      at: this.#now(),
      kind: 'event',
      scaler: 'alerts',
      reason: 'NotLeader',
      message: `${count} alert(s) received by a follower: not acted on here; the leader (${leader ?? 'unknown'}) acts on the alerts it receives`,
      outcome: 'follower',
      inputs: { alerts: count, leader, ...(source === undefined ? {} : { source }) },
    })
    return true
  }

  #accept(alert: Alert, summary: IngestSummary, source?: string): void {
    // The cluster the action will act on (a rule's `cluster` parameter first), as the engine resolves it.
    const resolved = resolveAction(alert, this.config)
    const cluster = resolved.ok ? resolved.value.cluster : clusterOf(alert, {})
    const result = this.#apply({ type: 'alert', alert, brokers: this.#brokerCount(cluster) }, source)
    if (result.outcome === 'duplicate') summary.duplicates++
    else if (result.outcome === 'rejected') summary.rejected++
    else summary.accepted++
    for (const j of result.journal)
      if (j.actionId !== null && !summary.actions.includes(j.actionId)) summary.actions.push(j.actionId)
  }

  approve(id: string): ActionRecord {
    if (!this.acting()) {
      const leader = this.#leadership?.leader() ?? null
      throw new AutopilotError(
        'AP_ERR_CONFLICT',
        `this replica follows; actions are approved on the leader (${leader ?? 'unknown'})`,
        { field: 'id', retryable: true, hint: 'GET /readyz gives each replica its role and the leader' },
      )
    }
    const result = this.#apply({ type: 'approve', id })
    if (result.outcome === 'not-found') {
      throw new AutopilotError('AP_ERR_NOT_FOUND', `no action ${id}`, {
        field: 'id',
        hint: 'autopilot actions list',
      })
    }
    const action = result.state.actions.get(id)!
    if (result.outcome === 'invalid-state') {
      throw new AutopilotError(
        'AP_ERR_CONFLICT',
        `action ${id} is ${action.state}, not waiting for approval`,
        { field: 'id' },
      )
    }
    return action
  }

  /** Journals a rejected input, at most REJECTIONS_PER_SECOND per second (a storm of garbage stays cheap). */
  rejected(reason: string, message: string, inputs?: unknown): void {
    const now = this.#now()
    const second = Math.floor(now / 1000)
    const w = this.#rejectWindow
    if (w.second !== second) {
      w.second = second
      w.count = 0
    }
    if (w.count >= REJECTIONS_PER_SECOND) {
      w.suppressed++
      return
    }
    w.count++
    const suppressed = w.suppressed
    w.suppressed = 0
    this.#journal.append({
      at: now,
      kind: 'event',
      scaler: 'alerts',
      reason,
      message: suppressed > 0 ? `${message} (${suppressed} earlier rejections not journaled)` : message,
      outcome: 'rejected',
      ...(inputs === undefined ? {} : { inputs }),
    })
  }

  /** Resolves when no action runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running])
  }

  async close(): Promise<void> {
    clearInterval(this.#ticker)
    this.#abort.abort(new Error('autopilot is stopping'))
    await this.idle()
  }

  #restore(): void {
    const saved = this.#journal.loadState?.(ENGINE_STATE_KEY)
    if (saved === undefined) return
    const now = this.#now()
    const restored = restoreEngineState(saved.value, now)
    if (restored === null) {
      this.#journal.append({
        at: now,
        kind: 'event',
        scaler: 'alerts',
        reason: 'AlertStateDiscarded',
        message: 'the saved self-healing state was not readable; starting with an empty one',
      })
      return
    }
    this.#state = restored.state
    for (const a of restored.interrupted) {
      this.#journal.append(
        toJournal(
          {
            step: 'failed',
            reason: 'ActionInterrupted',
            message: a.dryRun
              ? `the dry run of ${a.action} on ${a.target} was under way when autopilot stopped; nothing was changed`
              : `${a.action} on ${a.target} was running when autopilot stopped; its outcome is unknown`,
            rule: a.rule,
            target: a.target,
            actionId: a.id,
          },
          now,
        ),
      )
    }
  }

  #apply(event: EngineEvent, source?: string): EngineResult {
    const now = this.#now()
    const result = decide(this.#state, event, this.config, now)
    this.#state = result.state
    for (const j of result.journal) this.#journal.append(toJournal(j, now, source))
    if (result.journal.length > 0 || result.start.length > 0) {
      this.#journal.saveState?.(ENGINE_STATE_KEY, saveEngineState(result.state), now)
    }
    for (const action of result.start) this.#run(action)
    return result
  }

  #run(action: ActionRecord): void {
    const dryRun = action.dryRun === true
    const custom = this.#custom[action.action]
    const handler: ActionHandler | undefined = !this.acting()
      ? async () => ({ ok: false, message: 'not started: this replica lost the leadership; the leader acts' })
      : dryRun && custom !== undefined
        ? async () => customDryRun(custom, action) // a custom action has no dry run: never executed
        : this.#handlers[action.action]
    const context = {
      signal: this.#abort.signal,
      dryRun,
      progress: (message: string) =>
        this.#journal.append(
          toJournal(
            {
              step: 'progress',
              reason: 'ActionProgress',
              message,
              rule: action.rule,
              target: action.target,
              actionId: action.id,
            },
            this.#now(),
          ),
        ),
    }
    const work = (async () => {
      let outcome: ActionOutcome
      try {
        outcome = handler
          ? await handler(action, context)
          : { ok: false, message: `no handler for action ${action.action}` }
      } catch (error) {
        outcome = { ok: false, message: `failed: ${describeCause(error)}` }
      }
      this.#apply({
        type: 'finished',
        id: action.id,
        ok: outcome.ok,
        message: outcome.message,
        ...(outcome.details === undefined ? {} : { details: outcome.details }),
      })
    })()
    this.#running.add(work)
    void work.finally(() => this.#running.delete(work))
  }
}

const KIND: Record<EngineJournalEntry['step'], JournalEntryInput['kind']> = {
  received: 'event',
  matched: 'decision',
  planned: 'decision',
  started: 'action',
  progress: 'action',
  verified: 'action',
  failed: 'action',
  rejected: 'event',
}

function toJournal(j: EngineJournalEntry, at: number, source?: string): JournalEntryInput {
  return {
    at,
    kind: KIND[j.step],
    scaler: j.rule ?? 'alerts',
    target: j.target,
    reason: j.reason,
    message: j.message,
    outcome: j.step,
    inputs: {
      ...(j.actionId === null ? {} : { actionId: j.actionId }),
      ...(source === undefined ? {} : { source }),
      ...((j.inputs as object | undefined) ?? {}),
    },
  }
}
