import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { boolLike, intLike, numberLike, parsePartitionLimitation } from '../../src/config/values.ts'

describe('parsePartitionLimitation (KEDA TestKafkaParsePartitionLimitation)', () => {
  it.each([
    ['single', '1', [1]],
    ['list', '1,2,3,4', [1, 2, 3, 4]],
    ['list with spaces', ' 1 , 2 , 3 ', [1, 2, 3]],
    ['range', '1-4', [1, 2, 3, 4]],
    ['one-element range', '3-3', [3]],
    ['range with spaces', ' 1 - 4 ', [1, 2, 3, 4]],
    ['mixed', '1-4,8,10-12', [1, 2, 3, 4, 8, 10, 11, 12]],
    ['duplicates merge, sorted', '5,1-2,2', [1, 2, 5]],
    ['blank means no limit', '   ', undefined],
  ])('%s: %j', (_name, input, expected) => {
    expect(parsePartitionLimitation(input)).toEqual(expected)
  })

  it.each([
    ['letters', 'a,b,c'],
    ['three-part range', '1-2-3'],
    ['letter start', 'a-3'],
    ['letter end', '1-b'],
    ['reversed range', '4-1'],
  ])('%s: %j is an error message', (_name, input) => {
    expect(typeof parsePartitionLimitation(input)).toBe('string')
  })
})

describe('KEDA-style scalars accept strings and native values', () => {
  const s = z.object({ n: intLike({ min: 0 }), b: boolLike, f: numberLike({ gt: 0, max: 1 }) })
  it.each([
    ['strings', { n: '10', b: 'true', f: '0.5' }, { n: 10, b: true, f: 0.5 }],
    ['native', { n: 10, b: false, f: 0.25 }, { n: 10, b: false, f: 0.25 }],
    ['Go ParseBool forms', { n: ' 7 ', b: 'F', f: '1' }, { n: 7, b: false, f: 1 }],
  ])('%s', (_name, input, expected) => {
    expect(s.parse(input)).toEqual(expected)
  })

  it.each([
    ['negative int', { n: '-1', b: true, f: 0.5 }, 'n'],
    ['yes is not a Go bool', { n: 1, b: 'yes', f: 0.5 }, 'b'],
    ['zero is not > 0', { n: 1, b: true, f: '0' }, 'f'],
    ['above max', { n: 1, b: true, f: 1.5 }, 'f'],
  ])('%s', (_name, input, field) => {
    const r = s.safeParse(input)
    expect(r.success).toBe(false)
    expect(r.error?.issues.map((i) => i.path[0])).toEqual([field])
  })
})
