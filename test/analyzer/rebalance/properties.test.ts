// Property tests over seeded random clusters (fixtures.ts: brokers 3–30, racks none or 1–5 of uneven sizes,
// RF 1–3, up to a few thousand partitions, skewed starting assignments). Every plan goes through the same
// invariant checker; adding or removing one broker must also stay within 5% of the lower bound, which is
// recomputed here from the starting counts (and, with racks, from where each partition has room to move; that
// it never exceeds the true optimum is checked exactly on tiny clusters in bounds-exact.test.ts). A failure names the seed: rerun it alone with `-t "seed N"`.
import { describe, expect, it } from 'vitest'
import { planReassignment } from '../../../src/analyzer/rebalance/plan.ts'
import type { RebalanceInput, RebalanceOptions } from '../../../src/analyzer/rebalance/types.ts'
import { AutopilotError } from '../../../src/errors.ts'
import { band, countsOf, type RandomCluster, randomCluster, rng, verifyPlan } from './fixtures.ts'

// 30 seeds keep the unit run short; REBALANCE_SEEDS=300 npx vitest run test/analyzer/rebalance for a deep run.
const SEEDS = Array.from({ length: Number(process.env.REBALANCE_SEEDS ?? 30) }, (_, i) => 7 + i * 104729)

/**
 * The bound of bounds.ts recomputed from the starting assignment (no rack limits): max(D, X + Σ E_b) with
 * E_b = max(0, c_b + forced arrivals − hi, RF-1 partitions − leader hi).
 */
function boundFromStart(input: RebalanceInput, remove: number[]): number {
  const counts = countsOf(input.partitions)
  const kept = input.brokers.map((b) => b.id).filter((id) => !remove.includes(id))
  const total = [...counts.values()].reduce((a, c) => a + c, 0)
  const [lo, hi] = band(total, kept.length)
  const leaderHi = band(input.partitions.length, kept.length)[1]
  const forced = new Map<number, number>()
  const single = new Map<number, number>()
  for (const p of input.partitions) {
    if (p.replicas.length === 1) single.set(p.replicas[0]!, (single.get(p.replicas[0]!) ?? 0) + 1)
    const leaving = p.replicas.filter((b) => remove.includes(b)).length
    const free = kept.filter((b) => !p.replicas.includes(b))
    if (leaving > 0 && free.length === leaving) for (const b of free) forced.set(b, (forced.get(b) ?? 0) + 1)
  }
  let deficit = 0
  let leaving = 0
  let surplus = 0
  for (const b of input.brokers) {
    const c = counts.get(b.id) ?? 0
    if (remove.includes(b.id)) {
      leaving += c
      continue
    }
    deficit += Math.max(0, lo - c)
    surplus += Math.max(0, c + (forced.get(b.id) ?? 0) - hi, (single.get(b.id) ?? 0) - leaderHi)
  }
  return Math.max(deficit, leaving + surplus)
}

/**
 * The rack-flow bound of bounds.ts recomputed from the starting assignment with the global band (the only case
 * compared: rack limits let every broker reach it). Per rack: what its brokers must shed, plus what must stay in
 * the rack (a replica whose partition has no room on another rack) beyond the room its brokers have below the
 * band; the same for arrivals; and the cross-rack moves plus the larger of the two stay-in-rack sums.
 */
