import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RULES } from '../../../src/analyzer/audit/registry.ts'
import { SEVERITIES } from '../../../src/analyzer/audit/types.ts'

const docs = readFileSync('docs/audit-rules.md', 'utf8')

describe('audit rule registry', () => {
  it('is sorted by id, without duplicates', () => {
    const ids = RULES.map((r) => r.id)
    expect(ids).toEqual([...ids].sort())
    expect(new Set(ids).size).toBe(ids.length)
  })

  for (const rule of RULES) {
    it(`${rule.id}: complete and documented in docs/audit-rules.md`, () => {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(SEVERITIES).toContain(rule.severity)
      expect(rule.title.length).toBeGreaterThan(10)
      expect(rule.why.length).toBeGreaterThan(40)
      for (const e of rule.equivalent) expect(e).toMatch(/^(kube-score|Polaris|kube-linter): [A-Za-z0-9-]+$/)
      expect(docs).toContain(`## \`${rule.id}\``)
      expect(docs).toMatch(new RegExp(`^\\| \`${rule.id}\` +\\| ${rule.severity} +\\|`, 'm'))
      for (const e of rule.equivalent) expect(docs).toContain(e)
    })
  }

  it('documents no rule that is not registered', () => {
    const documented = [...docs.matchAll(/^## `([a-z0-9-]+)`$/gm)].map((m) => m[1])
    expect(documented).toEqual(RULES.map((r) => r.id))
  })
})
