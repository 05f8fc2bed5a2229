// The consumer-group model. Fluid (records are real numbers), stepped every `stepSeconds`:
//
// - Partitions receive records as the trace says (trace.ts Production: exact, not stepped).
// - Replicas are pods: one started at t joins the group at t + startupSeconds. A pod removed before it joined
//   just disappears; removing one that joined makes it leave the group. Pods cost from start to removal.
// - Every membership change (join or leave) is a rebalance of the classic, eager protocol, which is what the
//   sample worker runs (@platformatic/kafka, round-robin assignor): every member stops consuming until
//   rebalancePauseSeconds after the change. Changes during a pause restart it (the pause ends at the last
//   change + the pause); changes at the same instant are one rebalance. With groupProtocol 'consumer'
//   (KIP-848) there is no group-wide stop: only the partitions that change owner pause (group-protocol.ts).
// - Outside pauses, partitions are dealt round-robin over the members (partition p to member p mod m; members
//   beyond the partition count idle). A member consumes up to throughputPerReplica records/s over its
//   partitions, shared in proportion to what each has waiting.
// - Consumers commit what they consumed every commitIntervalSeconds (on one shared clock, half an interval
//   off the policies' clocks); policies see committed offsets, read metricDelaySeconds late. The run is
//   judged on what was consumed (true lag), not on what was committed.
import { PartitionPauses } from './group-protocol.ts'
import type { Production } from './trace.ts'
import type { ModelParams } from './types.ts'

/** What a lag monitor would read: log-end and committed offsets per partition, and lag time (committed). */
export interface Observation {
  /** Time of the reading (t − metric delay, not before 0). */
  at: number
  logEnd: number[]
  committed: number[]
  /** Age of the oldest uncommitted record, max over partitions (what the lag monitor calls lagSeconds). */
  lagSeconds: number
}

interface Pod {
  joinAt: number
  joined: boolean
}

const EPS = 1e-9

/**
 * Consumes what `members` members can in [from, to) with `activeSeconds` of that interval unpaused: each
 * member's capacity shared over its round-robin partitions in proportion to what they have waiting. Returns
 * the new consumed positions (the input is not changed). Partitions `active` rejects (paused) are left out.
 */
export function allocate(
  production: Production,
  consumed: Float64Array,
  members: number,
  to: number,
  activeSeconds: number,
  throughputPerReplica: number,
  active?: (p: number) => boolean,
): Float64Array {
  const next = Float64Array.from(consumed)
  const P = production.partitions
  if (members <= 0 || activeSeconds <= 0) return next
  const capacity = throughputPerReplica * activeSeconds
  for (let member = 0; member < Math.min(members, P); member++) {
    let waiting = 0
    for (let p = member; p < P; p += members) {
      if (active && !active(p)) continue
      waiting += Math.max(0, production.produced(p, to) - (consumed[p] as number))
    }
    if (waiting <= EPS) continue
    const share = Math.min(1, capacity / waiting)
    for (let p = member; p < P; p += members) {
      if (active && !active(p)) continue
      const w = Math.max(0, production.produced(p, to) - (consumed[p] as number))
      next[p] = (consumed[p] as number) + w * share
    }
  }
  return next
}

export class GroupModel {
  readonly production: Production
  readonly params: ModelParams
  /** Start of the current step. */
  t = 0
  readonly consumed: Float64Array
  readonly committed: Float64Array
  pausedUntil = Number.NEGATIVE_INFINITY
  rebalances = 0
  scaleEvents = 0
  replicaSeconds = 0
  #pods: Pod[]
  #lastRebalanceAt = Number.NEGATIVE_INFINITY
  /** consumer protocol: per-partition pauses; null with classic. */
  readonly #moves: PartitionPauses | null
  /** Batch service: each member's current partition and what is left of its batch. */
  #turns: Array<{ index: number; remaining: number }> = []
  /** Committed offsets at the start of recent steps, for delayed observations (ring buffer). */
  readonly #history: Float64Array[]
  #step = 0

