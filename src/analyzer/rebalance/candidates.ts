// Which replica a source broker gives to a destination broker, found without rescanning.
//
// Each broker keeps candidate lists: the partitions it leads and those it follows (as of the start of
// balancing), each split by replication factor, largest first (partition order when sizes are unknown).
// Lists with a higher RF are tried first: such a replica fits fewer destinations (every broker already
// holding the partition is ruled out), so giving it where it fits leaves the flexible ones (RF 1 fits any
// broker) for destinations that can take nothing else. Each (source, destination, list) keeps two cursors, one from the front (largest) and one from the back (smallest). An entry a cursor
// passes is either gone from the source or cannot go to that destination (the destination already holds
// the partition, or its rack is full), and neither changes while the pair is in use: in a balancing step a
// source only loses replicas and a destination only gains them. So every list is walked about twice per
// pair, and planning stays O(P·RF + pairs · list) instead of a scan of every partition per move. Before a
// pair is declared exhausted its list is walked once more from the start, in case a rack freed up.
//
// Leader or follower: moving a replica that leads changes the partition's preferred leader (a leader move),
// so the caller asks for a led partition only when the destination is short of leaders and the source has
// leaders to spare, and for a followed one otherwise (balance.ts).
//
// Tie-breaking with sizes (bytes are a secondary goal, after replica counts and fewest moves): the source
// gives its largest movable replica if that still leaves the destination with no more bytes than the source
// (2·size ≤ bytes(source) − bytes(destination)), otherwise its smallest. Large partitions therefore flow to
// brokers short of bytes until the pair is level, and small ones make up the count after that; no move is
// spent on bytes alone.
import { canMove, type Model } from './model.ts'

interface Cursor {
  front: number
  back: number
  rescanned: boolean
}

/** single: RF 1 partitions (their one replica must lead); led / followed: RF ≥ 2, by the source's role. */
export type Kind = 'single' | 'led' | 'followed'

interface List {
  kind: Kind
  items: Int32Array
}

export interface Candidates {
  /** Per broker: its lists in the order they are tried (RF descending; led and followed apart). */
  lists: List[][]
  /** Distinct (led, RF) groups: lists per broker never exceed it, cursor keys use it as a stride. */
  groups: number
  /** RF values, descending. */
  rfs: number[]
  cursors: Map<number, Cursor>
}

function buildLists(m: Model, rfs: number[], brokers: number[]): List[][] {
  const wanted = new Set(brokers)
  const slot = new Map(rfs.map((rf, i) => [rf, i]))
  // raw[b][2·rfIndex + (led ? 0 : 1)]
  const raw: number[][][] = m.ids.map((_, b) => (wanted.has(b) ? rfs.flatMap(() => [[], []]) : []))
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    const r = m.rep[p]!
    const base = 2 * slot.get(r.length)!
    for (let i = 0; i < r.length; i++) if (wanted.has(r[i]!)) raw[r[i]!]![base + (i === 0 ? 0 : 1)]!.push(p)
  }
  for (const b of brokers) m.dirty[b] = 0
  return raw.map((groups) =>
    groups.map((list, g) => {
      if (m.sized) list.sort((x, y) => m.bytes[y]! - m.bytes[x]! || x - y)
      const kind: Kind = rfs[g >> 1] === 1 ? 'single' : g % 2 === 0 ? 'led' : 'followed'
      return { kind, items: Int32Array.from(list) }
    }),
  )
}

export function createCandidates(m: Model): Candidates {
  const rfs = [...new Set(m.rep.map((r) => r.length))].sort((a, b) => b - a)
  return {
    lists: buildLists(
      m,
      rfs,
      m.ids.map((_, b) => b),
    ),
    groups: 2 * rfs.length,
    rfs,
    cursors: new Map(),
  }
}

function cursorKey(c: Candidates, m: Model, s: number, d: number, list: number): number {
  return (s * m.ids.length + d) * c.groups + list
}

/** Rebuilds the source's lists if it received replicas since they were built (its cursors start over). */
function refresh(c: Candidates, m: Model, s: number): void {
  if (!m.dirty[s]) return
  c.lists[s] = buildLists(m, c.rfs, [s])[s]!
  for (let d = 0; d < m.ids.length; d++)
    for (let g = 0; g < c.groups; g++) c.cursors.delete(cursorKey(c, m, s, d, g))
}

function pickFrom(c: Candidates, m: Model, s: number, d: number, g: number): number {
  const list = c.lists[s]![g]!.items
  const key = cursorKey(c, m, s, d, g)
  let cur = c.cursors.get(key)
  if (!cur) {
    cur = { front: 0, back: list.length - 1, rescanned: false }
    c.cursors.set(key, cur)
  }
  for (;;) {
    while (cur.front <= cur.back && !canMove(m, list[cur.front]!, s, d)) cur.front++
    if (cur.front <= cur.back) break
    if (cur.rescanned) return -1
    cur.rescanned = true
    cur.front = 0
    cur.back = list.length - 1
  }
  const largest = list[cur.front]!
  if (!m.sized || 2 * m.bytes[largest]! <= m.load[s]! - m.load[d]!) return largest
  while (!canMove(m, list[cur.back]!, s, d)) cur.back--
  return list[cur.back]!
}

/** A partition of the given kind on `s` whose replica can move to `d` (higher RF first); -1 if none. */
export function pickReplica(c: Candidates, m: Model, s: number, d: number, kind: Kind): number {
  refresh(c, m, s)
  const lists = c.lists[s]!
  for (let g = 0; g < lists.length; g++) {
    if (lists[g]!.kind !== kind || lists[g]!.items.length === 0) continue
    const p = pickFrom(c, m, s, d, g)
    if (p >= 0) return p
  }
  return -1
}
