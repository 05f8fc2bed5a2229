import { describe, expect, it } from 'vitest'
import {
  lineOf,
  mergeManifests,
  parseManifests,
  resourceLabel,
} from '../../../src/analyzer/audit/manifest.ts'

const helmOutput = `---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
---
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
`

describe('parseManifests', () => {
  it('reads helm template output: documents, positions, chart sources; empty documents are skipped', () => {
    const { resources, problems } = parseManifests(helmOutput, 'out.yaml')
    expect(problems).toEqual([])
    expect(resources.map((r) => [resourceLabel(r), r.line, r.helmSource, r.docIndex])).toEqual([
      ['Service/web', 3, 'shop/templates/service.yaml', 0],
      ['Deployment/shop/web', 13, 'shop/templates/deployment.yaml', 2],
    ])
    expect(lineOf(resources[1]!, ['spec', 'replicas'])).toBe(19)
    expect(lineOf(resources[1]!, ['spec', 'template', 'spec'])).toBe(18) // nearest existing ancestor
  })

  it('expands kind: List with positions relative to each item', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: a }
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
`
    const { resources } = parseManifests(text, 'list.yaml')
    expect(resources.map((r) => [r.name, r.line, r.basePath])).toEqual([
      ['a', 4, ['items', 0]],
      ['b', 7, ['items', 1]],
    ])
    expect(lineOf(resources[1]!, ['metadata', 'name'])).toBe(10)
  })

  it('reads a plain Prometheus rule file as a synthetic resource', () => {
    const { resources } = parseManifests('groups:\n  - name: g\n    rules: []\n', 'rules/kafka.yml')
    expect(resources.map((r) => [r.kind, r.name])).toEqual([['PrometheusRuleFile', 'kafka.yml']])
  })

  const problemRows: Array<{ name: string; text: string; expected: Array<[string, number, RegExp]> }> = [
    {
      name: 'malformed YAML, with the line of the error; the good documents are still read',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: X\n  bad: indent\n',
      expected: [['invalid-yaml', 5, /compact mappings/]],
    },
    {
      name: 'a document without kind, apiVersion or name',
      text: 'apiVersion: v1\nmetadata:\n  labels: {}\n',
      expected: [['invalid-resource', 1, /missing kind, metadata.name/]],
    },
    { name: 'a scalar document', text: 'just text\n', expected: [['invalid-resource', 1, /not a mapping/]] },
    { name: 'duplicate keys', text: 'a: 1\na: 2\n', expected: [['invalid-yaml', 2, /unique/i]] },
  ]
  for (const row of problemRows) {
    it(`reports ${row.name} without throwing`, () => {
      const { problems } = parseManifests(row.text, 'bad.yaml')
      expect(problems.map((p) => [p.type, p.line])).toEqual(row.expected.map(([t, l]) => [t, l]))
      row.expected.forEach(([, , message], i) => {
        expect(problems[i]!.message).toMatch(message)
        expect(problems[i]!.file).toBe('bad.yaml')
      })
    })
  }

  it('never throws on hostile input (alias bombs, binary noise)', () => {
    const bomb =
      'a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n'
    expect(() => parseManifests(bomb, 'bomb.yaml')).not.toThrow()
    expect(() => parseManifests('\u0000\u0001{[}', 'noise.yaml')).not.toThrow()
  })
})

describe('mergeManifests', () => {
  it('keeps the later definition of a resource and records the override', () => {
    const a = parseManifests(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n',
      'a.yaml',
    )
    const b = parseManifests(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n',
      'fix/a.yaml',
    )
    const merged = mergeManifests([a, b])
    expect(merged.resources.map((r) => [r.file, (r.object.spec as { replicas: number }).replicas])).toEqual([
      ['fix/a.yaml', 3],
    ])
    expect(merged.overridden).toEqual([
      { resource: 'Deployment/web', file: 'a.yaml', line: 1, by: { file: 'fix/a.yaml', line: 1 } },
    ])
  })
})
