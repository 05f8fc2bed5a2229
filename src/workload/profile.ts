// Load profiles for the load generator: a list of phases, each a duration at a rate (records/s).
// Written `30s@50,20s@2000,60s@50` (quiet, burst, quiet); durations take ms, s, m or h.
import { AutopilotError } from '../errors.ts'

export interface Phase {
  durationMs: number
  rate: number
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const

export function parseDuration(text: string, field: string): number {
  const match = DURATION.exec(text.trim())
  if (!match) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      `${field}: '${text}' is not a duration like 500ms, 30s, 5m or 1h`,
      {
        field,
      },
    )
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}

export function parseProfile(text: string, field = '--profile'): Phase[] {
  const phases = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((part) => {
      const [duration, rate, extra] = part.split('@')
      if (duration === undefined || rate === undefined || extra !== undefined) {
        throw new AutopilotError(
          'AP_ERR_USAGE',
          `${field}: phase '${part}' must look like 30s@100 (duration@records per second)`,
          {
            field,
          },
        )
      }
      const value = Number(rate)
      if (!Number.isFinite(value) || value < 0 || rate.trim() === '') {
        throw new AutopilotError(
          'AP_ERR_USAGE',
          `${field}: rate '${rate}' in '${part}' must be a number ≥ 0`,
          { field },
        )
      }
      return { durationMs: parseDuration(duration, field), rate: value }
    })
  if (phases.length === 0) throw new AutopilotError('AP_ERR_USAGE', `${field} is empty`, { field })
  return phases
}

/** Total records the profile asks for from its start up to `elapsedMs` (integral of the rate). */
export function recordsDue(phases: Phase[], elapsedMs: number, loop = false): number {
  const cycleMs = phases.reduce((sum, p) => sum + p.durationMs, 0)
  const perCycle = phases.reduce((sum, p) => sum + (p.rate * p.durationMs) / 1000, 0)
  let due = 0
  let t = elapsedMs
  if (loop && cycleMs > 0) {
    const cycles = Math.floor(t / cycleMs)
    due += cycles * perCycle
    t -= cycles * cycleMs
  }
  for (const phase of phases) {
    const span = Math.min(t, phase.durationMs)
    if (span <= 0) break
    due += (phase.rate * span) / 1000
    t -= span
  }
  return Math.floor(due)
}

export function profileDurationMs(phases: Phase[]): number {
  return phases.reduce((sum, p) => sum + p.durationMs, 0)
}

/** The rate in force at `elapsedMs`, for display. */
export function rateAt(phases: Phase[], elapsedMs: number, loop = false): number {
  const cycleMs = profileDurationMs(phases)
  let t = loop && cycleMs > 0 ? elapsedMs % cycleMs : elapsedMs
  for (const phase of phases) {
    if (t < phase.durationMs) return phase.rate
    t -= phase.durationMs
  }
  return 0
}
