// What a poll must read beyond the high watermarks, and how the answers fill in the log offsets. Pure.
//
// A poll reads the high watermark of every partition (one ListOffsets per leader). The rest is read only where
// the lag depends on it:
// - caught-up and above-end positions: the lag is 0 (flagged above-log-end) whatever the log start and the last
//   stable offset are, so neither is read; both stay unknown (null in the snapshot). That includes the
//   open-transaction flag: a transaction open past the group's position does not change its lag.
// - lagging positions: the record probe's Fetch answer carries the log start and the last stable offset. Where
//   the probe is cached (a stalled group), the partition is read at its high watermark in the same Fetch, only
//   for those marks (no records come back). A commit below the log start is placed by the port (the Fetch is
//   refused as out of range, one ListOffsets round places it): the rare extra round.
// - no commit: under `earliest` the position is the log start, so it is read with ListOffsets for those
//   partitions only (`logStartNeeded`), and likewise for partitions no group covers. Under `latest` too: the
//   scaler (analyzer/scaling/from-snapshot.ts) counts an uncommitted partition's retained records (log end −
//   log start) for any trigger whose own offsetResetPolicy is `earliest`, whatever policy the shared monitor
//   runs with (the daemon uses `latest` unless every scaler says `earliest`). Steady groups commit everywhere,
//   so this extra ListOffsets is rare.
import type { PartitionOffsets, RecordProbe, TopicPartition } from '../../kafka/port.ts'
import { resolvePosition } from './position.ts'
import { groupPartitions, key } from './select.ts'
import type { LagInputs, LagSnapshot, ProbePosition } from './types.ts'

export interface ReadPlan {
  /** Lagging positions no earlier probe answered, deduplicated across groups, sorted. */
  probes: ProbePosition[]
  /**
   * Lagging partitions whose log start or last stable offset is unknown and that no probe reads this poll: read
   * at their high watermark, for the Fetch answer's marks only. Sorted.
   */
  marks: ProbePosition[]
}

const byPosition = (a: ProbePosition, b: ProbePosition) =>
  a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset

/**
 * Partitions whose log start the ListOffsets round must read, whatever the policy: those where a group has no
 * commit, and those no group covers. Sorted.
 */
