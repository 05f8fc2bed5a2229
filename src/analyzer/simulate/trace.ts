// The trace CSV format, its reader and writer, and exact production along a trace.
//
//   # comment lines start with '#'
//   t_seconds,records_per_second[,replicas][,lag][,lag_seconds]
//   t_seconds,p0,p1,…,pN[,records_per_second][,replicas][,lag][,lag_seconds]
//
// - A row's rate holds from its t_seconds until the next row's; the last row's for as long as the interval
//   before it. Times must increase; they are shifted so the first row is t = 0.
// - records_per_second is the total, spread evenly over the partitions; p<N> columns give one rate per
//   partition (they win over records_per_second when both are present, and set the partition count).
// - replicas, lag (records) and lag_seconds are optional observations (a recording of a real run); empty
//   cells mean "not observed". They feed the `fixed` policy (replicas) and the comparison with a real run.
import { AutopilotError } from '../../errors.ts'
import type { ObservedRow, Trace } from './types.ts'

const OBSERVED = ['replicas', 'lag', 'lag_seconds'] as const
const PARTITION_COLUMN = /^p(\d+)$/

function fail(message: string, field: string): never {
  throw new AutopilotError('AP_ERR_INPUT', message, {
    field,
    hint: 'trace CSV: header t_seconds,records_per_second (or p0,p1,… per partition), one row per change',
  })
}

/** Parses trace CSV text. `name` labels errors and output (usually the file name). */
export function parseTraceCsv(text: string, name = 'trace'): Trace {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
  const header = lines.shift()
  if (header === undefined) fail(`${name} is empty`, name)
  const columns = header.line.split(',').map((c) => c.trim())
  if (columns[0] !== 't_seconds') fail(`${name}:${header.n}: the first column must be t_seconds`, name)
  const index = new Map<string, number>()
  const partitionColumns: Array<[number, number]> = []
  for (const [i, column] of columns.entries()) {
    if (index.has(column)) fail(`${name}:${header.n}: column ${column} appears twice`, name)
    index.set(column, i)
    const m = PARTITION_COLUMN.exec(column)
    if (m) partitionColumns.push([Number(m[1]), i])
    else if (i > 0 && column !== 'records_per_second' && !(OBSERVED as readonly string[]).includes(column)) {
      fail(
        `${name}:${header.n}: unknown column "${column}" (known: t_seconds, records_per_second, p0…pN, ${OBSERVED.join(', ')})`,
        name,
      )
    }
  }
  partitionColumns.sort((a, b) => a[0] - b[0])
  for (const [k, [p]] of partitionColumns.entries()) {
    if (p !== k)
      fail(`${name}:${header.n}: partition columns must be p0, p1, … without gaps (p${k} missing)`, name)
  }
  const totalAt = index.get('records_per_second')
  if (totalAt === undefined && partitionColumns.length === 0) {
    fail(`${name}:${header.n}: needs a records_per_second column or p0, p1, … columns`, name)
  }
  if (lines.length < 2) fail(`${name}: needs at least two rows (the last row's time sets the end)`, name)

  const times: number[] = []
  const total: number[] = []
  const perPartition: number[][] = []
  const observed: ObservedRow[] = []
  for (const { line, n } of lines) {
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length !== columns.length) {
      fail(`${name}:${n}: has ${cells.length} cells, the header has ${columns.length}`, name)
    }
    const num = (i: number, column: string, optional: boolean): number | null => {
      const cell = cells[i] ?? ''
      if (cell === '' && optional) return null
      const v = Number(cell)
      if (cell === '' || !Number.isFinite(v) || v < 0) {
        fail(`${name}:${n}: ${column} must be a number ≥ 0, got "${cell}"`, name)
      }
      return v
    }
    const t = num(0, 't_seconds', false) as number
    if (times.length > 0 && t <= (times.at(-1) as number)) {
      fail(`${name}:${n}: t_seconds must increase (${t} after ${times.at(-1)})`, name)
    }
    times.push(t)
    if (partitionColumns.length > 0) {
      const rates = partitionColumns.map(([p, i]) => num(i, `p${p}`, false) as number)
      perPartition.push(rates)
      total.push(rates.reduce((a, b) => a + b, 0))
    } else {
      total.push(num(totalAt as number, 'records_per_second', false) as number)
    }
    const obs = (column: (typeof OBSERVED)[number]) => {
      const i = index.get(column)
      return i === undefined ? null : num(i, column, true)
    }
    const row = { t, replicas: obs('replicas'), lag: obs('lag'), lagSeconds: obs('lag_seconds') }
    if (row.replicas !== null && !Number.isInteger(row.replicas)) {
      fail(`${name}:${n}: replicas must be a whole number, got ${row.replicas}`, name)
    }
    if (row.replicas !== null || row.lag !== null || row.lagSeconds !== null) observed.push(row)
  }
  const t0 = times[0] as number
  const shifted = times.map((t) => t - t0)
  const last = shifted.length - 1
  const end = (shifted[last] as number) + ((shifted[last] as number) - (shifted[last - 1] as number))
  return {
    name,
    times: shifted,
    end,
    total: partitionColumns.length > 0 ? null : total,
    perPartition: partitionColumns.length > 0 ? perPartition : null,
    observed: observed.map((o) => ({ ...o, t: o.t - t0 })),
  }
}

