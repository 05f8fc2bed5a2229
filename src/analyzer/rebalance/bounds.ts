// Lower bounds on the work any plan needs to reach the targets of targets.ts. They let tests and the report
// say how close a plan is to the best possible one.
//
// Replica moves. A move (one replica added to a broker that did not hold it) takes one replica off one broker
// and puts it on another, so it changes two broker counts by one each. With current counts c_b and targets
// [lo_b, hi_b] (removed / offline brokers [0, 0]):
//   D = Σ_b max(0, lo_b − c_b)   every missing replica arrives through its own move;
//   E = Σ_b max(0, c_b − hi_b)   every surplus replica leaves through its own move.
// Hence moves ≥ max(D, E), and with counts alone max(D, E) is also enough: pair a surplus with a deficit
// while both exist (each such move shrinks both), then send what is left of the larger one to (or take it
// from) brokers still inside their band, which exist because Σ lo ≤ R ≤ Σ hi.
// Two refinements of E count replicas that must leave a kept broker b (so, moves from a kept broker, never
// the same moves as the X replicas leaving removed/offline brokers):
//   * forced arrivals A_b: a partition with x replicas leaving and exactly x kept brokers not holding it must
//     go to those brokers (RF 3 with 3 brokers left), so b ends with at least c_b + A_b of the replicas it
//     cannot give away, and max(0, c_b + A_b − hi_b) of its own must leave;
//   * RF 1 partitions: their one replica leads, so a broker holding s_b of them above its leader target's
//     high end L_b must give s_b − L_b of them away for leaders to balance.
// E_b = max(0, c_b + A_b − hi_b, s_b − L_b). Rack spread adds another forced set: on each partition, the
// replicas a rack holds beyond its limit k_p (V = Σ_p Σ_r max(0, n_{p,r} − k_p), on kept brokers) must
// move. So moves ≥ max(D, X + max(V, Σ_kept E_b)). Frozen partitions are left out.
// Rack flow. Racks also force two-step moves: a replica whose partition has no room on any other rack
// (RF 2 on 2 racks: one replica per rack) can only move inside its rack, so a broker that must shed more
// than its movable replicas pushes the rest onto its rack-mates, which, if they lack the room, must send
// other replicas (RF 1, say) across in turn. Counted on the final assignment (a move = a replica added to
// a partition, paired with one removed; pair inside a rack whenever possible): a cross-rack pair from
// broker b needs its partition to lose a replica on b's rack and gain one on a rack r' with fewer than k_p
// of its replicas, so at most m_b (replicas on b with such an r') of b's departures cross racks. With e_b
// what b must shed (c_b − hi_b, or c_b when removed), H_r the room below hi on rack r's kept brokers and
// I_r = Σ_{b∈r} max(0, e_b − m_b) the departures that stay in the rack, rack r's departures are at least
// Σ_{b∈r} e_b + max(0, I_r − H_r) (departures − arrivals ≥ Σ (c_b − hi_b) = Σ e_b − H_r, arrivals ≥ I_r).
// Summed over racks that bounds the moves; arrivals give the mirror bound (f_b = lo_b − c_b, g_b the
// partitions not on b with room on b's rack, spare = replicas above lo or on removed brokers), and
// cross-rack moves (rack totals against Σ lo, Σ hi, and V over every rack) plus the larger of Σ I_r and
// Σ J_r a third. The largest of all of these is the bound. test/analyzer/rebalance/bounds-exact.test.ts
// checks it against the exact optimum of small clusters.
// The bound ignores that a partition cannot take two replicas on one broker, so it may be unreachable when
// few brokers are left (RF close to the broker count); the planner's greedy moves reach it within 5% in
// practice (see test/analyzer/rebalance/properties.test.ts).
//
// Closed forms for the two common cases (no rack limits, counts as above):
// * Adding k empty brokers to B brokers holding R replicas, n = B + k, lo = ceil((R − n)/n),
//   hi = floor((R + n)/n): each new broker must reach lo, so D = k·lo, and E = Σ_old max(0, c_b − hi).
//   From an even start (c_b ∈ {floor(R/B), ceil(R/B)}) E ≤ D whenever B ≥ k (E ≈ k·R/n − B, D ≈ k·R/n − k),
//   so the bound is k·lo: for one broker, R/(B+1) − 1 when B+1 divides R, floor(R/(B+1)) otherwise.
// * Removing one broker x holding c_x: its c_x replicas must leave (E ≥ c_x). From a start inside the
//   ±1 band of R/B, every other broker is at most floor(R/B + 1) ≤ floor(R/(B−1) + 1) = hi, so E = c_x,
//   and D ≤ c_x since the deficits can only be filled from what leaves x: the bound is exactly c_x.
// Leader moves. Changing a partition's first replica moves one unit of leadership from one broker to
// another, so the same max(D, E) over leader counts and leader targets bounds the partitions whose first
// replica must change.
import type { Model } from './model.ts'
import { bandAround, type Targets } from './targets.ts'

