import { describe, expect, it } from 'vitest'
import { addSample, estimateAppendTime } from '../../../src/analyzer/lag/time-table.ts'
import type { EndOffsetSample } from '../../../src/analyzer/lag/types.ts'

const s = (offset: number, time: number): EndOffsetSample => ({ offset, time })

describe('addSample', () => {
  const rows: Array<{
    name: string
    history: EndOffsetSample[]
    sample: EndOffsetSample
    want: EndOffsetSample[]
  }> = [
    { name: 'first sample', history: [], sample: s(10, 1000), want: [s(10, 1000)] },
    {
      name: 'append a growing end',
      history: [s(10, 1000)],
      sample: s(20, 2000),
      want: [s(10, 1000), s(20, 2000)],
    },
    {
      name: 'flat stretch keeps first and latest',
      history: [s(10, 1000), s(20, 2000), s(20, 3000)],
      sample: s(20, 4000),
      want: [s(10, 1000), s(20, 2000), s(20, 4000)],
    },
    {
      name: 'out-of-order time is ignored',
      history: [s(10, 1000)],
      sample: s(20, 1000),
      want: [s(10, 1000)],
    },
    {
      name: 'end going backwards (recreated topic) restarts history',
      history: [s(10, 1000), s(20, 2000)],
      sample: s(5, 3000),
      want: [s(5, 3000)],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(addSample(row.history, row.sample)).toEqual(row.want)
    })
  }

  it('drops the oldest beyond the maximum', () => {
    let history: EndOffsetSample[] = []
    for (let i = 0; i < 10; i++) history = addSample(history, s(i * 10, i * 1000), 4)
    expect(history).toEqual([s(60, 6000), s(70, 7000), s(80, 8000), s(90, 9000)])
  })
})

describe('estimateAppendTime', () => {
  const steady = [s(0, 0), s(100, 10_000), s(200, 20_000)]
  const rows: Array<{
    name: string
    history: EndOffsetSample[]
    offset: number
    want: ReturnType<typeof estimateAppendTime>
  }> = [
    {
      name: 'interpolates inside a bracket',
      history: steady,
      offset: 149,
      want: { time: 15_000, lowerBound: false },
    },
    {
      name: 'first record after a sample',
      history: steady,
      offset: 100,
      want: { time: 10_100, lowerBound: false },
    },
    { name: 'not yet appended (at or past the newest end)', history: steady, offset: 200, want: null },
    {
      name: 'idle producer: a record after a long pause is dated from the end of the pause',
      history: [s(100, 0), s(100, 60_000), s(110, 70_000)],
      offset: 100,
      want: { time: 61_000, lowerBound: false },
    },
    {
      name: 'older than the history: lower bound at the oldest sample, no extrapolation',
      history: [s(500, 50_000), s(600, 60_000)],
      offset: 10,
      want: { time: 50_000, lowerBound: true },
    },
    { name: 'a single (first) sample says nothing', history: [s(500, 50_000)], offset: 10, want: null },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(estimateAppendTime(row.history, row.offset)).toEqual(row.want)
    })
  }
})
