// Pure pieces of the local backend's disk operations: which replicas to move between the log dirs of one broker
// so that each dir holds about as many replicas as the others (AlterReplicaLogDirs, the local counterpart of
// Cruise Control's `rebalance_disk`), whether those moves are done, and whether a restarted broker is back in
// sync. Data in, answers out: the backend does the I/O.
import type {
  ClusterMetadata,
  LogDirDescription,
  ReplicaLogDirMove,
  TopicPartition,
} from '../../kafka/port.ts'

const key = (p: TopicPartition) => `${p.topic}\u0000${p.partition}`

/**
 * Moves that even out the replica count between one broker's healthy log dirs (max − min ≤ 1), moving as few
 * replicas as that takes, smallest first (least data copied). A broker with a copy under way (a future
 * replica) is left alone: its dirs are about to change. Dirs that report an error get nothing.
 */
export function planDiskBalance(broker: number, dirs: LogDirDescription[]): ReplicaLogDirMove[] {
  const mine = dirs.filter((d) => d.broker === broker && d.error === null && d.logDir !== '')
  if (mine.length < 2) return []
  if (mine.some((d) => d.partitions.some((p) => p.isFuture))) return []
  const load = new Map(
    mine.map((d) => [
      d.logDir,
      [...d.partitions].sort(
        (a, b) => a.size - b.size || a.topic.localeCompare(b.topic) || a.partition - b.partition,
      ),
    ]),
  )
  const moves: ReplicaLogDirMove[] = []
  for (;;) {
    const order = [...load].sort((a, b) => a[1].length - b[1].length || a[0].localeCompare(b[0]))
    const [emptiest, fullest] = [order[0]!, order[order.length - 1]!]
    if (fullest[1].length - emptiest[1].length <= 1) return moves
    const replica = fullest[1].shift()!
    emptiest[1].push(replica)
    moves.push({ topic: replica.topic, partition: replica.partition, broker, logDir: emptiest[0] })
  }
}

/** Moves not yet done: the replica is not (only) in its target dir, or a future replica still exists. */
export function pendingMoves(moves: ReplicaLogDirMove[], dirs: LogDirDescription[]): ReplicaLogDirMove[] {
  return moves.filter((m) => {
    const entries = dirs
      .filter((d) => d.broker === m.broker)
      .flatMap((d) => d.partitions.filter((p) => key(p) === key(m)).map((p) => ({ dir: d.logDir, p })))
    return !(entries.length === 1 && entries[0]!.dir === m.logDir && !entries[0]!.p.isFuture)
  })
}

/** Partitions that list `broker` as a replica but not in their ISR (empty: the broker is back in sync). */
export function outOfSync(metadata: ClusterMetadata, broker: number): TopicPartition[] {
  return metadata.topics.flatMap((t) =>
    t.partitions
      .filter((p) => p.replicas.includes(broker) && !p.isr.includes(broker))
      .map((p) => ({ topic: t.name, partition: p.partition })),
  )
}

/** Partitions whose preferred (first) replica is `broker`: their leadership goes back to it after a restart. */
export function preferredOn(metadata: ClusterMetadata, broker: number): TopicPartition[] {
  return metadata.topics.flatMap((t) =>
    t.partitions
      .filter((p) => p.replicas[0] === broker && p.leader !== broker)
      .map((p) => ({ topic: t.name, partition: p.partition })),
  )
}

/**
 * Partitions a restart of `broker` would take below min.insync.replicas (acks=all writes would stop) or offline:
 * it is in their ISR and the ISR without it is smaller than the topic's min.insync.replicas (default 1).
 * Single-replica partitions are left out: nothing can keep them available through a restart.
 */
export function restartBlockers(
  metadata: ClusterMetadata,
  broker: number,
  minIsr: Record<string, number>,
): string[] {
  return metadata.topics.flatMap((t) =>
    t.partitions
      .filter(
        (p) => p.replicas.length > 1 && p.isr.includes(broker) && p.isr.length - 1 < (minIsr[t.name] ?? 1),
      )
      .map((p) => `${t.name}-${p.partition}`),
  )
}

/**
 * Why restarting node `id` would stop the KRaft quorum, or null. With the static voters `1@h:p,2@h:p,…`, a
 * majority must stay up: restarting one of 3 voters leaves 2 (fine); one of 1 or 2 leaves no majority.
 */
export function quorumLoss(voters: string, id: number): string | null {
  const ids = voters
    .split(',')
    .map((v) => Number(v.split('@')[0]))
    .filter((v) => Number.isInteger(v))
  if (!ids.includes(id)) return null
  const left = ids.length - 1
  if (left >= Math.floor(ids.length / 2) + 1) return null
  return `node ${id} is one of ${ids.length} KRaft voters; while it restarts ${left} would be up, no majority`
}
