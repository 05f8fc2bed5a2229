// Group coordinators, looked up with one batched FindCoordinator (v4+, KIP-699) for all unknown groups and
// cached, so steady-state group reads cost only the requests to the coordinators themselves.
import { setTimeout as sleep } from 'node:timers/promises'
import { AutopilotError } from '../errors.ts'
import { describeItemError, protocolErrorName } from './error-mapping.ts'
import { type KafkaSession, tolerant } from './session.ts'
import type { FindCoordinatorResponse } from './wire-types.ts'

const GROUP_KEY_TYPE = 0

export interface Coordinator {
  nodeId: number
  host: string
  port: number
}

export type CoordinatorLookup = Map<string, Coordinator | { error: string }>

export function isCoordinator(value: Coordinator | { error: string } | undefined): value is Coordinator {
  return value !== undefined && 'nodeId' in value
}

/** Errors after which the cached coordinator of a group must be forgotten. */
export const COORDINATOR_MOVED = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE'])

export class CoordinatorCache {
  readonly #session: KafkaSession
  readonly #maxAgeMs: number
  readonly #cache = new Map<string, Coordinator & { at: number }>()

  constructor(session: KafkaSession, maxAgeMs: number) {
    this.#session = session
    this.#maxAgeMs = maxAgeMs
  }

  invalidate(groupId: string): void {
    this.#cache.delete(groupId)
  }

  /** Coordinator (or error) of each group; at most one FindCoordinator request on a v4+ broker. */
  async lookup(groupIds: string[]): Promise<CoordinatorLookup> {
    const now = Date.now()
    const out: CoordinatorLookup = new Map()
    const missing: string[] = []
    for (const id of new Set(groupIds)) {
      const hit = this.#cache.get(id)
      if (hit && now - hit.at <= this.#maxAgeMs)
        out.set(id, { nodeId: hit.nodeId, host: hit.host, port: hit.port })
      else missing.push(id)
    }
    if (missing.length === 0) return out
    const api = await this.#session.api<[number, string[]], FindCoordinatorResponse>('FindCoordinator')
    const responses = await this.#session.onAny((conn) =>
      api.version >= 4
        ? Promise.all([tolerant(api.async(conn, GROUP_KEY_TYPE, missing))])
        : Promise.all(
            missing.map(async (key) => {
              const r = await tolerant(api.async(conn, GROUP_KEY_TYPE, [key]))
              for (const c of r.coordinators) c.key = key
              return r
            }),
          ),
    )
    for (const response of responses) {
      for (const c of response.coordinators) {
        if (c.errorCode !== 0) {
          out.set(c.key, { error: protocolErrorName(c.errorCode) })
          continue
        }
        const entry = { nodeId: c.nodeId, host: c.host, port: c.port }
        this.#cache.set(c.key, { ...entry, at: now })
        out.set(c.key, entry)
      }
    }
    for (const id of missing) if (!out.has(id)) out.set(id, { error: 'COORDINATOR_NOT_AVAILABLE' })
    return out
  }
}

/** Groups ids by coordinator node; ids whose lookup failed land in `failed`. */
export function groupByCoordinator(
  groupIds: string[],
  lookup: CoordinatorLookup,
): { byNode: Map<number, { coordinator: Coordinator; groupIds: string[] }>; failed: Map<string, string> } {
  const byNode = new Map<number, { coordinator: Coordinator; groupIds: string[] }>()
  const failed = new Map<string, string>()
  for (const id of groupIds) {
    const c = lookup.get(id)
    if (!isCoordinator(c)) {
      failed.set(id, c?.error ?? 'COORDINATOR_NOT_AVAILABLE')
      continue
    }
    const slot = byNode.get(c.nodeId)
    if (slot) slot.groupIds.push(id)
    else byNode.set(c.nodeId, { coordinator: c, groupIds: [id] })
  }
  return { byNode, failed }
}

export function unreachable(node: number, error: unknown): string {
  return `coordinator ${node} unreachable or failed: ${describeItemError(error)}`
}

/** Errors of a group write that clear up by themselves: __consumer_offsets being created or loaded, or moving. */
const TRANSIENT_COORDINATOR = new Set([
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR',
])

/**
 * Runs a group write, retrying (bounded by `budgetMs`) while the coordinator is transiently unavailable, e.g. the
 * first group operation on a fresh cluster, which creates __consumer_offsets. Used by writes only: the monitor's
 * batched reads report such groups as errors instead, to keep their request budget.
 */
export async function withCoordinatorRetry<T>(
  groupIds: string[],
  cache: CoordinatorCache,
  fn: () => Promise<T>,
  budgetMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + budgetMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const kafkaErrors = AutopilotError.is(error)
        ? ((error.details?.kafkaErrors as string[] | undefined) ?? [])
        : []
      const transient = kafkaErrors.some((e) => TRANSIENT_COORDINATOR.has(e))
      const wait = Math.min(1_000, 100 * attempt)
      if (!transient || Date.now() + wait > deadline) throw error
      for (const id of groupIds) cache.invalidate(id)
      await sleep(wait)
    }
  }
}