/** max(Σ deficits, Σ surpluses) of `counts` against [lo, hi] per broker. */
export function countBound(counts: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): number {
  let deficit = 0
  let surplus = 0
  for (let b = 0; b < counts.length; b++) {
    deficit += Math.max(0, lo[b]! - counts[b]!)
    surplus += Math.max(0, counts[b]! - hi[b]!)
  }
  return Math.max(deficit, surplus)
}

/** Replicas over their rack's limit, per partition, on kept brokers (V above). */
function rackExcess(m: Model): number {
  if (!m.rackAware) return 0
  let excess = 0
  const seen = new Map<number, number>()
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    seen.clear()
    for (const b of m.rep[p]!) {
      if (!m.eligible[b]) continue
      const c = (seen.get(m.rack[b]!) ?? 0) + 1
      seen.set(m.rack[b]!, c)
      if (c > m.perRack[p]!) excess++
    }
  }
  return excess
}

/**
 * Replicas each kept broker must receive whatever the plan: a partition leaving removed/offline brokers with
 * exactly as many kept brokers free as replicas leaving has only one way to go (A_b in the header).
 */
function forcedArrivals(m: Model): Int32Array {
  const forced = new Int32Array(m.ids.length)
  const kept = m.kept.length
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    const r = m.rep[p]!
    let leaving = 0
    for (const b of r) if (!m.eligible[b]) leaving++
    if (leaving === 0 || kept - (r.length - leaving) !== leaving) continue
    for (const b of m.kept) if (!r.includes(b)) forced[b]!++
  }
  return forced
}

/**
 * Rack flow (see the header): per rack, what its brokers must shed plus what must stay in the rack beyond the
 * room there (and the mirror for arrivals); or cross-rack moves plus the moves that must stay in a rack.
 * 0 without rack awareness.
 */
function rackFlowBound(m: Model, t: Targets): number {
  const racks = m.racks.length
  if (!m.rackAware || racks < 2) return 0
  const n = m.ids.length
  const keptIn = new Int32Array(racks)
  const rackLo = new Float64Array(racks)
  const rackHi = new Float64Array(racks)
  for (const b of m.kept) {
    keptIn[m.rack[b]!]!++
    rackLo[m.rack[b]!]! += t.replicaLo[b]!
    rackHi[m.rack[b]!]! += t.replicaHi[b]!
  }
  const held = new Int32Array(n) // replicas of live partitions (frozen ones excluded)
  const total = new Float64Array(racks) // T_r
  const movable = new Int32Array(n) // m_b
  const open = new Float64Array(racks) // partitions rack r could gain a replica of (G_r)
  const openHeld = new Int32Array(n) // of those, the ones already on b (b cannot receive them)
  const onRack = new Int32Array(racks)
  let excess = 0 // V, over every rack
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    const r = m.rep[p]!
    const k = m.perRack[p]!
    onRack.fill(0)
    for (const b of r) onRack[m.rack[b]!]!++
    let roomy = 0
    for (let x = 0; x < racks; x++) {
      excess += Math.max(0, onRack[x]! - k)
      if (keptIn[x]! > 0 && onRack[x]! < k) {
        roomy++
        open[x]!++
      }
    }
    for (const b of r) {
      const x = m.rack[b]!
      held[b]!++
      total[x]!++
      const here = keptIn[x]! > 0 && onRack[x]! < k ? 1 : 0
      if (roomy - here > 0) movable[b]!++
      openHeld[b]! += here
    }
  }
  let rackDeficit = 0
  let rackSurplus = 0
  for (let x = 0; x < racks; x++) {
    rackDeficit += Math.max(0, rackLo[x]! - total[x]!)
    rackSurplus += Math.max(0, total[x]! - rackHi[x]!)
  }
  // Per rack: E_r = Σ e_b, I_r = Σ max(0, e_b − m_b) (must land inside the rack), H_r = room below hi;
  // mirrored for arrivals: F_r = Σ f_b, J_r = Σ max(0, f_b − g_b) (must come from inside), H'_r = spare.
  const shed = new Float64Array(racks)
  const stay = new Float64Array(racks)
  const room = new Float64Array(racks)
  const need = new Float64Array(racks)
  const local = new Float64Array(racks)
  const spare = new Float64Array(racks)
  for (let b = 0; b < n; b++) {
    const x = m.rack[b]!
    const e = m.eligible[b] ? Math.max(0, held[b]! - t.replicaHi[b]!) : held[b]!
    shed[x]! += e
    stay[x]! += Math.max(0, e - movable[b]!)
    if (!m.eligible[b]) {
      spare[x]! += held[b]!
      continue
    }
    room[x]! += Math.max(0, t.replicaHi[b]! - held[b]!)
    spare[x]! += Math.max(0, held[b]! - t.replicaLo[b]!)
    const f = Math.max(0, t.replicaLo[b]! - held[b]!)
    need[x]! += f
    local[x]! += Math.max(0, f - (open[x]! - openHeld[b]!))
  }
  let departures = 0
  let arrivals = 0
  let stayOut = 0
  let stayIn = 0
  for (let x = 0; x < racks; x++) {
    departures += shed[x]! + Math.max(0, stay[x]! - room[x]!)
    arrivals += need[x]! + Math.max(0, local[x]! - spare[x]!)
    stayOut += stay[x]!
    stayIn += local[x]!
  }
  const cross = Math.max(rackDeficit, rackSurplus, excess)
  return Math.max(departures, arrivals, cross + Math.max(stayOut, stayIn))
}

