// One scaler inside the daemon: each tick it reads its target's count, turns the cluster's lag snapshot into
// its LagView, runs decide(), journals the decision with the state it leads to, and starts the scale when the
// count must change. At most one scale per target is in flight; while it runs, the scaler's ticks are
// skipped (counted), never queued. The scale runs apart from the tick, so a slow scale-down does not hold up
// the cluster's other scalers or its lag snapshots.

import type { LagSnapshot } from '../analyzer/lag/types.ts'
import { decide } from '../analyzer/scaling/decide.ts'
import { lagViewFromSnapshot } from '../analyzer/scaling/from-snapshot.ts'
import type { Decision, LagView, ScalerState } from '../analyzer/scaling/types.ts'
import type { DaemonMetrics } from '../api/daemon-metrics.ts'
import type { ScalerConfig } from '../config/schema.ts'
import { AutopilotError, describeCause } from '../errors.ts'
import type { ScaleTarget, TargetState } from '../executor/target.ts'
import type { Journal, JournalEntryInput } from '../journal/journal.ts'
import type { DaemonClock } from './clock.ts'
import { stateKey, withoutScale } from './scaler-state.ts'
import type { ActionSummary, DecisionSummary, Role, ScalerStatus } from './status.ts'

/** The cluster's lag for this tick: a snapshot, or why none could be read. */
export interface LagReading {
  snapshot: LagSnapshot | null
  error: string | null
}

export interface Leadership {
  /** True when this replica may act (the leader, or no leader election). Checked right before acting. */
  acting(): boolean
  role(): Role
  leader(): string | null
}

export interface ScalerControllerOptions {
  config: ScalerConfig
  /** Bootstrap servers, for the status. */
  cluster: string
  target: ScaleTarget
  journal: Journal
  clock: DaemonClock
  metrics: DaemonMetrics
  leadership: Leadership
  dryRun: boolean
  /** Aborted on shutdown: the scale in flight stops waiting (and reports `aborted`). */
  actionSignal: AbortSignal
  initialState: ScalerState
  log: (line: string) => void
}

export class ScalerController {
  readonly config: ScalerConfig
  readonly target: ScaleTarget
  readonly #o: ScalerControllerOptions
  #state: ScalerState
  #lastDecisionAt: number | null = null
  #replicas: TargetState | null = null
  #lastDecision: DecisionSummary | null = null
  #lastAction: ActionSummary | null = null
  #inFlight: { to: number; since: number } | null = null
  #action: Promise<void> | null = null
  #targetError: string | null = null

  constructor(options: ScalerControllerOptions) {
    this.#o = options
    this.config = options.config
    this.target = options.target
    this.#state = options.initialState
  }

  get name(): string {
    return this.config.name
  }

  get state(): ScalerState {
    return this.#state
  }

  /** The scale in flight, if any (resolves when it has been journaled; never rejects). */
  get action(): Promise<void> | null {
    return this.#action
  }

  /**
   * The cluster ticks at its fastest scaler's interval; a slower scaler decides on the ticks at least its own
   * interval after its last decision (half a tick of slack, so 5 s on a 1 s tick is every 5th tick).
   */
  isDue(now: number, tickMs: number): boolean {
    return (
      this.#lastDecisionAt === null ||
      now - this.#lastDecisionAt >= this.config.pollingInterval * 1000 - tickMs / 2
    )
  }

