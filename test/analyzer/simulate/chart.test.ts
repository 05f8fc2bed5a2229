import { describe, expect, it } from 'vitest'
import { decimate, niceStep, renderChart } from '../../../src/analyzer/simulate/chart.ts'
import type { Sample } from '../../../src/analyzer/simulate/types.ts'

const samples = (n: number, spikeAt = -1): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    t: i,
    rate: 100,
    lag: i === spikeAt ? 5000 : 10,
    lagSeconds: i === spikeAt ? 50 : 1,
    replicas: 2,
  }))

describe('SVG chart', () => {
  it('draws the rate once and lag and replicas once per policy, with the SLO line and escaped text', () => {
    const svg = renderChart({
      title: 'trace <a&b>',
      sloSeconds: 30,
      series: [
        { policy: 'lag', samples: samples(50) },
        { policy: 'keda', samples: samples(50) },
      ],
    })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg.match(/<polyline/g)).toHaveLength(1 + 2 + 2)
    expect(svg).toContain('SLO 30 s')
    expect(svg).toContain('trace &lt;a&amp;b&gt;')
    expect(svg).not.toContain('NaN')
  })

  it('decimates long runs but keeps the peaks', () => {
    const d = decimate(samples(5000, 4321), 1000)
    expect(d.length).toBeLessThanOrEqual(1000)
    expect(Math.max(...d.map((s) => s.lagSeconds))).toBe(50)
  })

  it.each([
    { max: 1, step: 0.25 },
    { max: 37, step: 10 },
    { max: 4800, step: 2000 },
    { max: 0, step: 1 },
  ])('ticks for $max are $step apart', ({ max, step }) => {
    expect(niceStep(max)).toBe(step)
  })
})
