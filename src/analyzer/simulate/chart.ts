// The --chart SVG: production rate, lag time (with the SLO) and replicas over time, one line per policy.
// Written by hand on purpose: three panels of polylines need no charting library (uplot draws on a canvas in
// a browser, not to a file), and the output stays small and dependency-free.
import type { Sample } from './types.ts'

export interface ChartSeries {
  policy: string
  samples: readonly Sample[]
}

export interface ChartInput {
  title: string
  sloSeconds: number
  series: readonly ChartSeries[]
}

const WIDTH = 960
const PANEL = 170
const GAP = 46
const LEFT = 64
const RIGHT = 20
const TOP = 72
const MAX_POINTS = 1200
const COLORS: Record<string, string> = {
  lag: '#1f77b4',
  slo: '#2ca02c',
  keda: '#d62728',
  fixed: '#9467bd',
  oracle: '#555555',
  'keep-up': '#bcbd22',
  recorded: '#000000',
}
const EXTRA = ['#ff7f0e', '#17becf', '#8c564b', '#e377c2']

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A round step for about `count` ticks up to max. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1
  const raw = max / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag
  return 10 * mag
}

/** At most `max` points: per bucket, the highest rate and lag (peaks stay visible) and the mean replicas. */
export function decimate(samples: readonly Sample[], max = MAX_POINTS): Sample[] {
  if (samples.length <= max) return [...samples]
  const size = Math.ceil(samples.length / max)
  const out: Sample[] = []
  for (let i = 0; i < samples.length; i += size) {
    const b = samples.slice(i, i + size)
    out.push({
      t: (b.at(-1) as Sample).t,
      rate: Math.max(...b.map((s) => s.rate)),
      lag: Math.max(...b.map((s) => s.lag)),
      lagSeconds: Math.max(...b.map((s) => s.lagSeconds)),
      replicas: b.reduce((a, s) => a + s.replicas, 0) / b.length,
    })
  }
  return out
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 1 : 0)
}

export function renderChart(input: ChartInput): string {
  const series = input.series.map((s) => ({ policy: s.policy, samples: decimate(s.samples) }))
  const end = Math.max(1, ...series.flatMap((s) => s.samples.map((p) => p.t)))
  const plotW = WIDTH - LEFT - RIGHT
  const height = TOP + 3 * PANEL + 2 * GAP + 40
  const x = (t: number) => LEFT + (t / end) * plotW
  const color = (policy: string, i: number) => COLORS[policy] ?? (EXTRA[i % EXTRA.length] as string)
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11" role="img">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${escapeXml(input.title)}</text>`,
  )
  // Legend.
  let lx = LEFT
  for (const [i, s] of series.entries()) {
    const dash = s.policy === 'oracle' || s.policy === 'keep-up' ? ' stroke-dasharray="4 3"' : ''
    out.push(
      `<line x1="${lx}" y1="38" x2="${lx + 22}" y2="38" stroke="${color(s.policy, i)}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 27}" y="42">${escapeXml(s.policy)}</text>`,
    )
    lx += 40 + s.policy.length * 7
  }
  const panels: Array<{
    label: string
    value: (p: Sample) => number
    only?: number
    step?: boolean
    guide?: number
  }> = [
    { label: 'production (records/s)', value: (p) => p.rate, only: 0 },
    { label: 'lag (s, oldest record)', value: (p) => p.lagSeconds, guide: input.sloSeconds },
    { label: 'replicas', value: (p) => p.replicas, step: true },
  ]
  for (const [k, panel] of panels.entries()) {
    const top = TOP + k * (PANEL + GAP)
    const shown = panel.only === undefined ? series : series.slice(panel.only, panel.only + 1)
    const max = Math.max(
      panel.guide ?? 0,
      ...shown.flatMap((s) => s.samples.map(panel.value)),
      panel.step ? 1 : 0,
    )
    const step = niceStep(max * 1.05)
    const yMax = Math.max(step, Math.ceil((max * 1.05) / step) * step)
    const y = (v: number) => top + PANEL - (v / yMax) * PANEL
    out.push(`<text x="${LEFT}" y="${top - 8}" font-weight="bold">${escapeXml(panel.label)}</text>`)
    for (let v = 0; v <= yMax + 1e-9; v += step) {
      out.push(
        `<line x1="${LEFT}" y1="${y(v).toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`,
        `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
      )
    }
    if (panel.guide !== undefined) {
      out.push(
        `<line x1="${LEFT}" y1="${y(panel.guide).toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${y(panel.guide).toFixed(1)}" stroke="#000" stroke-dasharray="6 4"/>`,
        `<text x="${WIDTH - RIGHT - 4}" y="${(y(panel.guide) - 4).toFixed(1)}" text-anchor="end">SLO ${fmt(panel.guide)} s</text>`,
      )
    }
    for (const [i, s] of shown.entries()) {
      const points: string[] = []
      let prev: number | null = null
      for (const p of s.samples) {
        const v = panel.value(p)
        if (panel.step && prev !== null) points.push(`${x(p.t).toFixed(1)},${y(prev).toFixed(1)}`)
        points.push(`${x(p.t).toFixed(1)},${y(v).toFixed(1)}`)
        prev = v
      }
      const policyColor = panel.only === undefined ? color(s.policy, i) : '#333'
      const dash = s.policy === 'oracle' || s.policy === 'keep-up' ? ' stroke-dasharray="4 3"' : ''
      out.push(
        `<polyline fill="none" stroke="${policyColor}" stroke-width="1.5"${dash} points="${points.join(' ')}"/>`,
      )
    }
    out.push(
      `<line x1="${LEFT}" y1="${top + PANEL}" x2="${WIDTH - RIGHT}" y2="${top + PANEL}" stroke="#999"/>`,
    )
  }
  // Time axis (below the last panel), in minutes when long.
  const bottom = TOP + 3 * PANEL + 2 * GAP
  const minutes = end > 600
  const unit = minutes ? 60 : 1
  const tStep = niceStep(end / unit, 8) * unit
  for (let t = 0; t <= end + 1e-9; t += tStep) {
    out.push(
      `<line x1="${x(t).toFixed(1)}" y1="${bottom}" x2="${x(t).toFixed(1)}" y2="${bottom + 4}" stroke="#999"/>`,
      `<text x="${x(t).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${fmt(t / unit)}</text>`,
    )
  }
  out.push(
    `<text x="${WIDTH - RIGHT}" y="${bottom + 32}" text-anchor="end">time (${minutes ? 'min' : 's'})</text>`,
    '</svg>',
  )
  return `${out.join('\n')}\n`
}
