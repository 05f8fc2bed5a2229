// The state machine shared by executePlan and recover: set throttles → submit batches and poll until every move
// is done → (on cancel, abort, timeout or failure: revert what is in flight) → clear throttles once nothing of
// ours is in flight → elect preferred leaders of the completed moves → final journal event. Every step is
// journaled; every wait is bounded; clean-up runs whatever happened before it.
import { AutopilotError } from '../../errors.ts'
import type { KafkaAdminPort, TopicPartition } from '../../kafka/port.ts'
import { nextBatch } from './batching.ts'
import { type ReassignmentEvent, summary } from './events.ts'
import { electLeaders, finalVerification } from './finish.ts'
import { applyObservation, observe } from './observe.ts'
import type { Settings } from './options.ts'
import { snapshot, type Tracked } from './progress.ts'
import { revertInFlight } from './revert.ts'
import { clearThrottles, setThrottles, type ThrottleIo } from './throttle-io.ts'
import { describe, isEmpty, type ThrottleConfigs } from './throttles.ts'
import type {
  ElectionSummary,
  ExecutionError,
  ExecutionResult,
  ExecutionState,
  Limits,
  Outcome,
  ProgressSnapshot,
  Step,
} from './types.ts'
import { Updates } from './updates.ts'

type CancelReason = 'requested' | 'aborted' | 'external'

export interface RunInput {
  port: KafkaAdminPort
  settings: Settings
  limits: Limits
  tracked: Tracked[]
  /** Throttles to SET before the first submission (execute). */
  throttlesToSet: ThrottleConfigs | null
  /** Extra fields of the throttles-set event. */
  throttleInfo?: { notLive: number[]; replaced?: Record<string, Record<string, string>> }
  /** Throttles found in Kafka that this run owns and clears at the end (recover, cancel). */
  throttlesFound: ThrottleConfigs | null
  planned: Omit<Extract<ReassignmentEvent, { kind: 'planned' }>, 'at' | 'executionId' | 'kind'>
  /** Start in cancel mode (the standalone cancel). */
  cancel?: boolean
}

class StepError extends Error {
  readonly step: Step
  readonly rejected: Array<TopicPartition & { error: string }>
  constructor(step: Step, cause: unknown, rejected: Array<TopicPartition & { error: string }> = []) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.step = step
    this.rejected = rejected
  }
}

function tp(t: Tracked): TopicPartition {
  return { topic: t.move.topic, partition: t.move.partition }
}

function toError(error: unknown): ExecutionError {
  const step = error instanceof StepError ? error.step : 'poll'
  const cause = error instanceof StepError ? error.cause : error
  const code = AutopilotError.is(cause) ? cause.code : 'AP_ERR_INTERNAL'
  const message = cause instanceof Error ? cause.message : String(cause)
  return { step, code, message }
}

export class Run {
  readonly #in: RunInput
  readonly #s: Settings
  readonly #io: ThrottleIo
  readonly #stop = new AbortController()
  readonly #startedAt: number
  readonly #deadline: number
  readonly #updates: Updates
  #state: ExecutionState = 'running'
  #firstSubmitAt: number | null = null
  #cancelReason: CancelReason | null = null
  #warnings: string[] = []
  /** Set once the moves have ended (done, failed or cancelled): a cancel() from then on changes nothing. */
  #windingDown = false
  readonly done: Promise<ExecutionResult>

  constructor(input: RunInput) {
    this.#in = input
    this.#s = input.settings
    this.#io = {
      port: input.port,
      clock: this.#s.clock,
      readBackMs: this.#s.readBackMs,
      attempts: this.#s.cleanupAttempts,
    }
    this.#startedAt = this.#s.clock.now()
    this.#deadline = this.#startedAt + this.#s.timeoutMs
    this.#updates = new Updates(this.#snapshot())
    const onAbort = () => this.requestCancel('aborted')
    if (this.#s.signal?.aborted) this.requestCancel('aborted')
    else this.#s.signal?.addEventListener('abort', onAbort, { once: true })
    if (input.cancel) this.requestCancel('requested')
    this.done = this.#run().finally(() => this.#s.signal?.removeEventListener('abort', onAbort))
  }

