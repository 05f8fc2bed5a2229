import { describe, expect, it } from 'vitest'
import {
  formatTraceCsv,
  Production,
  parseTraceCsv,
  tracePartitions,
} from '../../../src/analyzer/simulate/trace.ts'
import { AutopilotError } from '../../../src/errors.ts'

describe('trace CSV', () => {
  it('reads total rates, shifts time to 0, and ends one interval after the last row', () => {
    const t = parseTraceCsv('# a comment\nt_seconds,records_per_second\n10,100\n20,300\n25,0\n')
    expect(t.times).toEqual([0, 10, 15])
    expect(t.total).toEqual([100, 300, 0])
    expect(t.end).toBe(20)
    expect(t.observed).toEqual([])
    expect(tracePartitions(t)).toBeNull()
  })

  it('reads per-partition rates and observed columns (empty cells are unobserved)', () => {
    const t = parseTraceCsv('t_seconds,p1,p0,replicas,lag,lag_seconds\n0,1,2,3,40,\n5,3,4,,50,1.5\n')
    expect(t.perPartition).toEqual([
      [2, 1],
      [4, 3],
    ])
    expect(tracePartitions(t)).toBe(2)
    expect(t.observed).toEqual([
      { t: 0, replicas: 3, lag: 40, lagSeconds: null },
      { t: 5, replicas: null, lag: 50, lagSeconds: 1.5 },
    ])
  })

  it.each([
    { name: 'empty', text: '', message: /is empty/ },
    {
      name: 'wrong first column',
      text: 'time,records_per_second\n0,1\n1,1',
      message: /first column must be t_seconds/,
    },
    { name: 'no rate column', text: 't_seconds,lag\n0,1\n1,1', message: /needs a records_per_second column/ },
    {
      name: 'unknown column',
      text: 't_seconds,records_per_second,foo\n0,1,2\n1,1,2',
      message: /unknown column "foo"/,
    },
    { name: 'gap in partitions', text: 't_seconds,p0,p2\n0,1,1\n1,1,1', message: /p1 missing/ },
    { name: 'one row', text: 't_seconds,records_per_second\n0,1', message: /at least two rows/ },
    {
      name: 'time going back',
      text: 't_seconds,records_per_second\n0,1\n5,1\n5,2',
      message: /:4: t_seconds must increase/,
    },
    {
      name: 'negative rate',
      text: 't_seconds,records_per_second\n0,-1\n1,1',
      message: /:2: records_per_second must be a number ≥ 0/,
    },
    { name: 'short row', text: 't_seconds,records_per_second\n0\n1,1', message: /:2: has 1 cells/ },
    {
      name: 'fractional replicas',
      text: 't_seconds,records_per_second,replicas\n0,1,1.5\n1,1,1',
      message: /replicas must be a whole number/,
    },
  ])('rejects $name with the line', ({ text, message }) => {
    let error: unknown
    try {
      parseTraceCsv(text, 'x.csv')
    } catch (e) {
      error = e
    }
    expect(AutopilotError.is(error)).toBe(true)
    expect((error as AutopilotError).message).toMatch(message)
    expect((error as AutopilotError).field).toBe('x.csv')
  })

  it('writes what it reads', () => {
    const csv = formatTraceCsv(
      [
        { t: 0, recordsPerSecond: 100.5, replicas: 2, lag: 10, lagSeconds: 0.25 },
        { t: 1.5, recordsPerSecond: 200, replicas: null, lag: null, lagSeconds: null },
      ],
      'recorded',
    )
    expect(csv.split('\n')[0]).toBe('# recorded')
    const t = parseTraceCsv(csv)
    expect(t.total).toEqual([100.5, 200])
    expect(t.observed).toEqual([{ t: 0, replicas: 2, lag: 10, lagSeconds: 0.25 }])
  })
})

describe('Production', () => {
  const trace = parseTraceCsv('t_seconds,records_per_second\n0,40\n10,0\n20,80\n30,0\n')
  const prod = new Production(trace, 4)

  it.each([
    { t: 0, produced: 0 },
    { t: 5, produced: 50 },
    { t: 15, produced: 100 },
    { t: 25, produced: 200 },
    { t: 100, produced: 300 },
  ])('records produced on a partition by $t s: $produced', ({ t, produced }) => {
    expect(prod.produced(0, t)).toBeCloseTo(produced, 9)
  })

  it.each([
    // 10/s per partition for 10 s, nothing for 10 s, then 20/s for 10 s.
    { position: 0, arrival: 0 },
    { position: 5, arrival: 0.5 },
    { position: 100, arrival: 20 },
    { position: 110, arrival: 20.5 },
    { position: 300, arrival: null },
  ])('arrival of the record after position $position: $arrival', ({ position, arrival }) => {
    expect(prod.arrivalOf(0, position)).toBe(arrival)
  })

  it('lag time is the age of the oldest unconsumed record, 0 when caught up', () => {
    expect(prod.lagSeconds(0, 50, 22)).toBe(17)
    expect(prod.lagSeconds(0, prod.produced(0, 22), 22)).toBe(0)
  })
})
