// Last resorts, used only when the greedy steps leave a broker outside its target (rare: racks at their
// limit, few brokers, RF 1 partitions). Both cost more moves than the count bound, but only what it takes.
//
// Replica chains. When no surplus broker can hand a replica straight to a deficit broker (e.g. the only
// partitions missing from a full rack sit on brokers that are exactly on target), a breadth-first search over
// brokers (edge y → x: some replica on y may move to x) finds the shortest chain from a broker that can
// spare a replica to one that needs it; every hop is a move, so the brokers in between keep their count.
//
// Leaders by moves. Reordering cannot balance leaders when a broker leads partitions nobody else can lead
// (RF 1: the only replica leads) or follows too few. Then a replica the broker leads moves to a broker short
// of leaders, which leads it there: one move when both replica counts stay on target, else a chain of moves
// of replicas that only follow makes up the counts. This is the only place data moves for leadership, and it
// spends at most a budget of moves (RebalanceOptions.leaderMoveBudget, default 4% of the plan's other
// moves, counted net: plan.ts lets chains that undo earlier moves spend more); what is left is reported
// (LeadersNotBalanced).
import { canMove, type Model, moveReplica, reseatLeader } from './model.ts'
import type { Targets } from './targets.ts'

/** Partitions per broker (current assignment), for the chain search. */
function holdings(m: Model): number[][] {
  const out: number[][] = m.ids.map(() => [])
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    for (const b of m.rep[p]!) out[b]!.push(p)
  }
  return out
}

/**
 * Shortest chain of moves from a broker passing isSource to one passing isTarget, as [partition, from, to].
 * Layer by layer: every broker of a layer is first checked for a direct move to a target (cheap, and the
 * usual answer), and only then does the search spread to the brokers not seen yet.
 */
function findChain(
  m: Model,
  isSource: (b: number) => boolean,
  isTarget: (b: number) => boolean,
  followersOnly = false,
): Array<[number, number, number]> | null {
  const held = holdings(m)
  const via = new Map<number, [number, number]>() // broker → [partition, previous broker]
  const seen = new Uint8Array(m.ids.length)
  const targets = m.kept.filter((b) => isTarget(b) && !isSource(b))
  const chainTo = (x: number, p: number, y: number) => {
    const hops: Array<[number, number, number]> = [[p, y, x]]
    for (let to = y, step = via.get(y); step; to = step[1], step = via.get(to))
      hops.push([step[0], step[1], to])
    return hops.reverse()
  }
  const movable = (p: number, y: number) => !(followersOnly && m.rep[p]![0] === y)
  let layer = m.kept.filter(isSource)
  for (const s of layer) seen[s] = 1
  let unseen = m.kept.length - layer.length
  while (layer.length > 0) {
    for (const y of layer) {
      for (const p of held[y]!) {
        if (!movable(p, y)) continue
        for (const x of targets) if (!seen[x] && canMove(m, p, y, x)) return chainTo(x, p, y)
      }
    }
    const next: number[] = []
    for (const y of layer) {
      for (const p of held[y]!) {
        if (unseen === 0) break
        if (!movable(p, y)) continue
        for (const x of m.kept) {
          if (seen[x] || isTarget(x) || !canMove(m, p, y, x)) continue
          seen[x] = 1
          unseen--
          via.set(x, [p, y])
          next.push(x)
        }
      }
    }
    layer = next
  }
  return null
}

function applyChain(
  m: Model,
  t: Targets,
  hops: Array<[number, number, number]>,
  reason: 'balance' | 'leaderByMove' = 'balance',
): boolean {
  for (const [p, from, to] of hops) {
    // Two hops may touch one partition; a hop that is no longer valid ends the chain (counts stay valid).
    if (!canMove(m, p, from, to)) return false
    const wasLeader = m.rep[p]![0] === from
    moveReplica(m, p, from, to, reason)
    if (wasLeader) reseatLeader(m, t.leaderLo, p)
  }
  return true
}

/**
 * Runs the same path again (same brokers, new partitions) while its ends still need it: after a chain is
 * found the next one usually has the same shape, and this spares a search per unit.
 */
function repeatChain(m: Model, t: Targets, path: number[], stillNeeded: () => boolean): void {
  const held = holdings(m)
  const cursor = path.map(() => 0)
  while (stillNeeded()) {
    const hops: Array<[number, number, number]> = []
    for (let i = 0; i + 1 < path.length; i++) {
      const from = path[i]!
      const to = path[i + 1]!
      const list = held[from]!
      while (cursor[i]! < list.length && !canMove(m, list[cursor[i]!]!, from, to)) cursor[i]!++
      if (cursor[i]! >= list.length) return
      hops.push([list[cursor[i]!]!, from, to])
      cursor[i]!++
    }
    if (!applyChain(m, t, hops)) return
  }
}

