// Reverting in-flight moves: AlterPartitionReassignments with `replicas: null` (Kafka drops the adding replicas
// and keeps the original ones, which never left the ISR), then a bounded check of where each partition ended:
// back at its original replicas (reverted), at its target because the copy finished first (done), or elsewhere
// (diverged: someone else changed it). Cancel requests are re-sent while Kafka still lists the partition.
//
// Kafka (4.1) restores the original replica *set* on cancel but not its order: it drops the adding replicas from
// the target-ordered list, so [1,2] → target [3,2] → cancelled comes back as [2,1], with another preferred
// leader. A reverted partition whose original replicas are all in the ISR is therefore reordered back with a
// second, metadata-only reassignment (nothing is copied; Kafka applies it at once).
import type { KafkaAdminPort, PartitionMetadata } from '../../kafka/port.ts'
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

export interface RevertResult {
  /** Still in flight: the cancel could not be confirmed. */
  stuck: Tracked[]
  /** Reverted, but the original replica order could not be restored (see above). */
  unordered: Tracked[]
}

/** Reverts the in-flight moves of `tracked`, updating their states. */
export async function revertInFlight(io: RevertIo, tracked: readonly Tracked[]): Promise<RevertResult> {
  let open = tracked.filter((t) => t.state === 'in-flight')
  const seen = new Map<Tracked, PartitionMetadata>()
  const deadline = io.clock.now() + io.boundMs
  let cancelsSent = 0
  let toCancel = open
  while (open.length > 0) {
    if (toCancel.length > 0 && cancelsSent < io.attempts) {
      cancelsSent++
      // Per-partition errors need no handling: NO_REASSIGNMENT_IN_PROGRESS means it already finished (or was
      // cancelled by someone else), and the observation below says where the partition is either way.
      await io.port
        .alterPartitionReassignments(
          toCancel.map((t) => ({ topic: t.move.topic, partition: t.move.partition, replicas: null })),
        )
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
        if (p) seen.set(t, p)
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
  const stuck = open.filter((t) => t.state === 'in-flight')
  const unordered = [...seen]
    .filter(([t, p]) => t.state === 'reverted' && !sameList(p.replicas, t.move.from))
    .map(([t, p]) => ({ t, p }))
  return { stuck, unordered: await restoreOrder(io, unordered) }
}

/** Reorders reverted partitions back to their original replica order; returns those it could not. */
async function restoreOrder(
  io: RevertIo,
  items: Array<{ t: Tracked; p: PartitionMetadata }>,
): Promise<Tracked[]> {
  const ready = items.filter(({ t, p }) => t.move.from.every((b) => p.isr.includes(b))).map(({ t }) => t)
  const failed = items.filter(({ t }) => !ready.includes(t)).map(({ t }) => t)
  if (ready.length === 0) return failed
  const results = await io.port
    .alterPartitionReassignments(
      ready.map((t) => ({ topic: t.move.topic, partition: t.move.partition, replicas: [...t.move.from] })),
    )
    .catch(() => ready.map(() => ({ error: 'request failed' })))
  const submitted = ready.filter((_t, i) => results[i]?.error === null)
  failed.push(...ready.filter((t) => !submitted.includes(t)))
  // Confirm (bounded): the reorder leaves nothing ongoing and the metadata shows the original order.
  let left = submitted
  const deadline = io.clock.now() + io.boundMs
  while (left.length > 0 && io.clock.now() < deadline) {
    await io.clock.sleep(Math.min(io.pollMs, 250))
    const observation = await observe(
      io.port,
      left.map((t) => t.move),
      false,
    ).catch(() => null)
    if (!observation) continue
    left = left.filter((t) => {
      const p = observation.partitions.get(partitionKey(t.move))
      return observation.ongoing.has(partitionKey(t.move)) || !p || !sameList(p.replicas, t.move.from)
    })
  }
  return [...failed, ...left]
}
