import { describe, expect, it } from 'vitest'
import { inPlaceDiff } from '../../../src/analyzer/capacity/diff.ts'

describe('inPlaceDiff', () => {
  it('prints hunks with context, runs of changes as removals then additions', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n')
    const b = ['a', 'B', 'C', 'd', 'e', 'f', 'g', 'h', 'i', 'J'].join('\n')
    expect(inPlaceDiff(a, b, 'x', 'y', 1)).toBe(
      [
        '--- x',
        '+++ y',
        '@@ -1,4 +1,4 @@',
        ' a',
        '-b',
        '-c',
        '+B',
        '+C',
        ' d',
        '@@ -9,2 +9,2 @@',
        ' i',
        '-j',
        '+J',
        '',
      ].join('\n'),
    )
  })

  it('is empty when nothing changed, and says so when line counts differ', () => {
    expect(inPlaceDiff('a\n', 'a\n', 'x', 'y')).toBe('')
    expect(inPlaceDiff('a\n', 'a\nb\n', 'x', 'y')).toMatch(/differ in length/)
  })
})
