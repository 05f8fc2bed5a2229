import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { parseProfile, rateAt, recordsDue } from '../../src/workload/profile.ts'

describe('load profiles', () => {
  const quietBurstQuiet = parseProfile('10s@50,5s@2000,500ms@0')

  it.each([
    { text: '10s@50', phases: [{ durationMs: 10_000, rate: 50 }] },
    {
      text: '1m@0.5, 250ms@4000',
      phases: [
        { durationMs: 60_000, rate: 0.5 },
        { durationMs: 250, rate: 4000 },
      ],
    },
    { text: '1h@1', phases: [{ durationMs: 3_600_000, rate: 1 }] },
  ])('parses $text', ({ text, phases }) => {
    expect(parseProfile(text)).toEqual(phases)
  })

  it.each([
    { text: '', why: /empty/ },
    { text: '10@5', why: /duration/ },
    { text: '10s', why: /duration@records/ },
    { text: '10s@-1', why: /≥ 0/ },
    { text: '10s@x', why: /number/ },
    { text: '10s@1@2', why: /duration@records/ },
  ])('rejects "$text" naming the flag', ({ text, why }) => {
    const err = (() => {
      try {
        parseProfile(text)
      } catch (e) {
        return e
      }
    })()
    expect(AutopilotError.is(err)).toBe(true)
    expect((err as AutopilotError).field).toBe('--profile')
    expect((err as AutopilotError).message).toMatch(why)
  })

  it.each([
    { at: 0, due: 0 },
    { at: 1000, due: 50 },
    { at: 10_000, due: 500 },
    { at: 11_000, due: 2500 },
    { at: 15_000, due: 10_500 },
    { at: 99_000, due: 10_500 },
  ])('asks for $due records after $at ms', ({ at, due }) => {
    expect(recordsDue(quietBurstQuiet, at)).toBe(due)
  })

  it('repeats the profile when looping', () => {
    expect(recordsDue(quietBurstQuiet, 15_500 + 1000, true)).toBe(10_500 + 50)
    expect(rateAt(quietBurstQuiet, 15_500 + 10_500, true)).toBe(2000)
    expect(rateAt(quietBurstQuiet, 12_000)).toBe(2000)
    expect(rateAt(quietBurstQuiet, 20_000)).toBe(0)
  })
})
