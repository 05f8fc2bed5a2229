// (offsets, probes, previous snapshot, now) → lag snapshot. Pure: no I/O, no clock.
//
// A poll is two steps: `planReads` (reads.ts) says which positions need a record probe (lagging positions that
// no earlier probe already answered: the first record at an offset never changes, so a stalled group reads no
// records again) and which lagging partitions need only their log start and last stable offset, then
// `buildLagSnapshot` turns everything into per-partition, per-topic and per-group figures. A log start or last
// stable offset that was not read (-1; caught-up partitions) is null in the snapshot.
import type { PartitionOffsets, RecordProbe } from '../../kafka/port.ts'
import { type LogOffsets, resolvePosition } from './position.ts'
import { maxKnown, offsetRate, sumRates } from './rates.ts'
import { planReads } from './reads.ts'
import { lagInTime } from './seconds.ts'
import { groupPartitions, key } from './select.ts'
import { addSample, DEFAULT_MAX_SAMPLES } from './time-table.ts'
import type {
  GroupInput,
  GroupLag,
  LagInputs,
  LagSnapshot,
  PartitionLag,
  PartitionLog,
  PartitionMember,
  ProbePosition,
  TopicLag,
} from './types.ts'

/** Positions to probe this poll, deduplicated across groups, sorted (planReads without the marks-only reads). */
export function planProbes(inputs: LagInputs, previous: LagSnapshot | null): ProbePosition[] {
  return planReads(inputs, previous).probes
}

export interface BuildLagSnapshotInput {
  inputs: LagInputs
  /** Answers to this poll's `planProbes` positions (failed ones carry `error`). */
  probes: RecordProbe[]
  previous: LagSnapshot | null
  now: number
  maxSamples?: number
}

export function buildLagSnapshot(input: BuildLagSnapshotInput): LagSnapshot {
  const { inputs, previous, now } = input
  const elapsed = previous === null ? 0 : now - previous.at
  const partitionLogs = buildPartitionLogs(inputs.offsets, previous, now, elapsed, input.maxSamples)
  const logsByKey = new Map(partitionLogs.map((p) => [key(p.topic, p.partition), p]))
  const probes = probesByPosition(previous?.probes ?? [])
  for (const p of input.probes) probes.set(key(p.topic, p.partition, p.offset), p)
  const previousCommits = committedByGroupPartition(previous)
  const topicPartitions = partitionsByTopic(inputs)
  const usedProbes = new Map<string, RecordProbe>()

  const groups = [...inputs.groups]
    .sort((a, b) => a.groupId.localeCompare(b.groupId))
    .map((group): GroupLag => {
      if (group.error !== null) return emptyGroup(group)
      const owners = ownersByPartition(group)
      const byTopic = new Map<string, PartitionLag[]>()
      for (const row of groupPartitions(group, topicPartitions, inputs.topicFilter)) {
        const k = key(row.topic, row.partition)
        const log = logsByKey.get(k)
        const pos = resolvePosition(row.committed, toLogOffsets(log), inputs.policy)
        let lag: number | null = null
        let lagSeconds: number | null = null
        let lagSecondsSource: PartitionLag['lagSecondsSource'] = 'unknown'
        const flags = [...pos.flags]
        if (pos.position !== null && pos.rawLag !== null && log?.logEndOffset != null) {
          const probeKey = key(row.topic, row.partition, pos.position)
          const probe = probes.get(probeKey)
          if (probe !== undefined && probe.error === null && probe.timestamp !== null)
            usedProbes.set(probeKey, probe)
          const t = lagInTime({
            position: pos.position,
            logEndOffset: log.logEndOffset,
            rawLag: pos.rawLag,
            probe,
            history: log.history,
            now,
          })
          lag = t.lag
          lagSeconds = t.lagSeconds
          lagSecondsSource = t.lagSecondsSource
          flags.push(...t.flags)
        }
        const previousCommit = previousCommits.get(`${group.groupId}\u0000${k}`)
        const partitionLag: PartitionLag = {
          partition: row.partition,
          committedOffset: row.committed,
          logStartOffset: log?.logStartOffset ?? null,
          logEndOffset: log?.logEndOffset ?? null,
          lastStableOffset: log?.lastStableOffset ?? null,
          lag,
          lagSeconds,
          lagSecondsSource,
          recordsLost: pos.recordsLost,
          productionRate: log?.productionRate ?? null,
          consumptionRate: offsetRate(previousCommit, row.committed, elapsed),
          flags,
          member: owners.get(k) ?? null,
          error: row.commitError ?? (log === undefined ? 'topic or partition not found' : log.error),
        }
        const list = byTopic.get(row.topic) ?? []
        list.push(partitionLag)
        byTopic.set(row.topic, list)
      }
      const topics = [...byTopic.entries()].map(([topic, partitions]) => topicTotals(topic, partitions))
      const all = topics.flatMap((t) => t.partitions)
      return {
        group: group.groupId,
        state: group.state,
        type: group.type,
        members: group.members.length,
        totalLag: topics.reduce((sum, t) => sum + t.lag, 0),
        maxLagSeconds: maxKnown(topics.map((t) => t.maxLagSeconds)),
        productionRate: sumRates(topics.map((t) => t.productionRate)),
        consumptionRate: sumRates(topics.map((t) => t.consumptionRate)),
        unavailablePartitions: all.filter((p) => p.lag === null).length,
        topics,
        error: null,
      }
    })

  return {
    at: now,
    policy: inputs.policy,
    groups,
    partitions: partitionLogs,
    probes: [...usedProbes.values()],
  }
}

