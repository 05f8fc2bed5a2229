// Time for the daemon, injected so tests drive it (test/daemon/fake-clock.ts) instead of sleeping. It is
// also the leader elector's clock (now + sleep), so one fake clock moves everything.
import type { Clock } from '../executor/leader-election.ts'
import { systemClock as sleepingClock } from '../executor/leader-election.ts'

export interface DaemonClock extends Clock {
  /** Calls `fn` once after `ms`. The timer never keeps the process alive. Returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void
}

export const systemClock: DaemonClock = {
  now: () => Date.now(),
  sleep: sleepingClock.sleep,
  setTimer(fn, ms) {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return () => clearTimeout(timer)
  },
}
