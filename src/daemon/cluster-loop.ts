// The loop of one Kafka cluster: each tick takes ONE lag snapshot (whatever the number of scalers on the
// cluster), then lets every due scaler decide from it, concurrently. A snapshot that cannot be read is passed
// on as such (readable: false), so decide() holds or falls back: brokers being unreachable never reads as
// "no lag" and never scales a group to zero. Lag read failures are journaled when they start and end.
import type { DaemonMetrics } from '../api/daemon-metrics.ts'
import { describeCause } from '../errors.ts'
import type { Journal } from '../journal/journal.ts'
import { LagCollector } from '../monitor/lag-collector.ts'
import type { LagMonitor } from '../monitor/lag-monitor.ts'
import type { DaemonClock } from './clock.ts'
import type { ClusterPlan } from './clusters.ts'
import type { EventCode } from './events.ts'
import type { LagReading, ScalerController } from './scaler-controller.ts'
import type { ClusterStatus } from './status.ts'

export interface ClusterLoopOptions {
  plan: ClusterPlan
  monitor: Pick<LagMonitor, 'poll'>
  controllers: ScalerController[]
  clock: DaemonClock
  journal: Journal
  metrics: DaemonMetrics
  log: (line: string) => void
}

export class ClusterLoop {
  readonly plan: ClusterPlan
  readonly controllers: ScalerController[]
  readonly collector: LagCollector
  readonly #o: ClusterLoopOptions
  /** Whether the last read succeeded; null before the first. */
  #readable: boolean | null = null

  constructor(options: ClusterLoopOptions) {
    this.#o = options
    this.plan = options.plan
    this.controllers = options.controllers
    this.collector = new LagCollector(() => options.monitor.poll(), {
      intervalMs: options.plan.intervalMs,
      now: () => options.clock.now(),
    })
  }

  /** One snapshot, then the due scalers decide (every scaler with `all`). */
  async tick(signal: AbortSignal, options: { all?: boolean } = {}): Promise<void> {
    const { clock, metrics } = this.#o
    const started = clock.now()
    // The read is not abortable; on shutdown stop waiting for it (closing the port ends it).
    await untilAborted(this.collector.collectOnce(), signal)
    if (signal.aborted) return
    const reading = this.reading()
    this.#noteReadability(reading)
    const now = clock.now()
    const due = options.all
      ? this.controllers
      : this.controllers.filter((c) => c.isDue(now, this.plan.intervalMs))
    await Promise.all(
      due.map((c) =>
        c.tick(reading, signal).catch((err: unknown) => {
          this.#o.log(`${c.name}: tick failed: ${describeCause(err)}`)
        }),
      ),
    )
    metrics.tick(this.plan.label, (clock.now() - started) / 1000)
  }

  /** The lag this tick's decisions use: the snapshot just read, or why there is none. */
  reading(): LagReading {
    const { snapshot, health } = this.collector.current()
    if (health.up && snapshot !== null) return { snapshot, error: null }
    return { snapshot: null, error: health.lastError ?? 'no lag snapshot yet' }
  }

  status(): ClusterStatus {
    const { health } = this.collector.current()
    return {
      cluster: this.plan.label,
      scalers: this.controllers.map((c) => c.name),
      ready: health.lastSuccessAt !== null,
      lastSuccessAt: health.lastSuccessAt,
      lastError: health.up ? null : health.lastError,
    }
  }

  #noteReadability(reading: LagReading): void {
    const readable = reading.error === null
    if (readable === this.#readable) return
    const first = this.#readable === null
    this.#readable = readable
    if (first && readable) return
    const code: EventCode = readable ? 'LagReadable' : 'LagUnreadable'
    const message = readable
      ? `lag of ${this.plan.label} can be read again`
      : `cannot read lag from ${this.plan.label}: ${reading.error}`
    try {
      this.#o.journal.append({
        at: this.#o.clock.now(),
        kind: 'event',
        reason: code,
        message,
        inputs: { cluster: this.plan.label, scalers: this.controllers.map((c) => c.name) },
      })
    } catch (err) {
      this.#o.log(`could not journal ${code}: ${describeCause(err)}`)
    }
    this.#o.log(message)
  }
}

function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
    work.then(done, done)
  })
}
