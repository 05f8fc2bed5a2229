// Talking to a group or transaction coordinator on a cluster that is still settling. On a fresh cluster the first
// consumer-group join (and the first transactional producer's InitProducerId) meets COORDINATOR_NOT_AVAILABLE /
// NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS while `__consumer_offsets` (`__transaction_state`) is created
// and its partitions loaded, for longer than the library's own quick retries (options.ts: 2 × 250 ms). These
// errors only say "ask again later", so the ports retry the whole step with a bounded backoff until a deadline;
// anything else (bad group id, authorization, unreachable brokers) fails at once. @platformatic/kafka has no
// such outer retry for consume() or beginTransaction(), hence this small loop.
import { setTimeout as sleep } from 'node:timers/promises'
import { protocolErrorIds } from './error-mapping.ts'

/** Kafka errors that mean the group coordinator is not ready yet; retrying later is the documented remedy. */
export const COORDINATOR_NOT_READY: ReadonlySet<string> = new Set([
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'COORDINATOR_LOAD_IN_PROGRESS',
])

/** True when every Kafka error in the tree is a coordinator-not-ready error (and there is at least one). */
export function isCoordinatorNotReady(error: unknown): boolean {
  const ids = protocolErrorIds(error)
  return ids.length > 0 && ids.every((id) => COORDINATOR_NOT_READY.has(id))
}

const FIRST_DELAY_MS = 250
const MAX_DELAY_MS = 2_000

/** Wait before attempt `attempt + 1` (0-based): 250 ms, doubling, at most 2 s. */
export function coordinatorRetryDelay(attempt: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt))
}

export interface CoordinatorRetryOptions {
  /** Time (ms, same clock as `now`) after which no new attempt starts. */
  deadline: number
  /** Checked before each new attempt: true stops retrying (the client was closed meanwhile). */
  stopped?: () => boolean
  now?: () => number
  wait?: (ms: number) => Promise<unknown>
}

/**
 * Runs `attempt` until it succeeds, retrying only coordinator-not-ready errors while the next attempt can start before
 * the deadline. The last error is thrown as is. `attempt` must clean up after itself when it fails.
 */
export async function retryWhileCoordinatorLoads<T>(
  attempt: () => Promise<T>,
  options: CoordinatorRetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now
  const wait = options.wait ?? sleep
  for (let n = 0; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      const delay = coordinatorRetryDelay(n)
      if (!isCoordinatorNotReady(error) || now() + delay >= options.deadline || options.stopped?.())
        throw error
      await wait(delay)
      if (options.stopped?.()) throw error
    }
  }
}