export function repairReplicas(m: Model, t: Targets): void {
  const lo = t.replicaLo
  const hi = t.replicaHi
  // Each full chain closes one unit of imbalance; the guard only stops chains that keep failing half-way.
  let units = 0
  for (const b of m.kept) units += Math.max(0, lo[b]! - m.count[b]!) + Math.max(0, m.count[b]! - hi[b]!)
  const above = (floor: Int32Array) => (b: number) => m.count[b]! > floor[b]!
  const below = (ceil: Int32Array) => (b: number) => m.count[b]! < ceil[b]!
  for (let guard = 0; guard < 2 * units + 16; guard++) {
    const deficit = m.kept.some(below(lo))
    const surplus = m.kept.some(above(hi))
    if (!deficit && !surplus) return
    // Surplus to deficit first; then a deficit from any broker above its low end; then a surplus to any
    // broker below its high end.
    const tries: Array<[Int32Array, Int32Array]> = deficit
      ? surplus
        ? [
            [hi, lo],
            [lo, lo],
          ]
        : [[lo, lo]]
      : [[hi, hi]]
    let found: [Array<[number, number, number]>, Int32Array, Int32Array] | null = null
    for (const [floor, ceil] of tries) {
      const chain = findChain(m, above(floor), below(ceil))
      if (chain) {
        found = [chain, floor, ceil]
        break
      }
    }
    if (!found) return
    const [chain, floor, ceil] = found
    if (!applyChain(m, t, chain)) continue
    const first = chain[0]![1]
    const last = chain[chain.length - 1]![2]
    const path = [first, ...chain.map((hop) => hop[2])]
    repeatChain(m, t, path, () => above(floor)(first) && below(ceil)(last))
  }
}

/** First valid partition led by `a` that can move to `c`, smallest first; -1 if none. */
function ledMovable(m: Model, a: number, c: number): number {
  let best = -1
  for (let p = 0; p < m.rep.length; p++) {
    if (m.rep[p]![0] !== a || !canMove(m, p, a, c)) continue
    if (best < 0 || m.bytes[p]! < m.bytes[best]!) best = p
  }
  return best
}

/** What the leader repair may still spend: replica moves, and chain searches (to bound planning time). */
export interface LeaderBudget {
  moves: number
  searches: number
}

/**
 * One unit of leader balance bought with data, where reordering has run out: p, led by a broker above its
 * leader target (or by any broker above its low end when some broker is short of leaders), moves to a broker
 * that can lead one more, which then leads it. Pairs where both replica counts stay on target come first
 * (one move); otherwise a chain of moves of replicas their brokers only follow restores the counts, if the
 * budget allows; when none exists the move is undone and the next pair is tried.
 */
export function moveForLeaders(m: Model, t: Targets, budget: LeaderBudget): boolean {
  if (budget.moves <= 0) return false
  const L = m.leaders
  const surplus = m.kept.filter((b) => L[b]! > t.leaderHi[b]!)
  const deficit = m.kept.filter((b) => L[b]! < t.leaderLo[b]!)
  const pairs: Array<[number, number]> = []
  if (surplus.length > 0) {
    for (const a of surplus) for (const c of m.kept) if (L[c]! < t.leaderHi[c]! && c !== a) pairs.push([a, c])
  } else {
    for (const c of deficit) for (const a of m.kept) if (L[a]! > t.leaderLo[a]! && a !== c) pairs.push([a, c])
  }
  const { count, reasons } = m
  const lo = t.replicaLo
  const hi = t.replicaHi
  const fits = ([a, c]: [number, number]) => count[c]! < hi[c]! && count[a]! > lo[a]!
  // One-move pairs first, then the largest gap (most leaders on a, fewest on c), then ids.
  pairs.sort(
    (x, y) =>
      Number(fits(y)) - Number(fits(x)) ||
      L[y[0]]! - L[y[1]]! - (L[x[0]]! - L[x[1]]!) ||
      x[0] - y[0] ||
      x[1] - y[1],
  )
  for (const [a, c] of pairs) {
    const single = fits([a, c])
    if (!single && (budget.moves < 2 || budget.searches <= 0)) return false
    const p = ledMovable(m, a, c)
    if (p < 0) continue
    const reasonsBefore = reasons[p]!
    moveReplica(m, p, a, c, 'leaderByMove')
    if (single) {
      budget.moves--
      return true
    }
    budget.searches--
    const over = count[c]! > hi[c]!
    const chain = findChain(
      m,
      over ? (b) => b === c : (b) => count[b]! > lo[b]!,
      count[a]! < lo[a]! ? (b) => b === a : (b) => count[b]! < hi[b]!,
      true,
    )
    if (chain && chain.length + 1 <= budget.moves && applyChain(m, t, chain, 'leaderByMove')) {
      budget.moves -= chain.length + 1
      return true
    }
    moveReplica(m, p, c, a, 'leaderByMove')
    reasons[p] = reasonsBefore
  }
  return false
}
