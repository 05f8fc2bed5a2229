// Progress of a reassignment for a person: on a terminal a one-line bar redrawn in place (partitions done/total,
// bytes copied, throttle, ETA), elsewhere (a pipe, a CI log) plain lines, written when something changed and at
// most every `logEveryMs` for byte counts alone. Executor events (batches started, throttles set and cleared,
// cancel) are printed as lines above the bar. The formatting functions are pure; ProgressRenderer only writes.
import type { ReassignmentEvent } from '../executor/reassignment/events.ts'
import type { ProgressSnapshot } from '../executor/reassignment/types.ts'

export interface ProgressOutput {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(n: number): string {
  let value = n
  let i = 0
  while (value >= 1024 && i < UNITS.length - 1) {
    value /= 1024
    i++
  }
  return `${value.toFixed(i === 0 ? 0 : 1)} ${UNITS[i]}`
}

/** `45s`, `3m05s`, `2h04m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

export function formatThrottle(bytesPerSec: number | null): string {
  return bytesPerSec === null ? 'unthrottled' : `throttle ${formatBytes(bytesPerSec)}/s`
}

/** The fraction done: bytes when known (a partition copies over time), else partitions at their target. */
export function fractionDone(s: ProgressSnapshot): number {
  if (s.bytes && s.bytes.total > 0) return Math.min(1, s.bytes.copied / s.bytes.total)
  return s.counts.total === 0 ? 1 : s.counts.done / s.counts.total
}

/** `1.5/4.0 MiB` when both have the same unit, else `512 KiB/4.0 MiB`. */
export function bytesPair(copied: number, total: number): string {
  const [a, b] = [formatBytes(copied), formatBytes(total)]
  const unit = (x: string) => x.slice(x.indexOf(' '))
  return unit(a) === unit(b) ? `${a.slice(0, a.indexOf(' '))}/${b}` : `${a}/${b}`
}

/** `3/10 partitions, 2 moving, 1.5/4.0 MiB, ETA 12s, throttle 10.0 MiB/s` (throttle undefined: not shown). */
export function progressText(s: ProgressSnapshot, throttle?: number | null): string {
  const { done, total, inFlight, notMoved } = s.counts
  const parts = [`${done}/${total} partitions`]
  if (inFlight > 0) parts.push(`${inFlight} moving`)
  if (notMoved > 0) parts.push(`${notMoved} not moved`)
  if (s.bytes) parts.push(bytesPair(s.bytes.copied, s.bytes.total))
  if (s.etaMs !== null && s.state === 'running') parts.push(`ETA ${formatDuration(s.etaMs)}`)
  // Last: it never changes, so it is what a narrow terminal loses first.
  if (throttle !== undefined) parts.push(formatThrottle(throttle))
  if (s.state !== 'running') parts.push(s.state)
  return parts.join(', ')
}

/** `[#######-------------]  35% 3/10 partitions, …`, cut to fit `columns` (one column left for the cursor). */
export function progressBar(s: ProgressSnapshot, throttle?: number | null, columns = 80): string {
  const frac = fractionDone(s)
  const text = progressText(s, throttle)
  // The bar takes what the text leaves (8 columns for brackets, percentage and spaces), 10 to 30 wide.
  const width = Math.max(10, Math.min(30, columns - 1 - text.length - 8))
  const full = Math.round(frac * width)
  const line = `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${text}`
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`
}

/** One line for an executor event, or null for the ones the bar already shows (progress). */
export function eventLine(e: ReassignmentEvent): string | null {
  if (e.kind === 'progress') return null
  return `${e.kind}: ${e.message}`
}

const CLEAR = '\r\x1b[2K'

export class ProgressRenderer {
  readonly #out: ProgressOutput
  readonly #throttle: number | null | undefined
  readonly #logEveryMs: number
  #bar = ''
  #lastCounts = ''
  #lastLogAt = Number.NEGATIVE_INFINITY

  constructor(out: ProgressOutput, options: { throttle?: number | null; logEveryMs?: number } = {}) {
    this.#out = out
    this.#throttle = options.throttle
    this.#logEveryMs = options.logEveryMs ?? 5_000
  }

  get tty(): boolean {
    return this.#out.isTTY === true
  }

  /** Prints a line above the bar (or as is without a terminal). */
  line(text: string): void {
    if (this.tty && this.#bar) this.#out.write(`${CLEAR}${text}\n${this.#bar}`)
    else this.#out.write(`${text}\n`)
  }

  event(e: ReassignmentEvent): void {
    const text = eventLine(e)
    if (text !== null) this.line(text)
  }

  update(s: ProgressSnapshot): void {
    if (this.tty) {
      // A terminal that reports no size (0, e.g. under `script`) gets 80 columns.
      const columns = this.#out.columns && this.#out.columns >= 20 ? this.#out.columns : 80
      this.#bar = progressBar(s, this.#throttle, columns)
      this.#out.write(`${CLEAR}${this.#bar}`)
      return
    }
    const counts = JSON.stringify([s.counts, s.state])
    if (counts === this.#lastCounts && s.at - this.#lastLogAt < this.#logEveryMs) return
    this.#lastCounts = counts
    this.#lastLogAt = s.at
    this.#out.write(`progress: ${progressText(s, this.#throttle)}\n`)
  }

  /** Ends the bar's line so what follows starts on its own. */
  end(): void {
    if (this.tty && this.#bar) this.#out.write('\n')
    this.#bar = ''
  }
}