function topicTotals(topic: string, partitions: PartitionLag[]): TopicLag {
  return {
    topic,
    lag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
    maxLagSeconds: maxKnown(partitions.map((p) => p.lagSeconds)),
    productionRate: sumRates(partitions.map((p) => p.productionRate)),
    consumptionRate: sumRates(partitions.map((p) => p.consumptionRate)),
    partitions,
  }
}

function emptyGroup(group: GroupInput): GroupLag {
  return {
    group: group.groupId,
    state: group.state,
    type: group.type,
    members: group.members.length,
    totalLag: 0,
    maxLagSeconds: null,
    productionRate: null,
    consumptionRate: null,
    unavailablePartitions: 0,
    topics: [],
    error: group.error,
  }
}

function buildPartitionLogs(
  offsets: PartitionOffsets[],
  previous: LagSnapshot | null,
  now: number,
  elapsed: number,
  maxSamples = DEFAULT_MAX_SAMPLES,
): PartitionLog[] {
  const previousLogs = new Map((previous?.partitions ?? []).map((p) => [key(p.topic, p.partition), p]))
  return [...offsets]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((o): PartitionLog => {
      const before = previousLogs.get(key(o.topic, o.partition))
      const ok = o.error === null && o.logEndOffset >= 0
      const history = before?.history ?? []
      return {
        topic: o.topic,
        partition: o.partition,
        logStartOffset: ok && o.logStartOffset >= 0 ? o.logStartOffset : null,
        logEndOffset: ok ? o.logEndOffset : null,
        lastStableOffset: ok && o.lastStableOffset >= 0 ? o.lastStableOffset : null,
        productionRate: ok ? offsetRate(before?.logEndOffset, o.logEndOffset, elapsed) : null,
        error: o.error,
        history: ok ? addSample(history, { offset: o.logEndOffset, time: now }, maxSamples) : [...history],
      }
    })
}

function toLogOffsets(log: PartitionLog | undefined): LogOffsets | undefined {
  if (log === undefined) return undefined
  return {
    logStartOffset: log.logStartOffset ?? -1,
    logEndOffset: log.logEndOffset ?? -1,
    lastStableOffset: log.lastStableOffset ?? -1,
    error: log.error,
  }
}

function probesByPosition(probes: readonly RecordProbe[]): Map<string, RecordProbe> {
  return new Map(probes.map((p) => [key(p.topic, p.partition, p.offset), p]))
}

function partitionsByTopic(inputs: LagInputs): Map<string, number[]> {
  return new Map(inputs.topics.map((t) => [t.topic, t.partitions]))
}

function committedByGroupPartition(previous: LagSnapshot | null): Map<string, number | null> {
  const map = new Map<string, number | null>()
  for (const g of previous?.groups ?? [])
    for (const t of g.topics)
      for (const p of t.partitions) map.set(`${g.group}\u0000${key(t.topic, p.partition)}`, p.committedOffset)
  return map
}

function ownersByPartition(group: GroupInput): Map<string, PartitionMember> {
  const owners = new Map<string, PartitionMember>()
  for (const m of group.members)
    for (const a of m.assignment)
      owners.set(key(a.topic, a.partition), { memberId: m.memberId, clientId: m.clientId, host: m.host })
  return owners
}
