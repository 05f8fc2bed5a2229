// Choosing "any broker" for a request, and blaming the right one when it fails. A frozen broker (SIGSTOP, a long
// GC pause) keeps its TCP connection open, so a request to it only times out; without memory every call would
// pick it again. The broker a request was actually sent to is the one demoted (tried last for a while), never
// the broker some other call happened to pick, and calls addressed to one broker (a partition leader, a group
// coordinator) demote nothing. Idempotent reads then try another broker at once, within a deadline.
import { isNetworkFailure } from './error-mapping.ts'

/** How long a broker whose request timed out (or whose connection failed) is tried last. */
export const SLOW_BROKER_MS = 60_000

export interface HostPort {
  host: string
  port: number
}

export const brokerKey = (b: HostPort): string => `${b.host}:${b.port}`

/** Which brokers were demoted and until when; `order` puts them last. */
export class BrokerChoice {
  readonly #slow = new Map<string, number>()
  readonly #slowMs: number
  readonly #now: () => number

  constructor(options: { slowMs?: number; now?: () => number } = {}) {
    this.#slowMs = options.slowMs ?? SLOW_BROKER_MS
    this.#now = options.now ?? Date.now
  }

  /** Broker `key` answered with a timeout or a connection error: try it last for a while. */
  demote(key: string): void {
    this.#slow.set(key, this.#now() + this.#slowMs)
  }

  isSlow(key: string): boolean {
    const until = this.#slow.get(key)
    if (until === undefined) return false
    if (until > this.#now()) return true
    this.#slow.delete(key)
    return false
  }

  /**
   * `candidates` without duplicates, in this order: healthy ones, then the demoted ones (least recently demoted
   * first), then those in `avoid` (already tried by this call).
   */
  order<B extends HostPort>(candidates: readonly B[], avoid: ReadonlySet<string> = new Set()): B[] {
    const seen = new Set<string>()
    const unique = candidates.filter((b) => {
      const key = brokerKey(b)
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    const rank = (b: B) => (avoid.has(brokerKey(b)) ? 2 : this.isSlow(brokerKey(b)) ? 1 : 0)
    const until = (b: B) => this.#slow.get(brokerKey(b)) ?? 0
    // Array.prototype.sort is stable: equal ranks keep the bootstrap-first order.
    return unique.sort((a, b) => rank(a) - rank(b) || (rank(a) === 1 ? until(a) - until(b) : 0))
  }
}

export interface AnyBrokerCall<C, R> {
  /** A connection to the first reachable broker of the session's order, avoiding `avoid`, and its key. */
  pick: (avoid: ReadonlySet<string>) => Promise<{ key: string; connection: C }>
  send: (connection: C) => Promise<R>
  demote: (key: string) => void
  /** Attempts in all: 1 for writes (not retried blindly), up to 3 for idempotent reads. */
  attempts: number
  /** No new attempt starts at or after this time (same clock as `now`). */
  deadline: number
  now?: () => number
}

/**
 * Sends one request to any broker. A timeout or connection error demotes the broker the request went to; an
 * idempotent read (`attempts` > 1) is then sent to another broker while attempts and time remain. The last
 * error is thrown as is, for the caller to map (session.fail). Kafka error answers are never retried here.
 */
export async function callAnyBroker<C, R>(call: AnyBrokerCall<C, R>): Promise<R> {
  const now = call.now ?? Date.now
  const tried = new Set<string>()
  let last: unknown = null
  for (let n = 1; ; n++) {
    const { key, connection } = await call.pick(tried)
    // every broker was tried: asking one of them again would only wait for the same timeout
    if (tried.has(key)) throw last
    tried.add(key)
    try {
      return await call.send(connection)
    } catch (error) {
      if (!isNetworkFailure(error)) throw error
      call.demote(key)
      last = error
      if (n >= call.attempts || now() >= call.deadline) throw error
    }
  }
}
