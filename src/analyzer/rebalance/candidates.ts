// Which replica a source broker gives to a destination broker, found without rescanning.
//
// Each broker keeps two candidate lists, the partitions it leads and the partitions it follows (as of the
// start of balancing), largest first (partition order when sizes are unknown). Each (source, destination,
// list) keeps two cursors, one from the front (largest) and one from the back (smallest). An entry a cursor
// passes is either gone from the source or cannot go to that destination (the destination already holds
// the partition, or its rack is full), and neither changes while the pair is in use: in a balancing step a
// source only loses replicas and a destination only gains them. So every list is walked about twice per
// pair, and planning stays O(P·RF + pairs · list) instead of a scan of every partition per move. Before a
// pair is declared exhausted its list is walked once more from the start, in case a rack freed up.
//
// Leader or follower: moving a replica that leads changes the partition's preferred leader (a leader move),
// so the caller asks for a led partition only when the destination is short of leaders and the source has
// leaders to spare, and for a followed one otherwise; the other list is the fallback.
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

const LEAD = 0
const FOLLOW = 1

export interface Candidates {
  /** [LEAD][broker] and [FOLLOW][broker]. */
  lists: [Int32Array[], Int32Array[]]
  cursors: Map<number, Cursor>
}

function buildLists(m: Model, brokers: number[]): [Int32Array[], Int32Array[]] {
  const wanted = new Set(brokers)
  const lead: number[][] = m.ids.map(() => [])
  const follow: number[][] = m.ids.map(() => [])
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p]) continue
    const r = m.rep[p]!
    for (let i = 0; i < r.length; i++) if (wanted.has(r[i]!)) (i === 0 ? lead : follow)[r[i]!]!.push(p)
  }
  const finish = (list: number[], b: number) => {
    if (!wanted.has(b)) return new Int32Array(0)
    if (m.sized) list.sort((x, y) => m.bytes[y]! - m.bytes[x]! || x - y)
    return Int32Array.from(list)
  }
  for (const b of brokers) m.dirty[b] = 0
  return [lead.map(finish), follow.map(finish)]
}

export function createCandidates(m: Model): Candidates {
  return {
    lists: buildLists(
      m,
      m.ids.map((_, b) => b),
    ),
    cursors: new Map(),
  }
}

function cursorKey(m: Model, s: number, d: number, kind: number): number {
  return (s * m.ids.length + d) * 2 + kind
}

/** Rebuilds the source's lists if it received replicas since they were built (its cursors start over). */
function refresh(c: Candidates, m: Model, s: number): void {
  if (!m.dirty[s]) return
  const [lead, follow] = buildLists(m, [s])
  c.lists[LEAD][s] = lead[s]!
  c.lists[FOLLOW][s] = follow[s]!
  for (let d = 0; d < m.ids.length; d++) {
    c.cursors.delete(cursorKey(m, s, d, LEAD))
    c.cursors.delete(cursorKey(m, s, d, FOLLOW))
  }
}

function pickFrom(c: Candidates, m: Model, s: number, d: number, kind: number): number {
  const list = c.lists[kind as 0 | 1][s]!
  const key = cursorKey(m, s, d, kind)
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

/** A partition whose replica on `s` can move to `d` (a led one first if `wantLeader`), or -1 if none. */
export function pickReplica(c: Candidates, m: Model, s: number, d: number, wantLeader: boolean): number {
  refresh(c, m, s)
  const first = wantLeader ? LEAD : FOLLOW
  const p = pickFrom(c, m, s, d, first)
  return p >= 0 ? p : pickFrom(c, m, s, d, 1 - first)
}
