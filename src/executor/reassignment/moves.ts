// Pure: from a validated plan and the cluster as it is now to the list of moves (from → to, adding, removing,
// kind), refusing plans that cannot complete: unknown topics or partitions, and targets on brokers that are not
// live (a reassignment onto a dead or fenced broker never finishes). Recovery builds moves from Kafka's own
// list of ongoing reassignments instead.
import { AutopilotError } from '../../errors.ts'
import type { ClusterMetadata } from '../../kafka/port.ts'
import type { Move, MoveKind, ReassignmentPlan } from './types.ts'

export function partitionKey(p: { topic: string; partition: number }): string {
  return `${p.topic}-${p.partition}`
}

export function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

export function moveKind(from: readonly number[], to: readonly number[]): MoveKind {
  if (sameList(from, to)) return 'noop'
  return to.some((b) => !from.includes(b)) ? 'copy' : 'metadata'
}

export function makeMove(
  tp: { topic: string; partition: number },
  from: number[],
  to: number[],
  sizeBytes: number | null = null,
): Move {
  return {
    topic: tp.topic,
    partition: tp.partition,
    from: [...from],
    to: [...to],
    adding: to.filter((b) => !from.includes(b)),
    removing: from.filter((b) => !to.includes(b)),
    kind: moveKind(from, to),
    sizeBytes,
  }
}

/**
 * One move per plan entry, in plan order. `sizes` (partition key → bytes) comes from DescribeLogDirs and is
 * optional. Throws AP_ERR_NOT_FOUND for a missing topic/partition and AP_ERR_UNSAFE for a target broker that is
 * not in the metadata's live brokers, naming the field.
 */
export function buildMoves(
  plan: ReassignmentPlan,
  metadata: ClusterMetadata,
  sizes: ReadonlyMap<string, number> = new Map(),
): Move[] {
  const live = new Set(metadata.brokers.map((b) => b.id))
  const topics = new Map(metadata.topics.map((t) => [t.name, t]))
  return plan.partitions.map((p, i) => {
    const topic = topics.get(p.topic)
    if (!topic) {
      throw new AutopilotError('AP_ERR_NOT_FOUND', `topic ${p.topic} does not exist`, {
        field: `partitions[${i}].topic`,
      })
    }
    const current = topic.partitions.find((x) => x.partition === p.partition)
    if (!current) {
      throw new AutopilotError(
        'AP_ERR_NOT_FOUND',
        `partition ${p.partition} of topic ${p.topic} does not exist (it has ${topic.partitions.length})`,
        { field: `partitions[${i}].partition` },
      )
    }
    const dead = p.replicas.findIndex((b) => !live.has(b))
    if (dead >= 0 && !sameList(current.replicas, p.replicas)) {
      throw new AutopilotError(
        'AP_ERR_UNSAFE',
        `broker ${p.replicas[dead]} is not a live broker (live: ${[...live].join(', ')}): the move of ` +
          `${p.topic}-${p.partition} could never complete`,
        {
          field: `partitions[${i}].replicas[${dead}]`,
          hint: 'plan against the brokers that are up, or wait until the broker has joined',
        },
      )
    }
    const move = makeMove(p, current.replicas, p.replicas, sizes.get(partitionKey(p)) ?? null)
    if (move.kind === 'copy' && current.leader < 0) {
      throw new AutopilotError(
        'AP_ERR_UNSAFE',
        `${p.topic}-${p.partition} has no leader: no replica can serve the copy, the move would never complete`,
        {
          field: `partitions[${i}]`,
          hint: 'bring a replica of the partition back first, or leave it out of the plan',
        },
      )
    }
    return move
  })
}

/**
 * Moves Kafka is carrying out now (ListPartitionReassignments): `replicas` is the union during a reassignment,
 * the target is it without the removing replicas, the original without the adding ones (the controller keeps
 * the target's order first).
 */
export function movesFromOngoing(
  ongoing: ReadonlyArray<{
    topic: string
    partition: number
    replicas: number[]
    addingReplicas: number[]
    removingReplicas: number[]
  }>,
): Move[] {
  return ongoing.map((r) => {
    const to = r.replicas.filter((b) => !r.removingReplicas.includes(b))
    const from = r.replicas.filter((b) => !r.addingReplicas.includes(b))
    const move = makeMove(r, from, to)
    // Kafka says what it is adding; trust it over the set difference (they agree unless the lists overlap).
    return { ...move, adding: [...r.addingReplicas], removing: [...r.removingReplicas] }
  })
}

/** Largest replica of each partition, from DescribeLogDirs; future (intra-broker) replicas are ignored. */
export function sizesFromLogDirs(
  dirs: ReadonlyArray<{
    partitions: ReadonlyArray<{ topic: string; partition: number; size: number; isFuture?: boolean }>
  }>,
): Map<string, number> {
  const out = new Map<string, number>()
  for (const dir of dirs) {
    for (const p of dir.partitions) {
      if (p.isFuture) continue
      const key = partitionKey(p)
      out.set(key, Math.max(out.get(key) ?? 0, p.size))
    }
  }
  return out
}
