// Builds the scaler's LagView from the lag monitor's snapshot (src/analyzer/lag/types.ts).
//
// A group that has never committed is not in the snapshot's groups (or lacks some partitions), yet KEDA
// counts its partitions (lag 1 under `latest`) so that one consumer starts and commits. Without that the
// group could never leave zero. So, for the trigger's topics, every partition the snapshot has log offsets
// for is included, with no committed offset when the group has none there.
import type { GroupLag, LagSnapshot, PartitionLog } from '../lag/types.ts'
import type { LagView, LagViewPartition } from './types.ts'

export function lagViewFromSnapshot(
  snapshot: LagSnapshot | null,
  group: string,
  topics: readonly string[],
): LagView {
  if (snapshot === null) return unreadable('no lag snapshot yet')
  const g: GroupLag | undefined = snapshot.groups.find((x) => x.group === group)
  if (g?.error) return unreadable(`offsets of group ${group}: ${g.error}`)
  const wanted = topics.length > 0 ? new Set(topics) : null
  const rows = new Map<string, LagViewPartition & { production: number | null; consumption: number | null }>()
  const seconds: Array<number | null> = []
  for (const t of g?.topics ?? []) {
    if (wanted !== null && !wanted.has(t.topic)) continue
    for (const p of t.partitions) {
      rows.set(`${t.topic}/${p.partition}`, {
        topic: t.topic,
        partition: p.partition,
        committedOffset: p.committedOffset,
        lag: p.error === null ? p.lag : null,
        retainedRecords: retained(p.logStartOffset, p.logEndOffset),
        production: p.productionRate,
        consumption: p.consumptionRate,
      })
      seconds.push(p.lagSeconds)
    }
  }
  if (wanted !== null) {
    for (const log of snapshot.partitions) {
      const k = `${log.topic}/${log.partition}`
      if (!wanted.has(log.topic) || rows.has(k)) continue
      rows.set(k, uncommitted(log))
    }
  }
  const list = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  return {
    readable: true,
    partitions: list.map(({ production: _p, consumption: _c, ...row }) => row),
    productionRate: sum(list.map((r) => r.production)),
    consumptionRate: sum(list.map((r) => r.consumption)),
    lagSeconds: max(seconds),
  }
}

function uncommitted(log: PartitionLog): LagViewPartition & { production: number | null; consumption: null } {
  return {
    topic: log.topic,
    partition: log.partition,
    committedOffset: null,
    lag: null,
    retainedRecords: log.error === null ? retained(log.logStartOffset, log.logEndOffset) : null,
    production: log.productionRate,
    consumption: null,
  }
}

function unreadable(error: string): LagView {
  return {
    readable: false,
    error,
    partitions: [],
    productionRate: null,
    consumptionRate: null,
    lagSeconds: null,
  }
}

function retained(start: number | null, end: number | null): number | null {
  return start === null || end === null ? null : Math.max(0, end - start)
}

function sum(values: Array<number | null>): number | null {
  let total: number | null = null
  for (const v of values) if (v !== null) total = (total ?? 0) + v
  return total
}

function max(values: Array<number | null>): number | null {
  let out: number | null = null
  for (const v of values) if (v !== null && (out === null || v > out)) out = v
  return out
}