function rackFlowFromStart(input: RebalanceInput, remove: number[]): number {
  if (!input.brokers.every((b) => b.rack)) return 0
  const rackOf = new Map(input.brokers.map((b) => [b.id, b.rack!]))
  const racks = [...new Set(rackOf.values())]
  if (racks.length < 2) return 0
  const kept = input.brokers.map((b) => b.id).filter((id) => !remove.includes(id))
  const keptRacks = new Set(kept.map((id) => rackOf.get(id)!))
  const counts = countsOf(input.partitions)
  const total = [...counts.values()].reduce((a, c) => a + c, 0)
  const [lo, hi] = band(total, kept.length)
  const canMove = new Map<number, number>()
  const heldRoomy = new Map<number, number>()
  const roomyOn = new Map<string, number>()
  let overLimit = 0
  for (const p of input.partitions) {
    const limit = Math.ceil(p.replicas.length / keptRacks.size)
    const on = (rack: string) => p.replicas.filter((b) => rackOf.get(b) === rack).length
    const roomy = racks.filter((rack) => keptRacks.has(rack) && on(rack) < limit)
    for (const rack of racks) overLimit += Math.max(0, on(rack) - limit)
    for (const rack of roomy) roomyOn.set(rack, (roomyOn.get(rack) ?? 0) + 1)
    for (const b of p.replicas) {
      if (roomy.some((rack) => rack !== rackOf.get(b))) canMove.set(b, (canMove.get(b) ?? 0) + 1)
      if (roomy.includes(rackOf.get(b)!)) heldRoomy.set(b, (heldRoomy.get(b) ?? 0) + 1)
    }
  }
  let departures = 0
  let arrivals = 0
  let stayOut = 0
  let stayIn = 0
  let rackDeficit = 0
  let rackSurplus = 0
  for (const rack of racks) {
    const ids = input.brokers.map((b) => b.id).filter((id) => rackOf.get(id) === rack)
    const isKept = (id: number) => kept.includes(id)
    const c = (id: number) => counts.get(id) ?? 0
    const shed = (id: number) => (isKept(id) ? Math.max(0, c(id) - hi) : c(id))
    const need = (id: number) => (isKept(id) ? Math.max(0, lo - c(id)) : 0)
    const sum = (f: (id: number) => number) => ids.reduce((a, id) => a + f(id), 0)
    const stay = sum((id) => Math.max(0, shed(id) - (canMove.get(id) ?? 0)))
    const local = sum((id) => Math.max(0, need(id) - ((roomyOn.get(rack) ?? 0) - (heldRoomy.get(id) ?? 0))))
    const room = sum((id) => (isKept(id) ? Math.max(0, hi - c(id)) : 0))
    const spare = sum((id) => (isKept(id) ? Math.max(0, c(id) - lo) : c(id)))
    departures += sum(shed) + Math.max(0, stay - room)
    arrivals += sum(need) + Math.max(0, local - spare)
    stayOut += stay
    stayIn += local
    const keptHere = ids.filter(isKept).length
    rackDeficit += Math.max(0, keptHere * lo - sum(c))
    rackSurplus += Math.max(0, sum(c) - keptHere * hi)
  }
  return Math.max(
    departures,
    arrivals,
    Math.max(rackDeficit, rackSurplus, overLimit) + Math.max(stayOut, stayIn),
  )
}

/** Whether draining these brokers must be refused: some RF above the brokers left, or racks too few. */
function mustRefuse(cluster: RandomCluster, gone: number[]): boolean {
  const kept = cluster.input.brokers.filter((b) => !gone.includes(b.id))
  const maxRf = Math.max(...cluster.input.partitions.map((p) => p.replicas.length))
  if (maxRf > kept.length) return true
  if (!cluster.racks) return false
  const perRack = new Map<string, number>()
  for (const b of kept) perRack.set(b.rack!, (perRack.get(b.rack!) ?? 0) + 1)
  return cluster.rf.some(
    (rf) => [...perRack.values()].reduce((a, nr) => a + Math.min(Math.ceil(rf / perRack.size), nr), 0) < rf,
  )
}

function plan(input: RebalanceInput, options: RebalanceOptions = {}) {
  const report = planReassignment(input, options)
  return { report, checked: verifyPlan(input, options, report) }
}

function withinFivePercent(moves: number, bound: number): void {
  expect(moves).toBeLessThanOrEqual(Math.ceil(bound * 1.05))
}

