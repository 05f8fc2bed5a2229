// Which partitions a group is reported on. Pure.
//
// A group covers every partition of every topic it has committed to or has members assigned to (like KEDA
// with no `topic`, and kafka_exporter's offset.show-all), so a partition the group never committed to still
// shows up, flagged `no-commit`. kafka-consumer-groups only shows committed or assigned partitions.
import type { GroupInput } from './types.ts'

export interface GroupPartition {
  topic: string
  partition: number
  committed: number | null
  /** The coordinator's error for this partition's commit (e.g. UNSTABLE_OFFSET_COMMIT), if any. */
  commitError: string | null
}

/**
 * Topics the group commits to or is assigned, sorted. An OffsetFetch for named topics answers -1 for every
 * partition the group never committed to, so only real commits count.
 */
export function groupTopics(group: GroupInput): string[] {
  const topics = new Set<string>()
  for (const c of group.committed) if (c.offset >= 0 || c.error) topics.add(c.topic)
  for (const m of group.members) for (const a of m.assignment) topics.add(a.topic)
  return [...topics].sort()
}

/** True when the group commits to or is assigned any of `topics`. */
export function groupTouchesTopics(group: GroupInput, topics: readonly string[]): boolean {
  const wanted = new Set(topics)
  return groupTopics(group).some((t) => wanted.has(t))
}

/**
 * The group's partitions, sorted by topic then partition. `topicFilter` (non-empty) replaces the group's own
 * topic list: an explicitly asked-for topic is shown even where the group has nothing on it.
 * Partitions of topics absent from `topicPartitions` (deleted topics with old commits) come from the commits.
 */
export function groupPartitions(
  group: GroupInput,
  topicPartitions: ReadonlyMap<string, readonly number[]>,
  topicFilter?: readonly string[],
): GroupPartition[] {
  const topics =
    topicFilter !== undefined && topicFilter.length > 0 ? [...topicFilter].sort() : groupTopics(group)
  const committed = new Map<string, { offset: number; error: string | null }>()
  for (const c of group.committed)
    committed.set(key(c.topic, c.partition), { offset: c.offset, error: c.error ?? null })
  const rows: GroupPartition[] = []
  for (const topic of topics) {
    const known = topicPartitions.get(topic)
    const partitions = new Set<number>(known ?? [])
    if (known === undefined) {
      for (const c of group.committed) if (c.topic === topic) partitions.add(c.partition)
      for (const m of group.members)
        for (const a of m.assignment) if (a.topic === topic) partitions.add(a.partition)
    }
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const c = committed.get(key(topic, partition))
      rows.push({
        topic,
        partition,
        committed: c === undefined || c.offset < 0 ? null : c.offset,
        commitError: c?.error ?? null,
      })
    }
  }
  return rows
}

export function key(topic: string, partition: number, offset?: number): string {
  return offset === undefined ? `${topic}\u0000${partition}` : `${topic}\u0000${partition}\u0000${offset}`
}
