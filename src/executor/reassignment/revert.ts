// Reverting in-flight moves: AlterPartitionReassignments with `replicas: null` (Kafka drops the adding replicas
// and keeps the original ones, which never left the ISR), then a bounded check of where each partition ended:
// back at its original replicas (reverted), at its target because the copy finished first (done), or elsewhere
// (diverged: someone else changed it). Cancel requests are re-sent while Kafka still lists the partition.
import type { KafkaAdminPort } from '../../kafka/port.ts'
import type { Clock } from '../leader-election.ts'
import { partitionKey, sameList } from './moves.ts'
import { observe } from './observe.ts'
import type { Tracked } from './progress.ts'

export interface RevertIo {
  port: KafkaAdminPort
  clock: Clock
  attempts: number
  /** Bound of the whole revert, ms. */
  boundMs: number
  pollMs: number
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

/** Reverts the in-flight moves of `tracked`, updating their states; returns those still in flight (stuck). */
export async function revertInFlight(io: RevertIo, tracked: readonly Tracked[]): Promise<Tracked[]> {
  let open = tracked.filter((t) => t.state === 'in-flight')
  const deadline = io.clock.now() + io.boundMs
  let cancelsSent = 0
  let toCancel = open
  while (open.length > 0) {
    if (toCancel.length > 0 && cancelsSent < io.attempts) {
      cancelsSent++
      // Per-partition errors need no handling: NO_REASSIGNMENT_IN_PROGRESS means it already finished (or was
      // cancelled by someone else), and the observation below says where the partition is either way.
      await io.port
        .alterPartitionReassignments(toCancel.map((t) => ({ ...t.move, replicas: null })))
        .catch(() => null)
    }
    let observation: Awaited<ReturnType<typeof observe>> | null = null
    try {
      observation = await observe(
        io.port,
        open.map((t) => t.move),
        false,
      )
    } catch {
      observation = null
    }
    if (observation) {
      toCancel = []
      for (const t of open) {
        const key = partitionKey(t.move)
        if (observation.ongoing.has(key)) {
          toCancel.push(t)
          continue
        }
        const p = observation.partitions.get(key)
        if (p && sameList(p.replicas, t.move.to)) t.state = 'done'
        else if (p && sameSet(p.replicas, t.move.from)) t.state = 'reverted'
        else t.strayPolls++
      }
      open = open.filter((t) => t.state === 'in-flight')
    } else {
      toCancel = open
    }
    if (open.length === 0 || io.clock.now() >= deadline) break
    await io.clock.sleep(io.pollMs)
  }
  // Not listed by Kafka any more but neither at the original nor at the target: changed by someone else.
  for (const t of open) {
    if (!toCancel.includes(t)) t.state = 'diverged'
  }
  return open.filter((t) => t.state === 'in-flight')
}
