// Refusals: plans that cannot exist. Every partition must keep its replication factor on distinct kept
// brokers and, with rack awareness, within its per-rack limit. Checked before anything moves so the caller
// gets one clear reason (e.g. RF 3 with 2 brokers left) instead of a half-made plan.
import { AutopilotError } from '../../errors.ts'
import { type Model, partitionName } from './model.ts'

function listIds(m: Model, indexes: number[]): string {
  return indexes.map((b) => m.ids[b]).join(', ')
}

function leaving(m: Model): string {
  const removed = m.ids.filter((_, b) => m.role[b] === 'removed')
  const offline = m.ids.filter((_, b) => m.role[b] === 'offline')
  const parts = []
  if (removed.length > 0) parts.push(`removing broker(s) ${removed.join(', ')}`)
  if (offline.length > 0) parts.push(`without offline broker(s) ${offline.join(', ')}`)
  return parts.length > 0 ? ` (${parts.join(', ')})` : ''
}

function sample(m: Model, bad: number[]): string {
  const names = bad.slice(0, 5).map((p) => partitionName(m, p))
  return `${names.join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}`
}

/** Throws AutopilotError(AP_ERR_UNSAFE) when some partition cannot keep its RF (or rack spread). */
export function assertFeasible(m: Model): void {
  const kept = m.kept.length
  const tooFew: number[] = []
  let worstRf = 0
  for (let p = 0; p < m.rep.length; p++) {
    if (m.frozen[p] || m.rep[p]!.length <= kept) continue
    tooFew.push(p)
    worstRf = Math.max(worstRf, m.rep[p]!.length)
  }
  if (tooFew.length > 0) {
    throw new AutopilotError(
      'AP_ERR_UNSAFE',
      `cannot place replication factor ${worstRf} on ${kept} broker(s)${leaving(m)}: ${sample(m, tooFew)} need(s) ${worstRf} distinct brokers, only ${listIds(m, m.kept)} would hold replicas`,
      {
        details: {
          reason: 'ReplicationFactorExceedsBrokers',
          brokersLeft: m.kept.map((b) => m.ids[b]),
          partitions: tooFew.map((p) => ({ topic: m.topic[p], partition: m.partition[p] })),
        },
        hint: 'keep more brokers (or add some first), or lower the replication factor of these topics',
      },
    )
  }
  if (!m.rackAware) return
  const perRack = new Map<number, number>()
  for (const b of m.kept) perRack.set(m.rack[b]!, (perRack.get(m.rack[b]!) ?? 0) + 1)
  const room = (k: number) => [...perRack.values()].reduce((a, nr) => a + Math.min(k, nr), 0)
  const rackBad: number[] = []
  for (let p = 0; p < m.rep.length; p++) {
    if (!m.frozen[p] && room(m.perRack[p]!) < m.rep[p]!.length) rackBad.push(p)
  }
  if (rackBad.length > 0) {
    const p = rackBad[0]!
    const racks = [...perRack.entries()].map(([r, nr]) => `${m.racks[r]} (${nr})`).join(', ')
    throw new AutopilotError(
      'AP_ERR_UNSAFE',
      `racks cannot hold the replicas${leaving(m)}: ${sample(m, rackBad)} need(s) ${m.rep[p]!.length} replicas with at most ${m.perRack[p]} per rack, but the racks left are ${racks} (brokers per rack)`,
      {
        details: {
          reason: 'RacksCannotHoldReplicas',
          partitions: rackBad.map((q) => ({ topic: m.topic[q], partition: m.partition[q] })),
        },
        hint: 'keep a broker in each rack, add brokers to the small racks, or turn rack awareness off',
      },
    )
  }
}
