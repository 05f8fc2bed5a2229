// A clock for the daemon's unit tests: time moves only when the test calls advance(), which fires due timers
// in time order and lets the promise chains they start run (no real sleeps; setImmediate only yields).
import type { DaemonClock } from '../../src/daemon/clock.ts'

interface Timer {
  at: number
  seq: number
  fn: () => void
}

export class FakeClock implements DaemonClock {
  #now: number
  #seq = 0
  #timers: Timer[] = []

  constructor(start = 1_700_000_000_000) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn }
    this.#timers.push(timer)
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer)
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const cancel = this.setTimer(resolve, ms)
      signal?.addEventListener(
        'abort',
        () => {
          cancel()
          resolve()
        },
        { once: true },
      )
    })
  }

  /** Timers still pending, soonest first (ms from now). */
  pending(): number[] {
    return this.#timers.map((t) => t.at - this.#now).sort((a, b) => a - b)
  }

  /** Moves time forward at once (a suspended machine), then fires what fell due, once each. */
  async jump(ms: number): Promise<void> {
    this.#now += ms
    await this.advance(0)
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order, and settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.#timers = this.#timers.filter((t) => t !== due)
      this.#now = Math.max(this.#now, due.at)
      due.fn()
      await settle()
    }
    this.#now = target
    await settle()
  }
}

/** Lets pending promise callbacks (and I/O-free async chains) run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