  constructor(production: Production, params: ModelParams, initialReplicas: number) {
    this.production = production
    this.params = params
    const P = production.partitions
    this.consumed = new Float64Array(P)
    this.committed = new Float64Array(P)
    // The initial replicas are an established group: joined, no rebalance pending.
    this.#pods = Array.from({ length: initialReplicas }, () => ({ joinAt: 0, joined: true }))
    const depth = Math.ceil(params.metricDelaySeconds / params.stepSeconds) + 2
    this.#history = Array.from({ length: depth }, () => new Float64Array(P))
    this.#moves = params.groupProtocol === 'consumer' ? new PartitionPauses(P) : null
  }

  /** Replicas running or starting (the target's replica count). */
  get replicas(): number {
    return this.#pods.length
  }

  /** Replicas that joined the group. */
  get members(): number {
    return this.#pods.filter((p) => p.joined).length
  }

  get paused(): boolean {
    return this.t < this.pausedUntil - EPS
  }

  /** Sets the replica count at the current time. */
  setReplicas(n: number): void {
    const current = this.#pods.length
    if (n === current) return
    this.scaleEvents++
    if (n > current) {
      for (let i = current; i < n; i++) {
        this.#pods.push({ joinAt: this.t + this.params.startupSeconds, joined: false })
      }
      return
    }
    // Pods still starting go first (as a ReplicaSet removes unready pods first), newest first.
    let remove = current - n
    const before = this.members
    let left = false
    for (let i = this.#pods.length - 1; i >= 0 && remove > 0; i--) {
      if (!this.#pods[i]?.joined) {
        this.#pods.splice(i, 1)
        remove--
      }
    }
    while (remove > 0) {
      this.#pods.pop()
      remove--
      left = true
    }
    if (left) this.#rebalance(this.t, before)
  }

