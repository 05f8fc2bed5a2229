// Moves that must happen whatever the balance: replicas on removed brokers (drain), replicas on offline
// brokers (heal) and replicas beyond their rack's limit. Each goes to the best kept broker that may take it:
//   1. a preferred broker (the replacement when healing) while it is below its replica target's high end;
//   2. then brokers below the low end of their target, then those below the high end, then the rest;
//   3. within a class, for a leading replica the fewest leaders relative to the leader target; then the
//      fewest replicas relative to the target, then (with sizes) the fewest bytes, then the lowest id.
// Partitions are handled highest RF first, then largest first when sizes are known, so big replicas spread
// over the emptiest brokers before the small ones fill the gaps. When the replica that leaves was the preferred leader, the
// partition's new first replica is whichever of its replicas is furthest below its leader target (the
// leader changes anyway, so this costs nothing and spares the leader phase work).
import { AutopilotError } from '../../errors.ts'
import { canMove, type Model, moveReplica, partitionName, reseatLeader } from './model.ts'
import type { Targets } from './targets.ts'

function better(m: Model, t: Targets, a: number, b: number, leader: boolean): boolean {
  const classOf = (x: number) => (m.count[x]! < t.replicaLo[x]! ? 0 : m.count[x]! < t.replicaHi[x]! ? 1 : 2)
  const pa = m.preferred[a] && m.count[a]! < t.replicaHi[a]! ? 0 : 1
  const pb = m.preferred[b] && m.count[b]! < t.replicaHi[b]! ? 0 : 1
  if (pa !== pb) return pa < pb
  if (classOf(a) !== classOf(b)) return classOf(a) < classOf(b)
  if (leader) {
    const la = m.leaders[a]! - t.leaderLo[a]!
    const lb = m.leaders[b]! - t.leaderLo[b]!
    if (la !== lb) return la < lb
  }
  const ra = m.count[a]! - t.replicaLo[a]!
  const rb = m.count[b]! - t.replicaLo[b]!
  if (ra !== rb) return ra < rb
  if (m.load[a] !== m.load[b]) return m.load[a]! < m.load[b]!
  return a < b
}

/** The kept broker that should receive partition p's replica leaving `s`, or -1 if none may. */
export function bestDestination(m: Model, t: Targets, p: number, s: number): number {
  const leader = m.rep[p]![0] === s
  let best = -1
  for (const d of m.kept) {
    if (!canMove(m, p, s, d)) continue
    if (best < 0 || better(m, t, d, best, leader)) best = d
  }
  return best
}

function place(m: Model, t: Targets, p: number, s: number, reason: 'drain' | 'heal' | 'rack'): void {
  const d = bestDestination(m, t, p, s)
  // assertFeasible ran first, so a destination always exists: some rack still has room below its limit
  // and room means a kept broker there not yet holding p.
  if (d < 0) {
    throw new AutopilotError('AP_ERR_INTERNAL', `no broker can take ${partitionName(m, p)}`, {
      details: { partition: partitionName(m, p), from: m.ids[s] },
    })
  }
  const wasLeader = m.rep[p]![0] === s
  moveReplica(m, p, s, d, reason)
  if (wasLeader) reseatLeader(m, t.leaderLo, p)
}

/** The replica of p to move off an over-full rack: the one on the broker furthest above its target. */
function rackVictim(m: Model, t: Targets, p: number, rack: number): number {
  let victim = -1
  for (const [i, b] of m.rep[p]!.entries()) {
    if (m.rack[b] !== rack || !m.eligible[b]) continue
    if (victim < 0) {
      victim = b
      continue
    }
    const over = m.count[b]! - t.replicaHi[b]!
    const best = m.count[victim]! - t.replicaHi[victim]!
    // Followers before the leader (keeps the preferred leader), then replica order.
    if (over > best || (over === best && i > 0 && m.rep[p]![0] === victim)) victim = b
  }
  return victim
}

function fixRacks(m: Model, t: Targets, p: number): void {
  for (;;) {
    let crowded = -1
    for (const b of m.rep[p]!) {
      if (m.eligible[b] && countOnRack(m, p, m.rack[b]!) > m.perRack[p]!) {
        crowded = m.rack[b]!
        break
      }
    }
    if (crowded < 0) return
    place(m, t, p, rackVictim(m, t, p, crowded), 'rack')
  }
}

function countOnRack(m: Model, p: number, rack: number): number {
  let c = 0
  for (const b of m.rep[p]!) if (m.rack[b] === rack) c++
  return c
}

/**
 * Processing order: highest RF first (their replicas fit the fewest brokers, so they choose while there is
 * still room; RF 1 replicas fit anywhere and fill what is left), then largest first with sizes, then
 * partition order.
 */
export function partitionOrder(m: Model): number[] {
  const order = m.rep.map((_, p) => p)
  order.sort((a, b) => m.rep[b]!.length - m.rep[a]!.length || m.bytes[b]! - m.bytes[a]! || a - b)
  return order
}

export function moveRequired(m: Model, t: Targets): void {
  for (const p of partitionOrder(m)) {
    if (m.frozen[p]) continue
    const r = m.rep[p]!
    for (let i = 0; i < r.length; i++) {
      const s = r[i]!
      if (!m.eligible[s]) place(m, t, p, s, m.role[s] === 'offline' ? 'heal' : 'drain')
    }
    if (m.rackAware) fixRacks(m, t, p)
  }
}
