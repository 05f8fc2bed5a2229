// Pure: which pending moves to submit next, given what is in flight and the limits. Greedy in plan order (the
// planner's order, so the result is deterministic): a copy move is taken when the global count and every broker
// it touches (gaining or losing a replica, as Cruise Control counts source and destination) are below their
// limits; a metadata-only move (no broker gains a replica) copies nothing and counts against the global limit
// only. Nothing in flight means every broker is at 0, so any move fits: the plan always progresses.
import type { Limits, Move } from './types.ts'

export const DEFAULT_LIMITS: Limits = { maxMovesPerBroker: 5, maxMoves: 50 }

/** Brokers a copy move occupies: those gaining or losing a replica. */
export function brokersOf(move: Move): number[] {
  return move.kind === 'copy' ? [...new Set([...move.adding, ...move.removing])] : []
}

/** Copy moves in flight per broker. */
export function brokerLoad(inFlight: readonly Move[]): Map<number, number> {
  const load = new Map<number, number>()
  for (const m of inFlight) for (const b of brokersOf(m)) load.set(b, (load.get(b) ?? 0) + 1)
  return load
}

/** The moves of `pending` to submit now, in their order. */
export function nextBatch(pending: readonly Move[], inFlight: readonly Move[], limits: Limits): Move[] {
  const load = brokerLoad(inFlight)
  let total = inFlight.length
  const batch: Move[] = []
  for (const move of pending) {
    if (total >= limits.maxMoves) break
    const brokers = brokersOf(move)
    if (brokers.some((b) => (load.get(b) ?? 0) >= limits.maxMovesPerBroker)) continue
    for (const b of brokers) load.set(b, (load.get(b) ?? 0) + 1)
    total++
    batch.push(move)
  }
  return batch
}