  get id(): string {
    return this.#s.executionId
  }

  snapshot(): ProgressSnapshot {
    return this.#updates.latest
  }

  updates(): AsyncGenerator<ProgressSnapshot, void, undefined> {
    return this.#updates.iterate()
  }

  /** Stops submitting, reverts in-flight moves, clears throttles. Idempotent; resolves with the result. */
  requestCancel(reason: CancelReason): Promise<ExecutionResult> {
    if (this.#cancelReason === null && !this.#windingDown) {
      this.#cancelReason = reason
      this.#stop.abort()
    }
    return this.done
  }

  #snapshot(): ProgressSnapshot {
    return snapshot({
      executionId: this.#s.executionId,
      state: this.#state,
      startedAt: this.#startedAt,
      firstSubmitAt: this.#firstSubmitAt,
      now: this.#s.clock.now(),
      tracked: this.#in.tracked,
    })
  }

  #publish(): void {
    this.#updates.push(this.#snapshot())
  }

  async #journal<K extends ReassignmentEvent['kind']>(
    kind: K,
    message: string,
    fields: Omit<Extract<ReassignmentEvent, { kind: K }>, 'at' | 'executionId' | 'kind' | 'message'>,
  ): Promise<void> {
    const event = { kind, at: this.#s.clock.now(), executionId: this.#s.executionId, message, ...fields }
    try {
      await this.#s.journal(event as unknown as ReassignmentEvent)
    } catch (error) {
      this.#warnings.push(`journal (${kind}): ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  #inState(...states: Tracked['state'][]): Tracked[] {
    return this.#in.tracked.filter((t) => states.includes(t.state))
  }

  async #run(): Promise<ExecutionResult> {
    const { planned } = this.#in
    await this.#journal('planned', planned.message, { ...planned })
    let failure: StepError | null = null
    let owned: ThrottleConfigs | null = this.#in.throttlesFound
    try {
      const toSet = this.#in.throttlesToSet
      if (toSet && !isEmpty(toSet) && !this.#stop.signal.aborted) {
        owned = toSet // before the call: a partly applied SET is cleaned up too
        let readBack: 'confirmed' | 'unconfirmed'
        try {
          readBack = await setThrottles(this.#io, toSet)
        } catch (error) {
          throw new StepError('set-throttles', error)
        }
        if (readBack === 'unconfirmed')
          this.#warnings.push('throttle configs did not read back before the first move')
        await this.#journal(
          'throttles-set',
          `throttles set on ${toSet.brokers.length} brokers, ${toSet.topics.length} topics`,
          {
            configs: describe(toSet),
            notLive: this.#in.throttleInfo?.notLive ?? [],
            readBack,
            ...(this.#in.throttleInfo?.replaced ? { replaced: this.#in.throttleInfo.replaced } : {}),
          },
        )
      }
      await this.#loop()
    } catch (error) {
      failure = error instanceof StepError ? error : new StepError('poll', error)
    }
    return this.#windDown(failure, owned)
  }

  async #loop(): Promise<void> {
    const { clock, pollIntervalMs } = this.#s
    let batchNo = 0
    let pollErrors = 0
    for (;;) {
      if (this.#stop.signal.aborted) return
      if (clock.now() >= this.#deadline) {
        throw new StepError(
          'timeout',
          new AutopilotError(
            'AP_ERR_TIMEOUT',
            `the reassignment did not finish within ${this.#s.timeoutMs} ms`,
          ),
        )
      }
      const pending = this.#inState('pending')
      const inFlight = this.#inState('in-flight')
      if (pending.length === 0 && inFlight.length === 0) return
      const batch = nextBatch(
        pending.map((t) => t.move),
        inFlight.map((t) => t.move),
        this.#in.limits,
      )
      if (batch.length > 0)
        await this.#submit(
          ++batchNo,
          pending.filter((t) => batch.includes(t.move)),
        )
      await clock.sleep(
        Math.max(0, Math.min(pollIntervalMs, this.#deadline - clock.now())),
        this.#stop.signal,
      )
      if (this.#stop.signal.aborted) return
      let observation: Awaited<ReturnType<typeof observe>>
      try {
        observation = await observe(
          this.#in.port,
          this.#inState('in-flight').map((t) => t.move),
          this.#s.trackBytes,
        )
        pollErrors = 0
      } catch (error) {
        if (++pollErrors >= this.#s.maxPollErrors) throw new StepError('poll', error)
        continue
      }
      const { done, diverged } = applyObservation(this.#inState('in-flight'), observation)
      this.#publish()
      if (done.length > 0) {
        const s = this.snapshot()
        await this.#journal('progress', `${s.counts.done}/${s.counts.total} partitions at their target`, {
          done: done.map(tp),
          counts: s.counts,
          bytes: s.bytes,
          etaMs: s.etaMs,
        })
      }
      if (diverged.length > 0) {
        this.#cancelReason = 'external'
        return
      }
    }
  }

  async #submit(batchNo: number, batch: Tracked[]): Promise<void> {
    let results: Array<TopicPartition & { error: string | null }>
    try {
      results = await this.#in.port.alterPartitionReassignments(
        batch.map((t) => ({ topic: t.move.topic, partition: t.move.partition, replicas: [...t.move.to] })),
      )
    } catch (error) {
      // Unknown whether Kafka took them: treat them as in flight so the revert cancels whatever it did take.
      for (const t of batch) t.state = 'in-flight'
      throw new StepError('submit', error)
    }
    this.#firstSubmitAt ??= this.#s.clock.now()
    const rejected: Array<TopicPartition & { error: string }> = []
    batch.forEach((t, i) => {
      const error = results[i]?.error ?? null
      if (error === null) t.state = 'in-flight'
      else {
        t.state = 'rejected'
        t.error = error
        rejected.push({ ...tp(t), error })
      }
    })
    const accepted = batch.filter((t) => t.state === 'in-flight')
    this.#publish()
    if (accepted.length > 0) {
      await this.#journal('started', `batch ${batchNo}: ${accepted.length} partitions submitted`, {
        batch: batchNo,
        moves: accepted.map((t) => summary(t.move)),
      })
    }
    if (rejected.length > 0) {
      const first = rejected[0]!
      throw new StepError(
        'submit',
        new AutopilotError(
          'AP_ERR_KAFKA',
          `Kafka rejected the move of ${first.topic}-${first.partition}: ${first.error}` +
            (rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : ''),
          { details: { rejected } },
        ),
        rejected,
      )
    }
  }

  #outcome(): Outcome {
    if (this.#inState('in-flight').length > 0) return 'in-flight-left'
    const moved = this.#in.tracked.filter((t) => t.state === 'done' && t.move.kind !== 'noop').length
    if (moved === 0) return 'unchanged'
    return this.#inState('pending', 'reverted', 'rejected', 'diverged', 'skipped').length === 0
      ? 'moved'
      : 'partly-moved'
  }

  async #windDown(initial: StepError | null, owned: ThrottleConfigs | null): Promise<ExecutionResult> {
    this.#windingDown = true
    let failure = initial
    const cancelling = failure !== null || this.#cancelReason !== null
    let reverted: TopicPartition[] = []
    if (cancelling) {
      this.#state = 'cancelling'
      this.#publish()
      const before = new Set(this.#inState('in-flight'))
      const { stuck, unordered } = await revertInFlight(
        {
          port: this.#in.port,
          clock: this.#s.clock,
          attempts: this.#s.cleanupAttempts,
          boundMs: Math.max(10_000, this.#s.readBackMs),
          pollMs: Math.min(this.#s.pollIntervalMs, 1_000),
        },
        this.#in.tracked,
      )
      reverted = [...before].filter((t) => t.state === 'reverted').map(tp)
      if (unordered.length > 0) {
        const names = unordered.map((t) => `${t.move.topic}-${t.move.partition}`).join(', ')
        this.#warnings.push(`reverted with another replica order (preferred leader) than before: ${names}`)
      }
      if (stuck.length > 0) {
        const names = stuck.map((t) => `${t.move.topic}-${t.move.partition}`).join(', ')
        const error = new AutopilotError('AP_ERR_KAFKA', `could not revert the moves of ${names}`, {
          hint: 'throttles were left in place; run recover once Kafka answers again',
        })
        if (failure === null) failure = new StepError('revert', error)
        else this.#warnings.push(error.message)
      }
      for (const t of this.#inState('pending')) t.state = 'skipped'
    }
    const throttlesCleared = await this.#clear(owned, (error) => {
      if (failure === null) failure = new StepError('clear-throttles', error)
      else this.#warnings.push(`clearing throttles: ${error.message}`)
    })
    const election = await this.#elect()
    const counts = this.#snapshot().counts
    const error = failure ? toError(failure) : null
    if (error) this.#state = 'failed'
    else if (this.#cancelReason) this.#state = 'cancelled'
    else this.#state = 'completed'
    const outcome = this.#state === 'completed' ? null : this.#outcome()
    if (this.#state === 'completed') {
      const verification = await finalVerification(this.#in.port, this.#in.tracked)
      if (verification.warning) this.#warnings.push(verification.warning)
      const n = verification.partitions.length
      const message =
        this.#in.tracked.length === 0
          ? 'no reassignment in flight'
          : `${n} partition${n === 1 ? '' : 's'} at their target and in sync`
      await this.#journal('verified', message, { partitions: verification.partitions, election })
    } else if (this.#state === 'cancelled') {
      await this.#journal('cancelled', `cancelled (${this.#cancelReason}): ${outcome}`, {
        reason: this.#cancelReason!,
        outcome: outcome!,
        reverted,
        completed: this.#inState('done')
          .filter((t) => t.move.kind !== 'noop')
          .map(tp),
        notStarted: this.#inState('skipped').map(tp),
        diverged: this.#inState('diverged').map(tp),
      })
    } else {
      await this.#journal('failed', `${error!.step} failed: ${error!.message}`, {
        error: error!,
        outcome,
        counts,
        ...(failure!.rejected.length > 0 ? { rejected: failure!.rejected } : {}),
        ...(reverted.length > 0 ? { reverted } : {}),
      })
    }
    const progress = this.#snapshot()
    this.#updates.close(progress)
    return {
      executionId: this.#s.executionId,
      state: this.#state as ExecutionResult['state'],
      outcome,
      cancelReason: this.#state === 'cancelled' ? this.#cancelReason : null,
      error,
      warnings: [...this.#warnings],
      election,
      throttles: { set: owned !== null && !isEmpty(owned), cleared: throttlesCleared },
      progress,
    }
  }

  /** Clears `owned` unless a move of ours is still in flight (it would run unthrottled). */
  async #clear(owned: ThrottleConfigs | null, onError: (error: AutopilotError) => void): Promise<boolean> {
    if (owned === null || isEmpty(owned)) return true
    if (this.#inState('in-flight').length > 0) return false
    try {
      const result = await clearThrottles(this.#io, owned)
      if (result.readBack === 'unconfirmed') {
        this.#warnings.push(`throttle configs still read as set: ${result.remaining.join(', ')}`)
      }
      await this.#journal(
        'throttles-cleared',
        `throttles cleared on ${Object.keys(result.deleted).length} resources`,
        {
          deleted: result.deleted,
          readBack: result.readBack,
          remaining: result.remaining,
        },
      )
      return true
    } catch (error) {
      onError(
        AutopilotError.is(error)
          ? error
          : new AutopilotError('AP_ERR_KAFKA', error instanceof Error ? error.message : String(error)),
      )
      return false
    }
  }

  async #elect(): Promise<ElectionSummary | null> {
    if (!this.#s.electLeaders) return null
    const moved = this.#in.tracked.filter((t) => t.state === 'done' && t.move.kind !== 'noop')
    if (moved.length === 0) return null
    const election = await electLeaders(this.#in.port, moved.map(tp))
    for (const f of election.failed)
      this.#warnings.push(`preferred leader of ${f.topic}-${f.partition}: ${f.error}`)
    return election
  }
}
