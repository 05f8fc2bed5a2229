import { describe, expect, it } from 'vitest'
import { maxKnown, offsetRate, sumRates } from '../../../src/analyzer/lag/rates.ts'

describe('offsetRate', () => {
  const rows: Array<{
    name: string
    previous: number | null | undefined
    current: number | null
    elapsedMs: number
    want: number | null
  }> = [
    { name: 'records per second', previous: 100, current: 600, elapsedMs: 5000, want: 100 },
    { name: 'idle', previous: 100, current: 100, elapsedMs: 5000, want: 0 },
    { name: 'first poll', previous: undefined, current: 100, elapsedMs: 0, want: null },
    { name: 'no commit before', previous: null, current: 100, elapsedMs: 5000, want: null },
    { name: 'offset went back (reset): no rate', previous: 600, current: 100, elapsedMs: 5000, want: null },
    { name: 'no time passed', previous: 100, current: 200, elapsedMs: 0, want: null },
    { name: 'fractions are kept to 3 decimals', previous: 0, current: 1, elapsedMs: 3000, want: 0.333 },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(offsetRate(row.previous, row.current, row.elapsedMs)).toBe(row.want)
    })
  }
})

describe('sumRates / maxKnown', () => {
  it('sums known rates, null when none known', () => {
    expect(sumRates([1.5, null, 2])).toBe(3.5)
    expect(sumRates([null, null])).toBeNull()
    expect(sumRates([])).toBeNull()
  })
  it('max of known values, null when none known', () => {
    expect(maxKnown([1, null, 7, 3])).toBe(7)
    expect(maxKnown([null])).toBeNull()
  })
})