/** Lower bound on replica moves from the model's current assignment to the targets (see the header). */
export function moveLowerBound(m: Model, t: Targets): number {
  const forced = forcedArrivals(m)
  let deficit = 0
  let surplusKept = 0
  let leaving = 0
  for (let b = 0; b < m.ids.length; b++) {
    if (!m.eligible[b]) {
      // Frozen partitions stay on offline brokers; only the rest must leave.
      leaving += m.count[b]!
      continue
    }
    deficit += Math.max(0, t.replicaLo[b]! - m.count[b]!)
    surplusKept += Math.max(0, m.count[b]! + forced[b]! - t.replicaHi[b]!, m.single[b]! - t.leaderHi[b]!)
  }
  for (let p = 0; p < m.rep.length; p++) if (m.frozen[p]) leaving -= m.rep[p]!.length
  return Math.max(deficit, leaving + Math.max(rackExcess(m), surplusKept), rackFlowBound(m, t))
}

/** Lower bound on partitions whose first replica changes (frozen partitions excluded). */
export function leaderMoveLowerBound(m: Model, t: Targets): number {
  const leaders = Int32Array.from(m.leaders)
  for (let p = 0; p < m.rep.length; p++) if (m.frozen[p]) leaders[m.rep[p]![0]!]!--
  return countBound(leaders, t.leaderLo, t.leaderHi)
}

/**
 * Closed form: fewest moves to balance after adding `added` empty brokers to `brokers` brokers that hold
 * `replicas` replicas spread evenly (no rack limits). See the header for the derivation.
 */
export function addBrokersLowerBound(opts: { replicas: number; brokers: number; added?: number }): number {
  const added = opts.added ?? 1
  const n = opts.brokers + added
  const [lo, hi] = bandAround(opts.replicas, n)
  const base = Math.floor(opts.replicas / opts.brokers)
  const extra = opts.replicas % opts.brokers
  const surplus = extra * Math.max(0, base + 1 - hi) + (opts.brokers - extra) * Math.max(0, base - hi)
  return Math.max(added * lo, surplus)
}

/**
 * Fewest moves to drain `removed` (broker ids) from a cluster whose replica counts per broker are `counts`
 * (no rack limits): the general max(D, E) with the removed brokers' targets at 0. From a balanced start it
 * is exactly the replicas on the removed brokers.
 */
export function removeBrokersLowerBound(counts: ReadonlyMap<number, number>, removed: number[]): number {
  const gone = new Set(removed)
  const kept = [...counts.entries()].filter(([id]) => !gone.has(id))
  const total = [...counts.values()].reduce((a, c) => a + c, 0)
  const [lo, hi] = bandAround(total, kept.length)
  const all = [...counts.entries()]
  return countBound(
    all.map(([, c]) => c),
    all.map(([id]) => (gone.has(id) ? 0 : lo)),
    all.map(([id]) => (gone.has(id) ? 0 : hi)),
  )
}
