// The planner's working state: brokers and partitions turned into dense indexes and typed arrays, so that the
// phases (required moves, balancing, leaders) work on counts instead of maps. Input checks live here too:
// the planner is called by the CLI, the API and the self-healing loop, so it trusts none of them.
import { AutopilotError } from '../../errors.ts'
import type {
  ChangeReason,
  PartitionReplicas,
  RebalanceInput,
  RebalanceOptions,
  RebalanceWarning,
} from './types.ts'

export const REASON_BITS: Record<ChangeReason, number> = {
  drain: 1,
  heal: 2,
  rack: 4,
  balance: 8,
  leader: 16,
  leaderByMove: 32,
}

export type BrokerRole = 'kept' | 'removed' | 'offline'

export interface Model {
  /** Broker ids by index, ascending: index order is id order, which every tie-break relies on. */
  ids: number[]
  role: BrokerRole[]
  /** Rack index per broker, -1 when none. */
  rack: Int32Array
  racks: string[]
  rackAware: boolean
  /** May hold replicas after the plan (role 'kept'). */
  eligible: Uint8Array
  /** Indexes of eligible brokers, ascending. */
  kept: number[]
  preferred: Uint8Array
  /** Partitions sorted by topic then partition number. */
  topic: string[]
  partition: number[]
  before: number[][]
  /** Working assignment (broker indexes), changed in place by `moveReplica` and `swapLeader`. */
  rep: number[][]
  bytes: Float64Array
  sized: boolean
  /** Partitions left untouched: every replica is on an offline broker. */
  frozen: Uint8Array
  /** Most replicas of the partition allowed on one rack (RF when rack awareness is off). */
  perRack: Int32Array
  count: Int32Array
  leaders: Int32Array
  /** RF 1 partitions per broker: leaders that no reordering can move. */
  single: Int32Array
  load: Float64Array
  reasons: Uint8Array
  /** The broker received replicas since its candidate list was built (see candidates.ts). */
  dirty: Uint8Array
  warnings: RebalanceWarning[]
}

function inputError(field: string, message: string): AutopilotError {
  return new AutopilotError('AP_ERR_INPUT', `${field}: ${message}`, { field })
}

function isBrokerId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

function idSet(ids: readonly unknown[] | undefined, name: string): Set<number> {
  const out = new Set<number>()
  for (const [i, id] of (ids ?? []).entries()) {
    if (!isBrokerId(id)) throw inputError(`${name}[${i}]`, `${String(id)} is not a broker id`)
    out.add(id)
  }
  return out
}

function checkPartition(p: PartitionReplicas, i: number, known: Set<number>): void {
  const at = `partitions[${i}]`
  if (typeof p?.topic !== 'string' || p.topic === '') throw inputError(`${at}.topic`, 'must be a topic name')
  if (!Number.isInteger(p.partition) || p.partition < 0)
    throw inputError(`${at}.partition`, 'must be a whole number ≥ 0')
  if (!Array.isArray(p.replicas) || p.replicas.length === 0)
    throw inputError(`${at}.replicas`, 'must list at least one broker')
  const seen = new Set<number>()
  for (const [j, b] of p.replicas.entries()) {
    if (!isBrokerId(b)) throw inputError(`${at}.replicas[${j}]`, `${String(b)} is not a broker id`)
    if (!known.has(b)) throw inputError(`${at}.replicas[${j}]`, `broker ${b} is not in brokers`)
    if (seen.has(b)) throw inputError(`${at}.replicas[${j}]`, `broker ${b} is listed twice`)
    seen.add(b)
  }
  if (p.bytes !== undefined && !(Number.isFinite(p.bytes) && p.bytes >= 0))
    throw inputError(`${at}.bytes`, 'must be a number of bytes ≥ 0')
}

function decideRackAware(input: RebalanceInput, options: RebalanceOptions): boolean {
  const withRack = input.brokers.filter((b) => typeof b.rack === 'string' && b.rack !== '').length
  if (options.rackAware === false || withRack === 0) return false
  if (withRack < input.brokers.length) {
    const i = input.brokers.findIndex((b) => typeof b.rack !== 'string' || b.rack === '')
    // Kafka's own assignment refuses the same mix (AdminUtils, unless --disable-rack-aware).
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `brokers[${i}].rack: broker ${input.brokers[i]!.id} has no rack while other brokers have one`,
      { field: `brokers[${i}].rack`, hint: 'give every broker a rack, or none (or turn rack awareness off)' },
    )
  }
  return true
}

