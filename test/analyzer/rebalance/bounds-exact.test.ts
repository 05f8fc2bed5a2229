// The move lower bound (bounds.ts) must never exceed the true optimum. On tiny random clusters (3–5 brokers and
// maybe one added, none or 2–3 racks, up to 6 partitions of RF 1–3) the optimum is computed exactly: a dynamic programme over
// the partitions, whose state is the replica count per broker, over every replica set the racks allow, keeping
// the fewest moves that end with every kept broker inside the replica and leader targets the report states (a
// leader is any replica: reordering is free). Racks that force two-step moves (a replica that cannot change rack
// pushes another one that can) are common at this size, and so are RF 1 partitions that must move to lead.
import { describe, expect, it } from 'vitest'
import { planReassignment } from '../../../src/analyzer/rebalance/plan.ts'
import type { RebalanceInput, RebalanceOptions } from '../../../src/analyzer/rebalance/types.ts'
import { rng } from './fixtures.ts'

const SEEDS = Array.from({ length: Number(process.env.REBALANCE_SEEDS ?? 30) * 10 }, (_, i) => 11 + i * 7919)

function subsets(items: number[], size: number): number[][] {
  if (size === 0) return [[]]
  const out: number[][] = []
  items.forEach((first, i) => {
    for (const rest of subsets(items.slice(i + 1), size - 1)) out.push([first, ...rest])
  })
  return out
}

type Targets = Map<number, { replicas: [number, number]; leaders: [number, number] }>

/** Fewest replica additions reaching the targets on every kept broker; null when no assignment does. */
function optimum(input: RebalanceInput, kept: number[], target: Targets, rackAware: boolean): number | null {
  const rackOf = new Map(input.brokers.map((b) => [b.id, b.rack ?? null]))
  const racks = new Set(kept.map((id) => rackOf.get(id))).size
  const k = kept.length
  const lo = kept.flatMap((id) => [target.get(id)!.replicas[0], target.get(id)!.leaders[0]])
  const hi = kept.flatMap((id) => [target.get(id)!.replicas[1], target.get(id)!.leaders[1]])
  // State: replica count and leader count per kept broker, interleaved.
  let states = new Map<string, number>([[new Array(2 * k).fill(0).join(), 0]])
  let replicasLeft = input.partitions.reduce((a, p) => a + p.replicas.length, 0)
  let partitionsLeft = input.partitions.length
  for (const p of input.partitions) {
    replicasLeft -= p.replicas.length
    partitionsLeft--
    const limit = Math.ceil(p.replicas.length / racks)
    const options = subsets(kept, p.replicas.length).filter((set) => {
      if (!rackAware) return true
      const perRack = new Map<string | null, number>()
      for (const b of set) perRack.set(rackOf.get(b)!, (perRack.get(rackOf.get(b)!) ?? 0) + 1)
      return Math.max(...perRack.values()) <= limit
    })
    const next = new Map<string, number>()
    for (const [key, moves] of states) {
      const counts = key.split(',').map(Number)
      for (const set of options) {
        const cost = moves + set.filter((b) => !p.replicas.includes(b)).length
        for (const leader of set) {
          const c = [...counts]
          for (const b of set) c[2 * kept.indexOf(b)]!++
          c[2 * kept.indexOf(leader) + 1]!++
          if (c.some((x, i) => x > hi[i]!)) continue
          // What the partitions left can still add must cover every count still below its target.
          let replicaGap = 0
          let leaderGap = 0
          for (let i = 0; i < c.length; i += 2) replicaGap += Math.max(0, lo[i]! - c[i]!)
          for (let i = 1; i < c.length; i += 2) leaderGap += Math.max(0, lo[i]! - c[i]!)
          if (replicaGap > replicasLeft || leaderGap > partitionsLeft) continue
          const key2 = c.join()
          if (cost < (next.get(key2) ?? Number.POSITIVE_INFINITY)) next.set(key2, cost)
        }
      }
    }
    states = next
  }
  let best: number | null = null
  for (const [key, moves] of states) {
    const ok = key
      .split(',')
      .map(Number)
      .every((x, i) => x >= lo[i]!)
    if (ok && (best === null || moves < best)) best = moves
  }
  return best
}

function tinyCluster(seed: number): { input: RebalanceInput; options: RebalanceOptions } {
  const r = rng(seed)
  const n = r.int(3, 5)
  const rackCount = r.chance(0.25) ? 0 : r.int(2, 3)
  const brokers = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    ...(rackCount ? { rack: `r${i < rackCount ? i : r.int(0, rackCount - 1)}` } : {}),
  }))
  const hot = r.int(1, n)
  const partitions = Array.from({ length: r.int(2, 6) }, (_, p) => {
    const rf = r.int(1, Math.min(3, n - 1, rackCount || 3))
    const replicas: number[] = []
    while (replicas.length < rf) {
      const b = r.chance(0.5) ? hot : r.int(1, n)
      const rackUsed = replicas.some((x) => brokers[x - 1]!.rack === brokers[b - 1]!.rack)
      if (!replicas.includes(b) && (!rackCount || !rackUsed || r.chance(0.1))) replicas.push(b)
    }
    return { topic: 't', partition: p, replicas }
  })
  const op = r.int(0, 2)
  if (op === 0) brokers.push({ id: n + 1, ...(rackCount ? { rack: `r${r.int(0, rackCount - 1)}` } : {}) })
  return { input: { brokers, partitions }, options: op === 1 ? { remove: [r.int(1, n)] } : {} }
}

describe('move lower bound against the exact optimum on tiny clusters', () => {
  it.each(SEEDS)('seed %i: the bound never exceeds the fewest moves any balanced plan needs', (seed) => {
    const { input, options } = tinyCluster(seed)
    let report: ReturnType<typeof planReassignment>
    try {
      report = planReassignment(input, options)
    } catch {
      return // refused (too few brokers or racks left): no plan, no bound
    }
    const kept = report.brokers.filter((b) => b.role === 'kept')
    const target: Targets = new Map(
      kept.map((b) => [b.id, { replicas: b.replicas.target, leaders: b.leaders.target }]),
    )
    const rackAware = input.brokers.every((b) => b.rack)
    const best = optimum(
      input,
      kept.map((b) => b.id),
      target,
      rackAware,
    )
    if (best === null) return // the targets ignore "no broker twice": unreachable here, nothing to compare
    expect(report.lowerBound.moves).toBeLessThanOrEqual(best)
    if (report.balanced.replicas && report.balanced.leaders) expect(report.moves).toBeGreaterThanOrEqual(best)
  })
})
