// Per-broker targets: how many replicas and preferred leaders each kept broker should end with.
//
// "Balanced" means within ±1 of the mean: with R replicas on n brokers (mean m = R/n) every broker holds
// between ceil(m − 1) and floor(m + 1). When m is whole that is [m − 1, m + 1]; otherwise [floor m, ceil m].
// The same rule applies to preferred leaders (P partitions on n brokers). Removed and offline brokers get
// [0, 0].
//
// Racks can make that impossible. With rack awareness each partition puts at most k = ceil(RF / racks)
// replicas on one rack, so rack r (n_r brokers) holds at most cap_r = Σ_p min(k_p, n_r) replicas and at least
// floor_r = Σ_p max(0, RF_p − Σ_{r'≠r} min(k_p, n_r')). Example: RF 3 on 3 racks of 3, 2 and 2 brokers puts
// exactly one replica of every partition on each rack, so the brokers of the first rack hold P/3 each and
// the others P/2: no way to be within ±1 of 3P/7. When the global band cannot be met this way, the rack
// totals are water-filled (every rack as close to n_r · λ as its [floor_r, cap_r] allows, Σ = R) and each
// broker gets the ±1 band around its own rack's mean instead; the plan carries a warning saying so.
import type { Model } from './model.ts'
import type { Band, RebalanceWarning } from './types.ts'

export interface Targets {
  replicaLo: Int32Array
  replicaHi: Int32Array
  leaderLo: Int32Array
  leaderHi: Int32Array
  /** Replicas and partitions that take part (partitions left frozen excluded). */
  replicas: number
  partitions: number
  /** The global ±1 band holds for every kept broker. */
  globalBand: boolean
}

/** ±1 band around total/n, in integers: [ceil((total − n)/n), floor((total + n)/n)], never below 0. */
export function bandAround(total: number, n: number): Band {
  return [Math.max(0, Math.ceil((total - n) / n)), Math.floor((total + n) / n)]
}

interface RackLimits {
  brokers: number[]
  floor: number[]
  cap: number[]
}

function rackLimits(m: Model): RackLimits {
  const brokers = new Array<number>(m.racks.length).fill(0)
  for (const b of m.kept) brokers[m.rack[b]!]!++
  const live = brokers.filter((c) => c > 0).length
  const byRf = new Map<number, number>()
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    const rf = m.rep[p]!.length
    byRf.set(rf, (byRf.get(rf) ?? 0) + 1)
  }
  const floor = new Array<number>(m.racks.length).fill(0)
  const cap = new Array<number>(m.racks.length).fill(0)
  for (const [rf, partitions] of byRf) {
    const k = Math.ceil(rf / live)
    const total = brokers.reduce((a, nr) => a + Math.min(k, nr), 0)
    brokers.forEach((nr, r) => {
      cap[r]! += partitions * Math.min(k, nr)
      floor[r]! += partitions * Math.max(0, rf - (total - Math.min(k, nr)))
    })
  }
  return { brokers, floor, cap }
}

/** The global band fits every rack: n_r·lo ≤ cap_r, n_r·hi ≥ floor_r, and the clipped totals still reach R. */
function globalBandFits(limits: RackLimits, band: Band, total: number): boolean {
  let most = 0
  let least = 0
  for (const [r, nr] of limits.brokers.entries()) {
    if (nr === 0) continue
    if (nr * band[0] > limits.cap[r]! || nr * band[1] < limits.floor[r]!) return false
    most += Math.min(limits.cap[r]!, nr * band[1])
    least += Math.max(limits.floor[r]!, nr * band[0])
  }
  return least <= total && total <= most
}

/** Rack totals as even per broker as the rack limits allow (Σ = total); returns each rack's [sum, brokers]. */
function waterFill(limits: RackLimits, total: number): Array<[number, number]> {
  const fill = (level: number) =>
    limits.brokers.reduce(
      (a, nr, r) => a + (nr === 0 ? 0 : Math.min(limits.cap[r]!, Math.max(limits.floor[r]!, nr * level))),
      0,
    )
  let low = 0
  let high = total + 1
  for (let i = 0; i < 200 && high - low > 1e-9; i++) {
    const mid = (low + high) / 2
    if (fill(mid) < total) low = mid
    else high = mid
  }
  // Racks pinned at a limit hold exactly that limit; the others share the rest evenly (exact integers).
  const level = (low + high) / 2
  const pinned = limits.brokers.map(
    (nr, r) => nr > 0 && (nr * level <= limits.floor[r]! || nr * level >= limits.cap[r]!),
  )
  let rest = total
  let restBrokers = 0
  limits.brokers.forEach((nr, r) => {
    if (nr === 0) return
    if (pinned[r]) rest -= nr * level <= limits.floor[r]! ? limits.floor[r]! : limits.cap[r]!
    else restBrokers += nr
  })
  return limits.brokers.map((nr, r) => {
    if (nr === 0) return [0, 0]
    if (pinned[r]) return [nr * level <= limits.floor[r]! ? limits.floor[r]! : limits.cap[r]!, nr]
    // Every unpinned rack has the same per-broker mean rest/restBrokers: scale to this rack's broker count.
    return [(rest * nr) / restBrokers, nr]
  })
}

export function computeTargets(m: Model): { targets: Targets; warnings: RebalanceWarning[] } {
  const n = m.ids.length
  const kept = m.kept.length
  let replicas = 0
  let partitions = 0
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    partitions++
    replicas += m.rep[p]!.length
  }
  const replicaLo = new Int32Array(n)
  const replicaHi = new Int32Array(n)
  const leaderLo = new Int32Array(n)
  const leaderHi = new Int32Array(n)
  const band = bandAround(replicas, kept)
  const leaderBand = bandAround(partitions, kept)
  for (const b of m.kept) {
    ;[replicaLo[b], replicaHi[b]] = band
    ;[leaderLo[b], leaderHi[b]] = leaderBand
  }
  const warnings: RebalanceWarning[] = []
  let globalBand = true
  if (m.rackAware && m.racks.length > 1) {
    const limits = rackLimits(m)
    if (!globalBandFits(limits, band, replicas)) {
      globalBand = false
      const totals = waterFill(limits, replicas)
      for (const b of m.kept) {
        const [sum, nr] = totals[m.rack[b]!]!
        // sum/nr may be fractional for unpinned racks: the ±1 band is taken around it with a tolerance for
        // float noise (sum is rest·nr/restBrokers of integers).
        replicaLo[b] = Math.max(0, Math.ceil(sum / nr - 1 - 1e-9))
        replicaHi[b] = Math.floor(sum / nr + 1 + 1e-9)
      }
      warnings.push({
        code: 'ReplicaBalanceLimitedByRacks',
        message: `replicas cannot all be within ±1 of ${(replicas / kept).toFixed(1)} per broker: ${m.racks
          .map((name, r) =>
            limits.brokers[r]
              ? `rack ${name} (${limits.brokers[r]} brokers) holds ${Math.round(totals[r]![0])}`
              : null,
          )
          .filter((s) => s !== null)
          .join(', ')}; each broker is balanced within its rack instead`,
        details: {
          racks: m.racks.map((name, r) => ({
            rack: name,
            brokers: limits.brokers[r],
            minReplicas: limits.floor[r],
            maxReplicas: limits.cap[r],
            target: totals[r]![0],
          })),
        },
      })
    }
  }
  return {
    targets: { replicaLo, replicaHi, leaderLo, leaderHi, replicas, partitions, globalBand },
    warnings,
  }
}
