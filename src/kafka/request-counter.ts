// Counts every request a client sends, by Kafka API name. @platformatic/kafka publishes each request written to a
// socket on the `plt:kafka:connections:api` tracing channel (start event, with the connection and apiKey); the
// pool's connections carry the owning client's instance id, so counting is per client even with several in one
// process. Requests that fail before reaching a socket (connection refused) are not counted.
import { connectionsApiChannel, protocolAPIsById } from '@platformatic/kafka'
import type { RequestCounts } from './port.ts'

interface ApiStartMessage {
  connection?: { ownerId?: number }
  apiKey?: number
}

export class RequestCounter {
  readonly #owners: Set<number>
  readonly #counts = new Map<string, number>()
  readonly #listener = (message: unknown): void => {
    const m = message as ApiStartMessage
    const owner = m.connection?.ownerId
    if (owner === undefined || !this.#owners.has(owner) || m.apiKey === undefined) return
    const name = protocolAPIsById[m.apiKey] ?? `Api${m.apiKey}`
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1)
  }
  #closed = false

  constructor(owners: number[]) {
    this.#owners = new Set(owners)
    connectionsApiChannel.start.subscribe(this.#listener)
  }

  /** Counts since creation (or the last reset), sorted by API name. */
  snapshot(): RequestCounts {
    return Object.fromEntries([...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b)))
  }

  reset(): void {
    this.#counts.clear()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    connectionsApiChannel.start.unsubscribe(this.#listener)
  }
}

/** Difference of two snapshots (after − before), dropping zeros: what one call cost. */
export function diffCounts(before: RequestCounts, after: RequestCounts): RequestCounts {
  const out: RequestCounts = {}
  for (const [name, value] of Object.entries(after)) {
    const delta = value - (before[name] ?? 0)
    if (delta !== 0) out[name] = delta
  }
  return out
}
