// The consumer group protocol (KIP-848, `--group-protocol consumer`) in the group model (group.ts). There is
// no group-wide stop: the broker's assignor is sticky (uniform), so a membership change moves only the
// partitions it must, and only those wait for their new owner (movedPauseSeconds); the others keep being
// consumed. Which partitions move, in the model's round-robin terms:
// - scale-up from `before` to `after` members: the new members take over their share, the partitions whose
//   round-robin owner (p mod after) is one of the new member indices (before … after − 1);
// - scale-down: the removed members' partitions, those whose owner before (p mod before) is at or above
//   `after` (a ReplicaSet removes the newest pods, the model's highest member indices).
// Consumption capacity stays as with classic: partition p is served by member p mod members.

const EPS = 1e-9

/** Partitions that change owner when the group goes from `before` to `after` members (ascending). */
export function movedPartitions(partitions: number, before: number, after: number): number[] {
  const moved: number[] = []
  if (before === after) return moved
  for (let p = 0; p < partitions; p++) {
    const owner = after > before ? p % after : before > 0 ? p % before : 0
    if (after > before ? owner >= before : owner >= after) moved.push(p)
  }
  return moved
}

/** Per-partition pauses: until when each partition waits for its new owner. */
export class PartitionPauses {
  readonly until: Float64Array

  constructor(partitions: number) {
    this.until = new Float64Array(partitions).fill(Number.NEGATIVE_INFINITY)
  }

  /** A membership change at `at` from `before` to `after` members: the moved partitions pause. */
  change(at: number, before: number, after: number, pauseSeconds: number): void {
    for (const p of movedPartitions(this.until.length, before, after)) {
      this.until[p] = Math.max(this.until[p] as number, at + pauseSeconds)
    }
  }

  /** Whether partition p is being consumed at time t. */
  activeAt(p: number, t: number): boolean {
    return (this.until[p] as number) <= t + EPS
  }

  /**
   * [from, to) cut at the pause ends that fall inside it: within each piece the same partitions are paused.
   * Returns the pieces' ends, ascending, the last one `to`.
   */
  cuts(from: number, to: number): number[] {
    const ends = new Set<number>()
    for (const u of this.until) if (u > from + EPS && u < to - EPS) ends.add(u)
    return [...[...ends].sort((a, b) => a - b), to]
  }
}