describe('planner on random clusters', () => {
  it.each(SEEDS)('seed %i: add one broker', (seed) => {
    const r = rng(seed)
    const cluster = randomCluster(r)
    const newId = cluster.input.brokers.length + 1
    const input = {
      ...cluster.input,
      brokers: [
        ...cluster.input.brokers,
        { id: newId, ...(cluster.racks ? { rack: r.pick(cluster.racks) } : {}) },
      ],
    }
    const { report, checked } = plan(input)
    if (checked.globalReachable) {
      expect(report.lowerBound.moves).toBe(Math.max(boundFromStart(input, []), rackFlowFromStart(input, [])))
      withinFivePercent(report.moves, report.lowerBound.moves)
    }
  })

  it.each(SEEDS)('seed %i: remove one broker', (seed) => {
    const r = rng(seed)
    const cluster = randomCluster(r)
    const gone = r.int(1, cluster.input.brokers.length)
    if (mustRefuse(cluster, [gone])) {
      expect(() => planReassignment(cluster.input, { remove: [gone] })).toThrow(
        expect.objectContaining({ code: 'AP_ERR_UNSAFE' }),
      )
      return
    }
    const { report, checked } = plan(cluster.input, { remove: [gone] })
    if (checked.globalReachable) {
      expect(report.lowerBound.moves).toBe(
        Math.max(boundFromStart(cluster.input, [gone]), rackFlowFromStart(cluster.input, [gone])),
      )
      withinFivePercent(report.moves, report.lowerBound.moves)
    }
    expect(report.brokers.find((b) => b.id === gone)!.replicas.after).toBe(0)
  })

  it.each(SEEDS)('seed %i: heal one offline broker onto a replacement', (seed) => {
    const r = rng(seed)
    const cluster = randomCluster(r)
    const down = r.int(1, cluster.input.brokers.length)
    const replacement = cluster.input.brokers.length + 1
    const rack = cluster.input.brokers.find((b) => b.id === down)!.rack
    const input = {
      ...cluster.input,
      brokers: [...cluster.input.brokers, { id: replacement, ...(rack ? { rack } : {}) }],
    }
    const options = { offline: [down], prefer: [replacement] }
    const onDown = cluster.input.partitions.filter((p) => p.replicas.includes(down))
    const fullyDown = onDown.filter((p) => p.replicas.length === 1).length
    const { report } = plan(input, options)
    // Every live replica on the offline broker was re-created somewhere (under-replication back to zero).
    expect(report.moves).toBeGreaterThanOrEqual(onDown.length - fullyDown)
    expect(report.warnings.some((w) => w.code === 'PartitionOffline')).toBe(fullyDown > 0)
  })

  it.each(SEEDS)('seed %i: plain rebalance, then planning again changes nothing', (seed) => {
    const r = rng(seed)
    const cluster = randomCluster(r, { sized: r.chance(0.5) })
    const { report } = plan(cluster.input)
    const applied = new Map(report.plan.partitions.map((p) => [`${p.topic}-${p.partition}`, p.replicas]))
    const next = {
      ...cluster.input,
      partitions: cluster.input.partitions.map((p) => ({
        ...p,
        replicas: applied.get(`${p.topic}-${p.partition}`) ?? p.replicas,
      })),
    }
    const again = planReassignment(next)
    expect(again.moves).toBe(0)
    expect(again.leaderMoves).toBe(0)
  })

  it.each(SEEDS.slice(0, 10))('seed %i: same input, same plan', (seed) => {
    const cluster = randomCluster(rng(seed), { sized: true })
    const shuffled = { ...cluster.input, partitions: [...cluster.input.partitions].reverse() }
    expect(planReassignment(shuffled)).toEqual(planReassignment(cluster.input))
  })
})

describe('refusals on random clusters', () => {
  it.each(SEEDS.slice(0, 20))('seed %i: draining all but RF−1 brokers is refused with a reason', (seed) => {
    const cluster = randomCluster(rng(seed))
    const maxRf = Math.max(...cluster.input.partitions.map((p) => p.replicas.length))
    const ids = cluster.input.brokers.map((b) => b.id)
    const gone = ids.slice(maxRf - 1)
    try {
      planReassignment(cluster.input, { remove: gone })
      expect.unreachable('a plan was made')
    } catch (err) {
      expect(AutopilotError.is(err)).toBe(true)
      const e = err as AutopilotError
      expect(e.code).toBe('AP_ERR_UNSAFE')
      expect(e.details?.reason).toMatch(/ReplicationFactorExceedsBrokers|NoBrokerLeft/)
    }
  })
})
