// Built-in traffic profiles, parameterised: `--profile NAME[:key=value,…]`, e.g. `spikes:peak=3000,seed=7`.
// Rates are records/s over all partitions; times are seconds. The defaults are sized for the default model
// (12 partitions, params.ts), where the peaks need about two thirds of the partitions' worth of replicas.
// Randomness (spikes, noise) comes from a seeded generator, so a profile is the same on every run.
import { AutopilotError } from '../../errors.ts'
import type { Trace } from './types.ts'

type Params = Record<string, number>

/** A parameter's value (every parameter has a default, so it is always there). */
type Get = (key: string) => number

interface ProfileSpec {
  description: string
  defaults: Params
  build: (get: Get) => { times: number[]; total: number[]; end: number }
}

const BASE = 300
const PEAK = 1800

/** Segments of `width` seconds sampling f at their midpoints. */
function sampled(duration: number, width: number, f: (t: number) => number) {
  const times: number[] = []
  const total: number[] = []
  for (let t = 0; t < duration; t += width) {
    times.push(t)
    total.push(Math.max(0, f(Math.min(t + width / 2, duration))))
  }
  return { times, total, end: duration }
}

/** A typical day (share of the base→peak range per hour, 0:00–23:00): night trough, lunch and evening peaks. */
const DAY = [
  0.1, 0.06, 0.04, 0.03, 0.03, 0.06, 0.15, 0.35, 0.6, 0.75, 0.82, 0.88, 0.95, 0.92, 0.85, 0.82, 0.8, 0.85,
  0.95, 1, 0.9, 0.7, 0.45, 0.25,
]

export const PROFILES: Record<string, ProfileSpec> = {
  step: {
    description: 'base, then peak from `at` for `hold` seconds, then base again',
    defaults: { base: BASE, peak: PEAK, at: 300, hold: 1200, duration: 2400 },
    build: (p) => {
      const [base, peak, at, hold, duration] = [p('base'), p('peak'), p('at'), p('hold'), p('duration')]
      const times: number[] = []
      const total: number[] = []
      const add = (t: number, rate: number) => {
        if (t >= duration) return
        if (times.at(-1) === t) {
          total[total.length - 1] = rate
        } else {
          times.push(t)
          total.push(rate)
        }
      }
      add(0, base)
      if (hold > 0) add(at, peak)
      add(at + hold, base)
      return { times, total, end: duration }
    },
  },
  ramp: {
    description: 'base, a linear rise over `up` seconds to peak, `hold`, a linear fall over `down`, base',
    defaults: { base: BASE, peak: PEAK, at: 300, up: 900, hold: 600, down: 900, duration: 3300 },
    build: (p) => {
      const [base, peak, at, up, hold, down] = [p('base'), p('peak'), p('at'), p('up'), p('hold'), p('down')]
      return sampled(p('duration'), 5, (t) => {
        if (t < at) return base
        if (t < at + up) return base + ((peak - base) * (t - at)) / up
        if (t < at + up + hold) return peak
        if (t < at + up + hold + down) return peak - ((peak - base) * (t - at - up - hold)) / down
        return base
      })
    },
  },
  sine: {
    description: 'a smooth wave between base and peak with `period` seconds',
    defaults: { base: BASE, peak: PEAK, period: 900, duration: 3600 },
    build: (p) => {
      const [base, peak, period] = [p('base'), p('peak'), p('period')]
      return sampled(
        p('duration'),
        5,
        (t) => base + ((peak - base) * (1 - Math.cos((2 * Math.PI * t) / period))) / 2,
      )
    },
  },
  spikes: {
    description: 'base with spikes to peak lasting `width` s, `every` s apart on average (seeded)',
    defaults: { base: BASE, peak: PEAK * 1.5, every: 300, width: 30, duration: 3600, seed: 1 },
    build: (p) => {
      const [base, peak, every, width, duration] = [
        p('base'),
        p('peak'),
        p('every'),
        p('width'),
        p('duration'),
      ]
      const random = seededRandom(p('seed'))
      const times = [0]
      const total = [base]
      // Gaps: at least two spike widths, exponential beyond that with the mean `every`.
      let t = 0
      for (;;) {
        const gap = 2 * width + -Math.log(1 - random()) * Math.max(every - 2 * width, 1)
        t += Math.round(gap)
        if (t + width >= duration) break
        times.push(t, t + width)
        total.push(peak, base)
        t += width
      }
      return { times, total, end: duration }
    },
  },
  diurnal: {
    description: 'a day compressed into `day` seconds (night trough, lunch and evening peaks), `days` times',
    defaults: { base: BASE / 3, peak: PEAK, day: 3600, days: 1 },
    build: (p) => {
      const [base, peak, day] = [p('base'), p('peak'), p('day')]
      const duration = day * p('days')
      return sampled(duration, day / 288, (t) => {
        const hour = ((t % day) / day) * 24
        const h = Math.floor(hour)
        const share = (DAY[h] as number) + ((DAY[(h + 1) % 24] as number) - (DAY[h] as number)) * (hour - h)
        return base + (peak - base) * share
      })
    },
  },
}

export const PROFILE_NAMES = Object.keys(PROFILES)

/** Parses `NAME[:key=value,…]` into a trace. `noise=F` (0–1) and `seed=N` work with every profile. */
export function profileTrace(spec: string, field = '--profile'): Trace {
  const [name, rest] = splitOnce(spec.trim(), ':')
  const profile = PROFILES[name]
  if (!profile) {
    throw new AutopilotError('AP_ERR_USAGE', `${field}: unknown profile "${name}"`, {
      field,
      hint: `built-in profiles: ${PROFILE_NAMES.join(', ')}`,
    })
  }
  const params: Params = { noise: 0, seed: 1, ...profile.defaults }
  for (const item of (rest ?? '').split(',')) {
    if (item.trim() === '') continue
    const [key, value] = splitOnce(item.trim(), '=')
    const v = Number(value)
    if (!(key in params)) {
      throw new AutopilotError('AP_ERR_USAGE', `${field}: ${name} has no parameter "${key}"`, {
        field,
        hint: `${name} takes ${Object.keys(params).join(', ')}`,
      })
    }
    if (value === undefined || value.trim() === '' || !Number.isFinite(v) || v < 0) {
      throw new AutopilotError('AP_ERR_USAGE', `${field}: ${name} ${key} must be a number ≥ 0`, { field })
    }
    params[key] = v
  }
  for (const key of ['duration', 'period', 'day', 'days', 'width']) {
    if (key in params && (params[key] as number) <= 0) {
      throw new AutopilotError('AP_ERR_USAGE', `${field}: ${name} ${key} must be greater than 0`, { field })
    }
  }
  if ((params.noise as number) > 1) {
    throw new AutopilotError('AP_ERR_USAGE', `${field}: noise is a share from 0 to 1`, { field })
  }
  const built = profile.build((key) => params[key] as number)
  const random = seededRandom((params.seed as number) + 7919)
  const noise = params.noise as number
  const total = noise > 0 ? built.total.map((r) => r * (1 + noise * (2 * random() - 1))) : built.total
  const label = Object.entries(params)
    .filter(([k, v]) => v !== { noise: 0, seed: 1, ...profile.defaults }[k])
    .map(([k, v]) => `${k}=${v}`)
  return {
    name: label.length > 0 ? `${name}:${label.join(',')}` : name,
    times: built.times,
    end: built.end,
    total,
    perPartition: null,
    observed: [],
  }
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep)
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)]
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). Deterministic for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = Math.floor(seed) >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