function sortedOrder(partitions: readonly PartitionReplicas[]): number[] {
  const order = partitions.map((_, i) => i)
  order.sort((a, b) => {
    const pa = partitions[a]!
    const pb = partitions[b]!
    if (pa.topic !== pb.topic) return pa.topic < pb.topic ? -1 : 1
    return pa.partition - pb.partition
  })
  for (let k = 1; k < order.length; k++) {
    const a = partitions[order[k - 1]!]!
    const b = partitions[order[k]!]!
    if (a.topic === b.topic && a.partition === b.partition) {
      throw inputError(`partitions[${order[k]}]`, `${b.topic}-${b.partition} is listed twice`)
    }
  }
  return order
}

/** Validates the input and builds the working model. Throws AutopilotError(AP_ERR_INPUT) naming the field. */
export function buildModel(input: RebalanceInput, options: RebalanceOptions = {}): Model {
  if (!Array.isArray(input?.brokers) || input.brokers.length === 0)
    throw inputError('brokers', 'must list at least one broker')
  if (!Array.isArray(input.partitions)) throw inputError('partitions', 'must be a list')
  const listed = new Map<number, string | null>()
  for (const [i, b] of input.brokers.entries()) {
    if (!isBrokerId(b?.id)) throw inputError(`brokers[${i}].id`, `${String(b?.id)} is not a broker id`)
    if (listed.has(b.id)) throw inputError(`brokers[${i}].id`, `broker ${b.id} is listed twice`)
    if (b.rack !== undefined && b.rack !== null && typeof b.rack !== 'string')
      throw inputError(`brokers[${i}].rack`, 'must be a string or null')
    listed.set(b.id, typeof b.rack === 'string' && b.rack !== '' ? b.rack : null)
  }
  const offline = idSet(options.offline, 'offline')
  const remove = idSet(options.remove, 'remove')
  const prefer = idSet(options.prefer, 'prefer')
  for (const [i, id] of (options.remove ?? []).entries()) {
    if (!listed.has(id)) throw inputError(`remove[${i}]`, `broker ${id} is not in brokers`)
  }
  const known = new Set([...listed.keys(), ...offline])
  input.partitions.forEach((p, i) => {
    checkPartition(p, i, known)
  })
  const rackAware = decideRackAware(input, options)

  const ids = [...known].sort((a, b) => a - b)
  const index = new Map(ids.map((id, i) => [id, i]))
  const n = ids.length
  const role: BrokerRole[] = ids.map((id) =>
    offline.has(id) ? 'offline' : remove.has(id) ? 'removed' : 'kept',
  )
  const eligible = Uint8Array.from(role, (r) => (r === 'kept' ? 1 : 0))
  const kept = ids.map((_, i) => i).filter((i) => eligible[i] === 1)
  if (kept.length === 0) {
    throw new AutopilotError('AP_ERR_UNSAFE', 'no broker would be left to hold replicas', {
      field: 'brokers',
      details: { reason: 'NoBrokerLeft' },
    })
  }
  const preferred = new Uint8Array(n)
  for (const [i, id] of (options.prefer ?? []).entries()) {
    const b = index.get(id)
    if (b === undefined || !listed.has(id)) throw inputError(`prefer[${i}]`, `broker ${id} is not in brokers`)
    if (!eligible[b]) throw inputError(`prefer[${i}]`, `broker ${id} is being removed or is offline`)
  }
  for (const id of prefer) preferred[index.get(id)!] = 1

  const racks = rackAware ? [...new Set([...listed.values()].filter((r) => r !== null))].sort() : []
  const rackIndex = new Map(racks.map((r, i) => [r, i]))
  const rack = Int32Array.from(ids, (id) => {
    const name = listed.get(id)
    return rackAware && name ? rackIndex.get(name)! : -1
  })
  const keptRacks = new Set(kept.map((b) => rack[b]!)).size

  const order = sortedOrder(input.partitions)
  const P = order.length
  const parts = order.map((i) => input.partitions[i]!)
  const withSize = parts.filter((p) => p.bytes !== undefined)
  const sized = withSize.length > 0
  const meanBytes = sized ? Math.round(withSize.reduce((a, p) => a + p.bytes!, 0) / withSize.length) : 0
  const warnings: RebalanceWarning[] = []
  if (sized && withSize.length < P) {
    warnings.push({
      code: 'SizesPartial',
      message: `${P - withSize.length} of ${P} partitions have no size; they count as ${meanBytes} bytes`,
      details: { missing: P - withSize.length, assumedBytes: meanBytes },
    })
  }
  const rep = parts.map((p) => p.replicas.map((id) => index.get(id)!))
  const frozen = Uint8Array.from(rep, (r) =>
    offline.size > 0 && r.every((b) => role[b] === 'offline') ? 1 : 0,
  )
  const m: Model = {
    ids,
    role,
    rack,
    racks,
    rackAware,
    eligible,
    kept,
    preferred,
    topic: parts.map((p) => p.topic),
    partition: parts.map((p) => p.partition),
    before: rep.map((r) => [...r]),
    rep,
    bytes: Float64Array.from(parts, (p) => p.bytes ?? meanBytes),
    sized,
    frozen,
    perRack: Int32Array.from(rep, (r) => (rackAware ? Math.ceil(r.length / keptRacks) : r.length)),
    count: new Int32Array(n),
    leaders: new Int32Array(n),
    single: new Int32Array(n),
    load: new Float64Array(n),
    reasons: new Uint8Array(P),
    dirty: new Uint8Array(n),
    warnings,
  }
  for (let p = 0; p < P; p++) {
    const r = m.rep[p]!
    m.leaders[r[0]!]!++
    if (r.length === 1) m.single[r[0]!]!++
    for (const b of r) {
      m.count[b]!++
      m.load[b]! += m.bytes[p]!
    }
  }
  const offlineParts = [...frozen.keys()].filter((p) => frozen[p])
  if (offlineParts.length > 0) {
    warnings.push({
      code: 'PartitionOffline',
      message: `${offlineParts.length} partition(s) have every replica on an offline broker and are left as they are: ${offlineParts
        .slice(0, 5)
        .map((p) => `${m.topic[p]}-${m.partition[p]}`)
        .join(', ')}${offlineParts.length > 5 ? ', …' : ''}`,
      details: { partitions: offlineParts.map((p) => ({ topic: m.topic[p], partition: m.partition[p] })) },
    })
  }
  return m
}

