import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument } from 'yaml'
import { growPartitions, type LiveTopic, planPartitions } from '../../../src/analyzer/capacity/partitions.ts'
import { DEFAULT_RULES, type ScaleRules } from '../../../src/analyzer/capacity/rules.ts'
import { scanScalars } from '../../../src/analyzer/capacity/values-scan.ts'

function plan(text: string, growth: number, live?: LiveTopic[], rules: ScaleRules = DEFAULT_RULES) {
  const lineCounter = new LineCounter()
  return planPartitions(scanScalars(parseDocument(text, { lineCounter }), lineCounter), live, rules, growth)
}

describe('growPartitions', () => {
  const rows: Array<[number, number, number]> = [
    [12, 1.5, 18],
    [10, 1.25, 13],
    [6, 0.5, 6],
    [7, 1, 7],
  ]
  for (const [value, growth, expected] of rows) {
    it(`${value} × ${growth} → ${expected} (never below the current count)`, () =>
      expect(growPartitions(value, growth)).toBe(expected))
  }
})

describe('planPartitions', () => {
  it('names topics by name/topic siblings or by their map key, and skips internal topics', () => {
    const { changes } = plan(
      't:\n  - topic: a\n    partitions: 4\n  - name: __x\n    partitions: 1\nm:\n  b:\n    numPartitions: 2\n',
      2,
    )
    expect(changes.map((c) => [c.topic, c.from, c.to])).toEqual([
      ['a', 4, 8],
      ['b', 2, 4],
    ])
  })

  const keyedRows: Array<{
    name: string
    text: string
    rules?: ScaleRules
    live?: LiveTopic[]
    keyed: string
    warned: boolean
  }> = [
    {
      name: 'unknown by default, soft warning',
      text: 'x:\n  partitions: 2\n',
      keyed: 'unknown',
      warned: true,
    },
    {
      name: 'keyed: false in the values, no warning',
      text: 'x:\n  partitions: 2\n  keyed: false\n',
      keyed: 'no',
      warned: false,
    },
    {
      name: 'listed as unkeyed in the rules',
      text: 'x:\n  partitions: 2\n',
      rules: { ...DEFAULT_RULES, topics: { ...DEFAULT_RULES.topics, unkeyed: ['x'] } },
      keyed: 'no',
      warned: false,
    },
    {
      name: 'listed as keyed in the rules',
      text: 'x:\n  partitions: 2\n',
      rules: { ...DEFAULT_RULES, topics: { ...DEFAULT_RULES.topics, keyed: ['x*'] } },
      keyed: 'yes',
      warned: true,
    },
    {
      name: 'compacted on the live cluster',
      text: 'x:\n  partitions: 2\n',
      live: [{ name: 'x', partitions: 2, compacted: true }],
      keyed: 'yes',
      warned: true,
    },
  ]
  for (const row of keyedRows) {
    it(`keyedness: ${row.name}`, () => {
      const { changes, warnings } = plan(row.text, 2, row.live, row.rules)
      expect(changes[0]!.keyed).toBe(row.keyed)
      expect(warnings.length > 0).toBe(row.warned)
    })
  }

  it('does not warn when nothing grows', () => {
    expect(plan('x:\n  partitions: 2\n', 1).warnings).toEqual([])
  })
})
