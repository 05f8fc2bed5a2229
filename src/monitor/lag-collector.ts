// Runs lag polls on a fixed cadence, in the background, and keeps the last snapshot and the collector's health.
// Readers (the /metrics endpoint, the daemon) only read `current()`: a scrape never talks to Kafka.
// Polls never overlap: the next one is scheduled when the previous one ends, `intervalMs` after it started.
import type { LagSnapshot } from '../analyzer/lag/types.ts'
import { describeCause } from '../errors.ts'

export interface CollectorHealth {
  /** True when the last collection succeeded. */
  up: boolean
  /** Time (ms) of the last successful collection's end, or null. */
  lastSuccessAt: number | null
  /** Duration (ms) of the last collection, successful or not. */
  lastDurationMs: number | null
  lastError: string | null
  collections: number
  failures: number
}

export interface LagSource {
  current(): { snapshot: LagSnapshot | null; health: CollectorHealth }
}

export interface LagCollectorOptions {
  intervalMs: number
  now?: () => number
  onError?: (error: unknown) => void
  onSnapshot?: (snapshot: LagSnapshot) => void
}

export class LagCollector implements LagSource {
  readonly #poll: () => Promise<LagSnapshot>
  readonly #options: LagCollectorOptions
  #snapshot: LagSnapshot | null = null
  #health: CollectorHealth = {
    up: false,
    lastSuccessAt: null,
    lastDurationMs: null,
    lastError: null,
    collections: 0,
    failures: 0,
  }
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #stopped = true
  #waiters: Array<() => void> = []

  constructor(poll: () => Promise<LagSnapshot>, options: LagCollectorOptions) {
    this.#poll = poll
    this.#options = options
  }

  current(): { snapshot: LagSnapshot | null; health: CollectorHealth } {
    return { snapshot: this.#snapshot, health: { ...this.#health } }
  }

  /** Starts collecting after `delayMs` (default: now), then every intervalMs. */
  start(delayMs = 0): void {
    if (!this.#stopped) return
    this.#stopped = false
    if (delayMs <= 0) {
      this.#tick()
      return
    }
    this.#timer = setTimeout(() => this.#tick(), delayMs)
    this.#timer.unref?.()
  }

  /** Stops the schedule and waits for a collection in flight. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.#running
  }

  /** Resolves after the next collection ends (successful or not). */
  nextCollection(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** One collection, outside the schedule (also what the schedule runs). */
  async collectOnce(): Promise<void> {
    const now = this.#options.now ?? Date.now
    const started = now()
    try {
      const snapshot = await this.#poll()
      this.#snapshot = snapshot
      this.#health = {
        ...this.#health,
        up: true,
        lastSuccessAt: now(),
        lastDurationMs: now() - started,
        lastError: null,
        collections: this.#health.collections + 1,
      }
      this.#options.onSnapshot?.(snapshot)
    } catch (err) {
      this.#health = {
        ...this.#health,
        up: false,
        lastDurationMs: now() - started,
        lastError: describeCause(err),
        collections: this.#health.collections + 1,
        failures: this.#health.failures + 1,
      }
      this.#options.onError?.(err)
    } finally {
      for (const resolve of this.#waiters.splice(0)) resolve()
    }
  }

  #tick(): void {
    if (this.#stopped) return
    const started = performance.now()
    this.#running = this.collectOnce().finally(() => {
      this.#running = null
      if (this.#stopped) return
      const wait = Math.max(0, this.#options.intervalMs - (performance.now() - started))
      this.#timer = setTimeout(() => this.#tick(), wait)
      this.#timer.unref?.()
    })
  }
}