export function partitionName(m: Model, p: number): string {
  return `${m.topic[p]}-${m.partition[p]}`
}

/** Whether partition `p` may gain a replica on `d` once its replica on `s` leaves (s = -1: nothing leaves). */
export function rackAllows(m: Model, p: number, s: number, d: number): boolean {
  if (!m.rackAware) return true
  const rd = m.rack[d]
  let same = 0
  for (const b of m.rep[p]!) if (b !== s && m.rack[b] === rd) same++
  return same < m.perRack[p]!
}

/** A valid single move: s holds p, d does not, and racks allow it. */
export function canMove(m: Model, p: number, s: number, d: number): boolean {
  if (m.frozen[p]) return false
  const r = m.rep[p]!
  let holdsS = false
  for (const b of r) {
    if (b === d) return false
    if (b === s) holdsS = true
  }
  return holdsS && rackAllows(m, p, s, d)
}

/** Replaces the replica of `p` on `from` by one on `to`, in the same position (so leadership follows it). */
export function moveReplica(m: Model, p: number, from: number, to: number, reason: ChangeReason): void {
  const r = m.rep[p]!
  const i = r.indexOf(from)
  r[i] = to
  m.count[from]!--
  m.count[to]!++
  m.load[from]! -= m.bytes[p]!
  m.load[to]! += m.bytes[p]!
  if (i === 0) {
    m.leaders[from]!--
    m.leaders[to]!++
  }
  if (r.length === 1) {
    m.single[from]!--
    m.single[to]!++
  }
  m.reasons[p]! |= REASON_BITS[reason]
  m.dirty[to] = 1
}

function setFirst(m: Model, p: number, to: number): void {
  const r = m.rep[p]!
  const i = r.indexOf(to)
  const from = r[0]!
  r[0] = to
  r[i] = from
  m.leaders[from]!--
  m.leaders[to]!++
}

/** Makes follower `to` the preferred leader of `p` by swapping it with the current first replica. */
export function swapLeader(m: Model, p: number, to: number): void {
  setFirst(m, p, to)
  m.reasons[p]! |= REASON_BITS.leader
}

/**
 * After a move took away p's preferred leader, its replacement sits first. Leadership changes anyway, so
 * give it to whichever replica is furthest below its leader target (`leaderLo`; ties: replica order).
 */
export function reseatLeader(m: Model, leaderLo: Int32Array, p: number): void {
  const r = m.rep[p]!
  // What each replica's leader count (relative to its target) would be if it led p.
  const score = (b: number) => m.leaders[b]! - leaderLo[b]! + (b === r[0] ? 0 : 1)
  let best = r[0]!
  for (const b of r) if (score(b) < score(best)) best = b
  if (best !== r[0]) setFirst(m, p, best)
}