  /**
   * Batch service (fetchBatchRecords > 0): each member works through one partition's fetched batch at a time
   * (what was waiting there when its turn came, up to fetchBatchRecords), then moves to its next partition
   * with records, round-robin. Under a backlog the other partitions wait for whole batches, so lag time
   * (the oldest record) grows far beyond backlog / throughput, as with the real client, whose fetches return
   * up to 50 MB per partition.
   */
  #consumeInTurns(to: number, seconds: number, active?: (p: number) => boolean): void {
    const m = this.members
    const P = this.production.partitions
    if (m <= 0 || seconds <= 0) return
    const waiting = (p: number) =>
      active && !active(p) ? 0 : Math.max(0, this.production.produced(p, to) - (this.consumed[p] as number))
    for (let member = 0; member < Math.min(m, P); member++) {
      const mine: number[] = []
      for (let p = member; p < P; p += m) mine.push(p)
      const turn = this.#turns[member] ?? { index: -1, remaining: 0 }
      let budget = this.params.throughputPerReplica * seconds
      while (budget > EPS) {
        const current = mine[turn.index]
        if (current === undefined || turn.remaining <= EPS || waiting(current) <= EPS) {
          let found = -1
          for (let k = 1; k <= mine.length && found < 0; k++) {
            const i = (turn.index + k + mine.length) % mine.length
            if (waiting(mine[i] as number) > EPS) found = i
          }
          if (found < 0) break
          turn.index = found
          turn.remaining = Math.min(waiting(mine[found] as number), this.params.fetchBatchRecords)
        }
        const p = mine[turn.index] as number
        const take = Math.min(turn.remaining, budget, waiting(p))
        this.consumed[p] = (this.consumed[p] as number) + take
        turn.remaining -= take
        budget -= take
      }
      this.#turns[member] = turn
    }
  }

  /** A membership change at `at`, from `before` members to the current ones. */
  #rebalance(at: number, before: number): void {
    this.#turns = []
    if (at !== this.#lastRebalanceAt) this.rebalances++
    this.#lastRebalanceAt = at
    if (this.#moves) this.#moves.change(at, before, this.members, this.params.movedPauseSeconds)
    else this.pausedUntil = Math.max(this.pausedUntil, at + this.params.rebalancePauseSeconds)
  }

  /** Consumes in [from, to) with `seconds` of it unpaused; `active`: the partitions not paused. */
  #consume(to: number, seconds: number, active?: (p: number) => boolean): void {
    if (this.params.fetchBatchRecords > 0) this.#consumeInTurns(to, seconds, active)
    else {
      const { production, consumed, members, params } = this
      consumed.set(allocate(production, consumed, members, to, seconds, params.throughputPerReplica, active))
    }
  }

  /** Advances one step: joins that are due, consumption, commits. */
  advance(): void {
    const dt = this.params.stepSeconds
    const from = this.t
    const to = from + dt
    const ring = this.#history[this.#step % this.#history.length] as Float64Array
    ring.set(this.committed)
    // Pods joining at the same instant join together (one change; pods are in start order).
    const due = this.#pods.filter((pod) => !pod.joined && pod.joinAt <= from + EPS)
    for (let i = 0; i < due.length; ) {
      const at = (due[i] as Pod).joinAt
      const before = this.members
      for (; i < due.length && (due[i] as Pod).joinAt === at; i++) (due[i] as Pod).joined = true
      this.#rebalance(at, before)
    }
    this.replicaSeconds += this.#pods.length * dt
    const moves = this.#moves
    if (moves) {
      // Pieces of the step in which the same partitions are paused (moves.cuts).
      let a = from
      for (const b of moves.cuts(from, to)) {
        const start = a
        this.#consume(b, b - a, (p) => moves.activeAt(p, start))
        a = b
      }
    } else {
      const active = Math.max(0, to - Math.max(from, this.pausedUntil))
      this.#consume(to, Math.min(dt, active))
    }
    // Commits fall half an interval off the policies' clocks (real commit timers start at random phases; half
    // an interval is the average), so a reading sees what was consumed since the last commit as lag.
    const ci = this.params.commitIntervalSeconds
    const phase = (x: number) => Math.floor(x / ci - 0.5 + EPS)
    if (ci <= 0 || phase(to) > phase(from)) this.committed.set(this.consumed)
    this.t = to
    this.#step++
  }

  /** What a lag monitor reads now: offsets as of metricDelaySeconds ago. */
  observe(): Observation {
    const dt = this.params.stepSeconds
    const back = Math.round(this.params.metricDelaySeconds / dt)
    const at = Math.max(0, this.t - back * dt)
    let committed: Float64Array = this.committed
    if (back > 0) {
      // Before the run had lasted the delay, the reading is of the start (nothing committed yet).
      committed =
        this.#step - back < 0
          ? new Float64Array(this.production.partitions)
          : (this.#history[(this.#step - back) % this.#history.length] as Float64Array)
    }
    const logEnd: number[] = []
    const positions: number[] = []
    let lagSeconds = 0
    for (let p = 0; p < this.production.partitions; p++) {
      const end = Math.floor(this.production.produced(p, at) + EPS)
      const c = Math.min(end, Math.floor((committed[p] as number) + EPS))
      logEnd.push(end)
      positions.push(c)
      lagSeconds = Math.max(lagSeconds, this.production.lagSeconds(p, committed[p] as number, at))
    }
    return { at, logEnd, committed: positions, lagSeconds }
  }

  /** Records produced and not consumed, and the age of the oldest of them, now. */
  trueLag(): { records: number; seconds: number } {
    let records = 0
    let seconds = 0
    for (let p = 0; p < this.production.partitions; p++) {
      const c = this.consumed[p] as number
      records += Math.max(0, this.production.produced(p, this.t) - c)
      seconds = Math.max(seconds, this.production.lagSeconds(p, c, this.t))
    }
    return { records, seconds }
  }
}