  async tick(reading: LagReading, signal: AbortSignal): Promise<void> {
    const { clock, journal, metrics, leadership } = this.#o
    if (this.#action) {
      metrics.scalerSkipped(this.name, 'action-in-flight')
      return
    }
    let replicas: TargetState
    try {
      replicas = await this.target.describe(signal)
    } catch (err) {
      if (!signal.aborted) this.#targetUnreadable(err)
      return
    }
    if (signal.aborted) return
    if (this.#targetError !== null) {
      this.#targetError = null
      this.#event('TargetReadable', `${this.target.name} can be read again (${replicas.desired} replicas)`)
    }
    this.#replicas = replicas
    const now = clock.now()
    const md = this.config.trigger.metadata
    const view: LagView = reading.snapshot
      ? lagViewFromSnapshot(reading.snapshot, md.consumerGroup, md.topics)
      : unreadable(reading.error ?? 'no lag snapshot')
    const previous = this.#state
    const { decision, nextState } = decide({
      view,
      current: replicas.desired,
      state: previous,
      config: this.config,
      now,
    })
    const change = decision.desired !== decision.current
    const acting = leadership.acting()
    const outcome = !change ? 'hold' : !acting ? 'follower' : this.#o.dryRun ? 'dry-run' : 'scale'
    const note =
      outcome === 'follower' ? ` [follower: not acting; leader is ${leadership.leader() ?? 'unknown'}]` : ''
    const state = outcome === 'follower' ? withoutScale(nextState, previous, decision.current) : nextState
    journal.transaction(() => {
      journal.append({
        at: now,
        kind: 'decision',
        scaler: this.name,
        target: this.target.name,
        reason: decision.reason,
        message: `${decision.current} → ${decision.desired}: ${decision.message}${note}`,
        inputs: decisionInputs(decision, replicas, reading, leadership.role()),
        outcome,
      })
      journal.saveState(stateKey(this.name), state, now)
    })
    this.#state = state
    this.#lastDecisionAt = now
    const total = decision.lag?.totalLag ?? null
    metrics.decision(this.name, decision.reason, decision.current, decision.desired, now)
    if (change || this.#lastDecision?.reason !== decision.reason) {
      this.#o.log(
        `${this.name}: ${decision.current} → ${decision.desired} ${decision.reason} (${outcome}): ${decision.message}${note}`,
      )
    }
    this.#lastDecision = {
      at: now,
      current: decision.current,
      desired: decision.desired,
      reason: decision.reason,
      message: decision.message + note,
      active: decision.active,
      totalLag: total,
      outcome,
    }
    if (change && acting) this.#startAction(decision, previous)
  }

  status(): ScalerStatus {
    const md = this.config.trigger.metadata
    return {
      name: this.name,
      target: this.target.name,
      group: md.consumerGroup,
      topics: [...md.topics],
      cluster: this.#o.cluster,
      pollingIntervalSeconds: this.config.pollingInterval,
      minReplicaCount: this.config.minReplicaCount,
      maxReplicaCount: this.config.maxReplicaCount,
      replicas: this.#replicas,
      lastDecision: this.#lastDecision,
      lastAction: this.#lastAction,
      actionInFlight: this.#inFlight,
      error: this.#targetError,
      throughputPerReplica: this.#state.throughput?.perReplica ?? null,
    }
  }

  #startAction(decision: Decision, previous: ScalerState): void {
    const { clock, journal, metrics, actionSignal, dryRun } = this.#o
    const from = decision.current
    const to = decision.desired
    const since = clock.now()
    this.#inFlight = { to, since }
    const run = (async () => {
      let outcome: string
      let message: string
      let code: string | undefined
      try {
        const result = await this.target.scale(to, { dryRun, signal: actionSignal })
        outcome = result.dryRun ? 'dry-run' : result.applied ? 'applied' : 'noop'
        message = result.message
      } catch (err) {
        outcome = actionSignal.aborted ? 'aborted' : 'failed'
        message = describeCause(err)
        code = AutopilotError.is(err) ? err.code : undefined
      }
      const at = clock.now()
      // No tick of this scaler ran meanwhile (it was skipped), so #state is still what the decision left.
      if (outcome !== 'applied' && outcome !== 'noop') this.#state = withoutScale(this.#state, previous, from)
      const entry: JournalEntryInput = {
        at,
        kind: 'action',
        scaler: this.name,
        target: this.target.name,
        reason: decision.reason,
        message: `${from} → ${to}: ${message}`,
        inputs: { from, to, dryRun, durationMs: at - since, ...(code ? { error: code } : {}) },
        outcome,
      }
      try {
        journal.transaction(() => {
          journal.append(entry)
          journal.saveState(stateKey(this.name), this.#state, at)
        })
      } catch (err) {
        this.#o.log(`${this.name}: could not journal the action: ${describeCause(err)}`)
      }
      metrics.action(this.name, outcome)
      this.#lastAction = { at, from, to, outcome, message }
      this.#o.log(`${this.name}: scale ${from} → ${to} ${outcome}: ${message}`)
    })()
    this.#action = run
    void run.finally(() => {
      if (this.#action === run) {
        this.#action = null
        this.#inFlight = null
      }
    })
  }

  #targetUnreadable(err: unknown): void {
    const message = describeCause(err)
    this.#o.metrics.scalerError(this.name, 'describe')
    // Journaled when the error starts or changes, not on every tick it lasts.
    if (this.#targetError !== message) this.#event('TargetUnreadable', `${this.target.name}: ${message}`)
    this.#targetError = message
  }

  #event(reason: string, message: string): void {
    try {
      this.#o.journal.append({
        at: this.#o.clock.now(),
        kind: 'event',
        scaler: this.name,
        target: this.target.name,
        reason,
        message,
      })
    } catch (err) {
      this.#o.log(`${this.name}: could not journal ${reason}: ${describeCause(err)}`)
    }
    this.#o.log(`${this.name}: ${reason}: ${message}`)
  }
}

function unreadable(error: string): LagView {
  return {
    readable: false,
    error,
    partitions: [],
    productionRate: null,
    consumptionRate: null,
    lagSeconds: null,
  }
}

/** What the decision was based on, for the journal: the figures, not the per-partition rows. */
function decisionInputs(decision: Decision, replicas: TargetState, reading: LagReading, role: Role) {
  return {
    current: decision.current,
    desired: decision.desired,
    replicas,
    active: decision.active,
    lag: decision.lag,
    rates: decision.rates,
    policy: decision.policy,
    proposal: decision.proposal,
    limits: decision.limits,
    snapshotAt: reading.snapshot?.at ?? null,
    lagError: reading.error,
    role,
  }
}
