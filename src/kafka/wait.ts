// The one bounded poll, for states Kafka does not push to us (metadata propagation after a topic change, a
// reassignment draining a broker). `poll` calls `check` every `intervalMs` until its answer is what we wait
// for or `timeoutMs` passes, and on a timeout says what it last saw (the last answer, the last error) so the
// caller's message can name it. Its clock is injectable, so unit tests drive time instead of sleeping.
import { setTimeout as delay } from 'node:timers/promises'

/** Time for the waits: the daemon's clock (src/daemon/clock.ts) has this shape, and so do the tests' fakes. */
export interface WaitClock {
  now(): number
  /** Waits `ms`; may reject (or resolve early) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Wall-clock time; its sleep rejects with an AbortError when the signal aborts. */
export const realClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
}

export interface PollOptions<V> {
  /** How long to keep polling, ms; the last check is made at the deadline. 0 checks once. */
  timeoutMs: number
  /** Pause between checks, ms (default 100); the last pause is shortened to end at the deadline. */
  intervalMs?: number
  /** Checked before every check; an aborted signal rejects with its reason. */
  signal?: AbortSignal
  /** When the answer is the one waited for; default: anything but undefined, null or false. */
  until?: (value: V) => boolean
  /** true: an error thrown by `check` is remembered (`lastError`) and polling goes on; default: it rejects. */
  tolerateErrors?: boolean
  clock?: WaitClock
}

export type PollResult<V> =
  | { ok: true; value: V; attempts: number }
  | {
      ok: false
      attempts: number
      /** The last answer, undefined when the last check threw. */
      lastValue: V | undefined
      /** The error of the last check, undefined when it answered. */
      lastError: unknown
    }

/**
 * Waits `ms` on `clock`; when `signal` aborts, rejects with the signal's reason whether the clock's sleep
 * rejected (realClock: a plain AbortError) or resolved early, so callers see one abort error.
 */
export async function pause(clock: WaitClock, ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal)
  } catch (err) {
    signal?.throwIfAborted()
    throw err
  }
  signal?.throwIfAborted()
}

const reached = (value: unknown): boolean => value !== undefined && value !== null && value !== false

/** Calls `check` until `until` holds for its answer or `timeoutMs` passes. Rejects only on abort (or errors). */
export async function poll<V>(check: () => Promise<V>, options: PollOptions<V>): Promise<PollResult<V>> {
  const clock = options.clock ?? realClock
  const interval = options.intervalMs ?? 100
  const until = options.until ?? reached
  const deadline = clock.now() + options.timeoutMs
  let lastValue: V | undefined
  let lastError: unknown
  for (let attempts = 1; ; attempts++) {
    options.signal?.throwIfAborted()
    try {
      const value = await check()
      if (until(value)) return { ok: true, value, attempts }
      lastValue = value
      lastError = undefined
    } catch (err) {
      if (!options.tolerateErrors) throw err
      lastValue = undefined
      lastError = err
    }
    const left = deadline - clock.now()
    if (left <= 0) return { ok: false, attempts, lastValue, lastError }
    await pause(clock, Math.min(interval, left), options.signal)
  }
}

/** Calls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  return (await poll(check, { timeoutMs, intervalMs, until: (v) => v === true })).ok
}
