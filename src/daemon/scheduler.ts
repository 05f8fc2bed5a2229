// Runs periodic jobs. A job never overlaps itself: when its next time comes while the previous run is still
// going, that tick is skipped (and reported), not queued. Runs are on a fixed rate (planned times are
// interval apart, so a slow run does not shift the cadence); a job that fell behind by more than an interval
// (clock jump, long pause) resumes an interval from now rather than bursting. The first run of each job is
// jittered so that many jobs (or many Autopilot replicas) do not poll in step. Timers never keep the process
// alive; `stop()` aborts the signal given to running jobs and waits for them.
import type { DaemonClock } from './clock.ts'

export interface ScheduledJob {
  id: string
  intervalMs: number
  /** Must honour `signal` (aborted by stop()). Errors are reported through onRun, never thrown further. */
  run(signal: AbortSignal): Promise<void>
}

export interface SchedulerOptions {
  clock: DaemonClock
  /** [0, 1); default Math.random. */
  random?: () => number
  /** Upper bound of the first-run delay (the job's interval when smaller). Default 5000 ms. */
  maxJitterMs?: number
  /** After each run: its duration and the error it threw, if any. */
  onRun?: (id: string, durationMs: number, error: unknown) => void
  /** A tick came while the previous run of the job was still going. */
  onSkip?: (id: string) => void
}

interface Entry {
  job: ScheduledJob
  cancel: (() => void) | null
  running: Promise<void> | null
}

export class Scheduler {
  readonly #options: SchedulerOptions
  readonly #entries = new Map<string, Entry>()
  readonly #controller = new AbortController()
  #stopped = false

  constructor(options: SchedulerOptions) {
    this.#options = options
  }

  /** Aborted by stop(): running jobs and anything they started should end. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** Plans the job's first run after a random delay in [0, min(interval, maxJitterMs)). */
  schedule(job: ScheduledJob): void {
    if (this.#stopped) return
    if (!(job.intervalMs > 0)) throw new RangeError(`job ${job.id}: intervalMs must be > 0`)
    if (this.#entries.has(job.id)) throw new RangeError(`job ${job.id} is already scheduled`)
    const entry: Entry = { job, cancel: null, running: null }
    this.#entries.set(job.id, entry)
    const { clock } = this.#options
    const spread = Math.min(job.intervalMs, this.#options.maxJitterMs ?? 5_000)
    const delay = Math.floor((this.#options.random ?? Math.random)() * spread)
    const first = clock.now() + delay
    entry.cancel = clock.setTimer(() => this.#fire(entry, first), delay)
  }

  /** True while a run of the job is going. */
  isRunning(id: string): boolean {
    return this.#entries.get(id)?.running != null
  }

  /** Cancels every timer, aborts the signal and waits for the runs in progress. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const entry of this.#entries.values()) entry.cancel?.()
    this.#controller.abort(new Error('scheduler stopped'))
    await Promise.all([...this.#entries.values()].map((e) => e.running))
  }

  #fire(entry: Entry, plannedAt: number): void {
    if (this.#stopped) return
    const { clock } = this.#options
    const now = clock.now()
    let next = plannedAt + entry.job.intervalMs
    if (next <= now) next = now + entry.job.intervalMs
    entry.cancel = clock.setTimer(() => this.#fire(entry, next), next - now)
    if (entry.running) {
      this.#options.onSkip?.(entry.job.id)
      return
    }
    const run = this.#run(entry, now)
    entry.running = run
    void run.finally(() => {
      if (entry.running === run) entry.running = null
    })
  }

  async #run(entry: Entry, started: number): Promise<void> {
    let error: unknown
    try {
      await entry.job.run(this.#controller.signal)
    } catch (err) {
      error = err
    }
    try {
      this.#options.onRun?.(entry.job.id, this.#options.clock.now() - started, error)
    } catch {
      // A reporting hook must not break the schedule.
    }
  }
}