export function logStartNeeded(inputs: Omit<LagInputs, 'offsets' | 'policy'>): TopicPartition[] {
  const topicPartitions = new Map(inputs.topics.map((t) => [t.topic, t.partitions]))
  const covered = new Set<string>()
  const needed = new Map<string, TopicPartition>()
  for (const group of inputs.groups) {
    if (group.error !== null) continue
    for (const row of groupPartitions(group, topicPartitions, inputs.topicFilter)) {
      const k = key(row.topic, row.partition)
      covered.add(k)
      if (row.committed === null && topicPartitions.has(row.topic))
        needed.set(k, { topic: row.topic, partition: row.partition })
    }
  }
  for (const t of inputs.topics)
    for (const partition of t.partitions)
      if (!covered.has(key(t.topic, partition)))
        needed.set(key(t.topic, partition), { topic: t.topic, partition })
  return [...needed.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

/**
 * The high-watermark answers with the log starts read for `logStartNeeded` filled in. A log start that could
 * not be read stays unknown (-1): only positions that need it become unavailable.
 */
export function withLogStarts(ends: PartitionOffsets[], starts: PartitionOffsets[]): PartitionOffsets[] {
  const byKey = new Map(starts.map((s) => [key(s.topic, s.partition), s]))
  return ends.map((e) => {
    const s = byKey.get(key(e.topic, e.partition))
    return s === undefined || s.error !== null || e.error !== null || s.logStartOffset < 0
      ? e
      : { ...e, logStartOffset: s.logStartOffset }
  })
}

/**
 * Probes and marks-only reads for this poll. A log start not read this poll is taken from the previous snapshot
 * to place a commit that was below it (log starts only move up), so a group stalled below the log start reuses
 * its cached probe instead of being refused as out of range at every poll; the fresh log start comes back in
 * the marks, and `missingProbes` catches a position it moved.
 */
export function planReads(inputs: LagInputs, previous: LagSnapshot | null): ReadPlan {
  const logs = new Map(inputs.offsets.map((o) => [key(o.topic, o.partition), o]))
  const previousStarts = new Map<string, number>()
  for (const p of previous?.partitions ?? [])
    if (p.logStartOffset !== null) previousStarts.set(key(p.topic, p.partition), p.logStartOffset)
  const cached = new Set((previous?.probes ?? []).map((p) => key(p.topic, p.partition, p.offset)))
  const topicPartitions = new Map(inputs.topics.map((t) => [t.topic, t.partitions]))
  const probes = new Map<string, ProbePosition>()
  const lagging = new Map<string, ProbePosition>()
  for (const group of inputs.groups) {
    if (group.error !== null) continue
    for (const row of groupPartitions(group, topicPartitions, inputs.topicFilter)) {
      const k = key(row.topic, row.partition)
      const log = logs.get(k)
      if (log === undefined) continue
      const hint = previousStarts.get(k)
      const placed = log.logStartOffset < 0 && hint !== undefined ? { ...log, logStartOffset: hint } : log
      const { position, rawLag } = resolvePosition(row.committed, placed, inputs.policy)
      if (position === null || rawLag === null || rawLag <= 0) continue
      if (log.logStartOffset < 0 || log.lastStableOffset < 0)
        lagging.set(k, { topic: row.topic, partition: row.partition, offset: log.logEndOffset })
      const pk = key(row.topic, row.partition, position)
      if (!cached.has(pk)) probes.set(pk, { topic: row.topic, partition: row.partition, offset: position })
    }
  }
  const probed = new Set([...probes.values()].map((p) => key(p.topic, p.partition)))
  return {
    probes: [...probes.values()].sort(byPosition),
    marks: [...lagging.entries()]
      .filter(([k]) => !probed.has(k))
      .map(([, m]) => m)
      .sort(byPosition),
  }
}

/**
 * Fills unknown log starts and last stable offsets from the probes' Fetch answers (the freshest answer per
 * partition; the last stable offset capped at the high watermark read earlier), and files a probe asked below
 * the log start under the log start: the first record at or after a deleted offset is the first at or after
 * the log start, where the group's position is clamped.
 */
export function applyProbeMarks(
  offsets: PartitionOffsets[],
  probes: RecordProbe[],
): { offsets: PartitionOffsets[]; probes: RecordProbe[] } {
  const freshest = new Map<string, RecordProbe>()
  for (const p of probes) {
    if (p.error !== null || p.highWatermark === undefined || (p.logStartOffset ?? -1) < 0) continue
    const k = key(p.topic, p.partition)
    const best = freshest.get(k)
    if (best === undefined || p.highWatermark > best.highWatermark!) freshest.set(k, p)
  }
  const merged = offsets.map((o): PartitionOffsets => {
    const m = freshest.get(key(o.topic, o.partition))
    if (m === undefined || o.error !== null || o.logEndOffset < 0) return o
    const lso = m.lastStableOffset ?? -1
    return {
      ...o,
      // Log starts only move up: the larger is the fresher.
      logStartOffset: Math.max(o.logStartOffset, m.logStartOffset!),
      lastStableOffset:
        o.lastStableOffset >= 0 ? o.lastStableOffset : lso >= 0 ? Math.min(lso, o.logEndOffset) : -1,
    }
  })
  const filed = probes.map((p) =>
    p.error === null && p.logStartOffset !== undefined && p.logStartOffset > p.offset
      ? { ...p, offset: p.logStartOffset }
      : p,
  )
  return { offsets: merged, probes: filed }
}

/**
 * Lagging positions still without an answer once the log offsets are complete: a log start that moved past a
 * cached probe, or a previous snapshot's log start that no longer holds (recreated topic). Usually empty.
 */
export function missingProbes(
  inputs: LagInputs,
  previous: LagSnapshot | null,
  asked: ReadonlyArray<ProbePosition>,
): ProbePosition[] {
  const done = new Set(asked.map((p) => key(p.topic, p.partition, p.offset)))
  return planReads(inputs, previous).probes.filter((p) => !done.has(key(p.topic, p.partition, p.offset)))
}
