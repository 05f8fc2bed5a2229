// The dashboard's time series: one in-memory ring buffer per scaler, holding one point per tick (each
// decision the daemon journals carries the tick's rates, lag and replica counts). The buffers are filled
// from the journal incrementally (only entries newer than the last one read), so a dashboard opened late,
// or after a restart, still shows the recent past, and the daemon's tick path is left untouched.
import type { Journal, JournalEntry } from '../../journal/journal.ts'

export interface TimeseriesPoint {
  /** ms since epoch (the decision's time). */
  at: number
  productionRate: number | null
  consumptionRate: number | null
  /** Records behind, as the policy used it (null when lag could not be read). */
  lag: number | null
  lagSeconds: number | null
  /** Replicas the target had when deciding, and the count decided. */
  current: number | null
  desired: number | null
  ready: number | null
}

export const SERIES = [
  'at',
  'productionRate',
  'consumptionRate',
  'lag',
  'lagSeconds',
  'current',
  'desired',
  'ready',
] as const satisfies ReadonlyArray<keyof TimeseriesPoint>

export type Columns = { [K in (typeof SERIES)[number]]: Array<TimeseriesPoint[K]> }

/** A fixed-capacity FIFO: pushing onto a full buffer drops the oldest item. */
export class RingBuffer<T> {
  readonly capacity: number
  readonly #items: Array<T | undefined>
  #start = 0
  #size = 0

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer')
    this.capacity = capacity
    this.#items = new Array(capacity)
  }

  get size(): number {
    return this.#size
  }

  push(item: T): void {
    const end = (this.#start + this.#size) % this.capacity
    this.#items[end] = item
    if (this.#size < this.capacity) this.#size++
    else this.#start = (this.#start + 1) % this.capacity
  }

  last(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity]
  }

  /** Oldest first; at most the newest `limit`. */
  toArray(limit = this.#size): T[] {
    const n = Math.max(0, Math.min(limit, this.#size))
    const out: T[] = []
    for (let i = this.#size - n; i < this.#size; i++)
      out.push(this.#items[(this.#start + i) % this.capacity] as T)
    return out
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}

/** The point a journaled decision describes (its inputs are written by the scaler controller). */
export function pointFromDecision(entry: Pick<JournalEntry, 'at' | 'inputs'>): TimeseriesPoint {
  const inputs = obj(entry.inputs)
  const rates = obj(inputs.rates)
  const lag = obj(inputs.lag)
  const replicas = obj(inputs.replicas)
  return {
    at: entry.at,
    productionRate: num(rates.production),
    consumptionRate: num(rates.consumption),
    lag: num(lag.totalLag),
    lagSeconds: num(rates.lagSeconds),
    current: num(inputs.current),
    desired: num(inputs.desired),
    ready: num(replicas.ready),
  }
}

export function toColumns(points: readonly TimeseriesPoint[]): Columns {
  const columns = Object.fromEntries(SERIES.map((k) => [k, [] as unknown[]])) as Columns
  for (const p of points) for (const k of SERIES) (columns[k] as unknown[]).push(p[k])
  return columns
}

/** Per-scaler buffers filled from the journal's decisions. */
export class TimeseriesStore {
  readonly capacity: number
  readonly #journal: Pick<Journal, 'list'>
  readonly #buffers = new Map<
    string,
    { buffer: RingBuffer<TimeseriesPoint>; lastId: number; lastAt: number }
  >()

  constructor(journal: Pick<Journal, 'list'>, capacity: number) {
    this.#journal = journal
    this.capacity = capacity
  }

  /** Reads the decisions journaled since the last call into the scaler's buffer; returns its newest `limit`. */
  points(scaler: string, limit = this.capacity): TimeseriesPoint[] {
    let state = this.#buffers.get(scaler)
    if (!state) {
      state = { buffer: new RingBuffer(this.capacity), lastId: 0, lastAt: 0 }
      this.#buffers.set(scaler, state)
    }
    // Newest first; entries sharing the last one's millisecond are told apart by id.
    const fresh = this.#journal
      .list({ scaler, kind: 'decision', since: state.lastAt, limit: this.capacity })
      .filter((e) => e.id > state.lastId)
      .reverse()
    for (const entry of fresh) {
      state.buffer.push(pointFromDecision(entry))
      state.lastId = entry.id
      state.lastAt = entry.at
    }
    return state.buffer.toArray(limit)
  }
}
