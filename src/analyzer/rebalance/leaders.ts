// Preferred-leader balancing by reordering replicas only: no data is copied, so no replica moves for the
// sake of leadership. Kafka's preferred leader is the first replica; making follower c of a partition led by
// a its first replica moves one unit of leadership from a to c.
//
// One unit at a time along shortest chains: brokers are nodes, and a → c is an edge while a leads some
// partition that c follows. A breadth-first search from the brokers with too many leaders finds the nearest
// broker with too few, and every hop of the path hands one partition's leadership to the next broker
// (intermediate brokers keep their count). This is an augmenting path, so it finds a balance whenever one
// exists by reordering alone. Passes, as for replicas: surplus → deficit, surplus → room, room → deficit.
//
// Cost: the edge counts are an n × n matrix kept up to date, so one search is O(n²) and the number of
// searches is at most the leader imbalance. For the partition behind an edge, each pair keeps a list that is
// checked lazily; partitions whose leader has already changed (or that would go back to their original
// leader) come first, so a shift rarely adds a partition to `leaderMoves` that was not there already.
import { AutopilotError } from '../../errors.ts'
import { type Model, swapLeader } from './model.ts'
import type { Targets } from './targets.ts'

interface Graph {
  n: number
  edges: Int32Array
  lists: Array<number[] | undefined>
  heads: Int32Array
}

function push(g: Graph, a: number, c: number, p: number): void {
  const k = a * g.n + c
  const list = g.lists[k]
  if (list) list.push(p)
  else g.lists[k] = [p]
}

function buildGraph(m: Model): Graph {
  const n = m.ids.length
  const g: Graph = { n, edges: new Int32Array(n * n), lists: new Array(n * n), heads: new Int32Array(n * n) }
  // tier 0: leader already changed and c was the original leader; 1: leader already changed; 2: the rest.
  for (let tier = 0; tier < 3; tier++) {
    for (let p = 0; p < m.rep.length; p++) {
      if (m.frozen[p]) continue
      const r = m.rep[p]!
      const a = r[0]!
      const original = m.before[p]![0]!
      for (let i = 1; i < r.length; i++) {
        const c = r[i]!
        const t = a !== original ? (c === original ? 0 : 1) : 2
        if (t !== tier) continue
        g.edges[a * n + c]!++
        push(g, a, c, p)
      }
    }
  }
  return g
}

/** Next partition led by a and followed by c, consumed from the pair's list. */
function take(g: Graph, m: Model, a: number, c: number): number {
  const k = a * g.n + c
  const list = g.lists[k]!
  while (g.heads[k]! < list.length) {
    const p = list[g.heads[k]!]!
    g.heads[k]!++
    const r = m.rep[p]!
    if (r[0] === a && r.includes(c)) return p
  }
  throw new AutopilotError(
    'AP_ERR_INTERNAL',
    `leader graph out of step for brokers ${m.ids[a]} → ${m.ids[c]}`,
  )
}

function shift(g: Graph, m: Model, p: number, c: number): void {
  const r = m.rep[p]!
  const a = r[0]!
  for (const x of r) if (x !== a) g.edges[a * g.n + x]!--
  swapLeader(m, p, c)
  for (const y of r) {
    if (y === c) continue
    g.edges[c * g.n + y]!++
    push(g, c, y, p)
  }
}

/** One unit from a broker passing isSource to the nearest passing isTarget; false when none is reachable. */
function augment(
  g: Graph,
  m: Model,
  isSource: (b: number) => boolean,
  isTarget: (b: number) => boolean,
): boolean {
  const prev = new Int32Array(g.n).fill(-2)
  const queue: number[] = []
  // Sources with the most leaders first, so ties go to the broker furthest above its target.
  const sources = m.kept.filter(isSource).sort((a, b) => m.leaders[b]! - m.leaders[a]! || a - b)
  for (const s of sources) {
    prev[s] = -1
    queue.push(s)
  }
  for (let head = 0; head < queue.length; head++) {
    const a = queue[head]!
    for (const c of m.kept) {
      if (prev[c] !== -2 || g.edges[a * g.n + c] === 0) continue
      prev[c] = a
      if (!isTarget(c)) {
        queue.push(c)
        continue
      }
      const hops: Array<[number, number]> = []
      for (let x = c; prev[x]! >= 0; x = prev[x]!) hops.push([take(g, m, prev[x]!, x), x])
      for (const [p, to] of hops) shift(g, m, p, to)
      return true
    }
  }
  return false
}

export function balanceLeaders(m: Model, t: Targets): void {
  const g = buildGraph(m)
  const L = m.leaders
  const above = (b: number) => L[b]! > t.leaderHi[b]!
  const below = (b: number) => L[b]! < t.leaderLo[b]!
  while (augment(g, m, above, below));
  while (augment(g, m, above, (b) => L[b]! < t.leaderHi[b]!));
  while (augment(g, m, (b) => L[b]! > t.leaderLo[b]!, below));
}