/** One row of a recording, for formatTraceCsv. */
export interface TraceRow {
  t: number
  recordsPerSecond: number
  replicas?: number | null
  lag?: number | null
  lagSeconds?: number | null
}

/** Writes rows in the trace format (total rate, with the observed columns). */
export function formatTraceCsv(rows: readonly TraceRow[], comment?: string): string {
  const cell = (v: number | null | undefined, digits: number) =>
    v === null || v === undefined ? '' : String(Number(v.toFixed(digits)))
  const head = comment ? `${comment.replace(/^/gm, '# ')}\n` : ''
  const body = rows.map(
    (r) =>
      `${cell(r.t, 3)},${cell(r.recordsPerSecond, 3)},${cell(r.replicas, 0)},${cell(r.lag, 0)},${cell(r.lagSeconds, 3)}`,
  )
  return `${head}t_seconds,records_per_second,replicas,lag,lag_seconds\n${body.join('\n')}\n`
}

/** The partition count a trace implies (per-partition columns), or null when any count works. */
export function tracePartitions(trace: Trace): number | null {
  return trace.perPartition?.[0]?.length ?? null
}

/**
 * Exact production along a trace: records produced on each partition by time t (piecewise linear), the
 * total rate at t, and the inverse (when a partition's record number x was produced), which gives lag time.
 */
export class Production {
  readonly partitions: number
  readonly trace: Trace
  /** Per partition: records produced by each segment start (and the end). */
  readonly #cumulative: Float64Array[]
  readonly #rates: Float64Array[]

  constructor(trace: Trace, partitions: number) {
    this.trace = trace
    this.partitions = partitions
    const segments = trace.times.length
    this.#rates = Array.from({ length: partitions }, (_, p) => {
      const r = new Float64Array(segments)
      for (let i = 0; i < segments; i++) {
        r[i] = trace.perPartition ? (trace.perPartition[i]?.[p] ?? 0) : (trace.total?.[i] ?? 0) / partitions
      }
      return r
    })
    this.#cumulative = this.#rates.map((rates) => {
      const c = new Float64Array(segments + 1)
      for (let i = 0; i < segments; i++) {
        const to = i + 1 < segments ? (trace.times[i + 1] as number) : trace.end
        c[i + 1] = (c[i] as number) + (rates[i] as number) * (to - (trace.times[i] as number))
      }
      return c
    })
  }

  get end(): number {
    return this.trace.end
  }

  /** Index of the segment containing t (the last one for t ≥ its start; 0 before the start). */
  segmentAt(t: number): number {
    const times = this.trace.times
    let lo = 0
    let hi = times.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((times[mid] as number) <= t) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Records produced on partition p in [0, t] (t clamped to the trace). */
  produced(p: number, t: number): number {
    const tc = Math.min(Math.max(t, 0), this.trace.end)
    const i = this.segmentAt(tc)
    const c = this.#cumulative[p] as Float64Array
    return (c[i] as number) + (this.#rates[p]?.[i] as number) * (tc - (this.trace.times[i] as number))
  }

  /** Records/s on all partitions at t (0 after the end). */
  rate(t: number): number {
    if (t >= this.trace.end || t < 0) return 0
    const i = this.segmentAt(t)
    let sum = 0
    for (const r of this.#rates) sum += r[i] as number
    return sum
  }

  /** Records/s on partition p at t. */
  partitionRate(p: number, t: number): number {
    if (t >= this.trace.end || t < 0) return 0
    return this.#rates[p]?.[this.segmentAt(t)] as number
  }

  /**
   * When partition p's production first exceeded `position` records: the arrival time of the oldest record
   * not consumed by a consumer at `position`. Null when nothing beyond `position` was ever produced.
   */
  arrivalOf(p: number, position: number): number | null {
    const c = this.#cumulative[p] as Float64Array
    const n = c.length - 1
    if (position >= (c[n] as number)) return null
    // First segment i whose end cumulative exceeds position.
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((c[mid + 1] as number) > position) hi = mid
      else lo = mid + 1
    }
    const rate = this.#rates[p]?.[lo] as number
    const start = this.trace.times[lo] as number
    return rate > 0 ? start + Math.max(0, position - (c[lo] as number)) / rate : start
  }

  /** Age at t of the oldest record beyond `position` on partition p (0 when caught up). */
  lagSeconds(p: number, position: number, t: number): number {
    const produced = this.produced(p, t)
    if (position >= produced - 1e-9) return 0
    const arrival = this.arrivalOf(p, position)
    return arrival === null ? 0 : Math.max(0, t - arrival)
  }
}
