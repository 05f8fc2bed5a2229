// Replica-count balancing with as few moves as the counts allow (bounds.ts): first every move takes a
// replica from a broker above its target to one below it (each such move closes a surplus and a deficit at
// once), then leftover surpluses go to brokers with room below their high end, then leftover deficits are
// filled from brokers above their low end. A broker is only ever a source or only a destination within a
// step, which is what lets candidates.ts keep its cursors.
//
// Choice order: the destination with the largest deficit (then fewest bytes, lowest id); the source with
// the largest surplus (then most bytes, lowest id). A destination or source for which no valid replica is
// left is set aside for the rest of the step.
import { type Candidates, createCandidates, type Kind, pickReplica } from './candidates.ts'
import { type Model, moveReplica, reseatLeader } from './model.ts'
import type { Targets } from './targets.ts'

type Rank = (b: number) => number

/** Brokers passing `keep`, by `rank` descending, then bytes (descending or ascending), then index. */
function ranked(m: Model, keep: (b: number) => boolean, rank: Rank, moreBytesFirst: boolean): number[] {
  return m.kept
    .filter(keep)
    .sort(
      (a, b) =>
        rank(b) - rank(a) || (moreBytesFirst ? m.load[b]! - m.load[a]! : m.load[a]! - m.load[b]!) || a - b,
    )
}

/** Moves p's replica from s to d; a led replica hands leadership to the replica that needs it most. */
function move(m: Model, t: Targets, p: number, s: number, d: number): void {
  const wasLeader = m.rep[p]![0] === s
  moveReplica(m, p, s, d, 'balance')
  if (wasLeader) reseatLeader(m, t.leaderLo, p)
}

/**
 * Which replicas of s to offer d, best first. Leadership of RF 1 partitions cannot be reordered away, so a
 * source leading more of them than its leader target allows sheds those first (to a destination that
 * still has room for leaders). A led replica otherwise goes only where it helps both ends (d short of leaders, s with some to
 * spare); else followed replicas go first and RF 1 ones last, as they fit anywhere.
 */
function kindOrder(m: Model, t: Targets, s: number, d: number): Kind[] {
  if (m.single[s]! > t.leaderHi[s]! && m.leaders[d]! < t.leaderHi[d]!) return ['single', 'led', 'followed']
  if (m.leaders[d]! < t.leaderLo[d]! && m.leaders[s]! > t.leaderLo[s]!) return ['led', 'single', 'followed']
  return ['followed', 'led', 'single']
}

/**
 * One move to `d` from the first of `sources` that has a candidate of its first-choice kind (kindOrder);
 * failing that, of its second choice, and so on. False when no source can give `d` anything.
 */
function moveTo(m: Model, t: Targets, c: Candidates, d: number, sources: number[]): boolean {
  for (let choice = 0; choice < 3; choice++) {
    for (const s of sources) {
      const p = pickReplica(c, m, s, d, kindOrder(m, t, s, d)[choice]!)
      if (p < 0) continue
      move(m, t, p, s, d)
      return true
    }
  }
  return false
}

/** Destination-driven: while some broker is below its low end, fill it from brokers above `floorOf`. */
function fillDeficits(m: Model, t: Targets, c: Candidates, floorOf: (b: number) => number): void {
  const stuck = new Uint8Array(m.ids.length)
  const need: Rank = (b) => t.replicaLo[b]! - m.count[b]!
  for (;;) {
    const d = ranked(m, (b) => !stuck[b] && need(b) > 0, need, false)[0]
    if (d === undefined) return
    const sources = ranked(
      m,
      (s) => s !== d && m.count[s]! > floorOf(s),
      (s) => m.count[s]! - floorOf(s),
      true,
    )
    if (!moveTo(m, t, c, d, sources)) stuck[d] = 1
  }
}

/** Source-driven: while some broker is above its high end, move its replicas to brokers with room. */
function drainSurpluses(m: Model, t: Targets, c: Candidates): void {
  const stuck = new Uint8Array(m.ids.length)
  const surplus: Rank = (b) => m.count[b]! - t.replicaHi[b]!
  for (;;) {
    const s = ranked(m, (b) => !stuck[b] && surplus(b) > 0, surplus, true)[0]
    if (s === undefined) return
    const room: Rank = (d) => t.replicaHi[d]! - m.count[d]!
    const destinations = ranked(
      m,
      (d) => d !== s && room(d) > 0,
      (d) => t.replicaLo[d]! - m.count[d]!,
      false,
    )
    let moved = false
    for (let choice = 0; choice < 3 && !moved; choice++) {
      for (const d of destinations) {
        const p = pickReplica(c, m, s, d, kindOrder(m, t, s, d)[choice]!)
        if (p < 0) continue
        move(m, t, p, s, d)
        moved = true
        break
      }
    }
    if (!moved) stuck[s] = 1
  }
}

export function balanceReplicas(m: Model, t: Targets): void {
  const c = createCandidates(m)
  fillDeficits(m, t, c, (b) => t.replicaHi[b]!)
  drainSurpluses(m, t, c)
  fillDeficits(m, t, c, (b) => t.replicaLo[b]!)
}
