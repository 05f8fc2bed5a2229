import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { applyYamlEdits, type YamlEdit } from '../../../src/analyzer/yaml/edit.ts'

const source = `# top comment
global:
  nodes: 3   # three nodes
  image: {repo: "x/y", tag: '1.2'}

app:
  replicas: 1
  description: "a very long string that goes on and on and on and on and on and on and on and on and on and end"
  containers:
  - name: web
    image: nginx   # pinned elsewhere
  - name: side
    image: busybox
  affinity:
  folded: >
    some folded
    text
`

function edit(text: string, ...edits: YamlEdit[]): string {
  return applyYamlEdits(text, edits)
}

/** Lines of `after` that are not in `before` (order kept). */
function addedLines(before: string, after: string): string[] {
  const pool = before.split('\n')
  return after.split('\n').filter((line) => {
    const i = pool.indexOf(line)
    if (i === -1) return true
    pool.splice(i, 1)
    return false
  })
}

describe('applyYamlEdits', () => {
  const rows: Array<{ name: string; edit: YamlEdit; added: string[]; removed?: string[] }> = [
    {
      name: 'replaces a scalar in place and keeps its comment and spacing',
      edit: { docIndex: 0, path: ['global', 'nodes'], value: 5 },
      added: ['  nodes: 5   # three nodes'],
    },
    {
      name: 'adds a key at the end of a block map with the map indentation and a comment',
      edit: { docIndex: 0, path: ['app', 'priority'], value: 'high', comment: 'why' },
      added: ['  # why', '  priority: high'],
    },
    {
      name: 'builds the missing nested maps under the deepest existing one',
      edit: { docIndex: 0, path: ['app', 'containers', 0, 'readinessProbe', 'tcpSocket', 'port'], value: 80 },
      added: ['    readinessProbe:', '      tcpSocket:', '        port: 80'],
    },
    {
      name: 'fills an empty value',
      edit: { docIndex: 0, path: ['app', 'affinity', 'podAntiAffinity'], value: { a: 1 } },
      added: ['    podAntiAffinity:', '      a: 1'],
    },
    {
      name: 'removes a key with its line',
      edit: { docIndex: 0, path: ['app', 'replicas'], value: undefined },
      added: [],
      removed: ['  replicas: 1'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const after = edit(source, row.edit)
      expect(addedLines(source, after)).toEqual(row.added)
      expect(addedLines(after, source)).toEqual(
        row.removed ?? (row.name.startsWith('replaces') ? ['  nodes: 3   # three nodes'] : []),
      )
      const parsed = parseAllDocuments(after)
      expect(Array.isArray(parsed) && parsed[0]!.errors).toEqual([])
    })
  }

  it('leaves long strings, folded scalars and flow maps untouched when editing elsewhere', () => {
    const after = edit(source, { docIndex: 0, path: ['app', 'replicas'], value: 4 })
    expect(after).toBe(source.replace('  replicas: 1', '  replicas: 4'))
  })

  it('edits inside a flow map by re-serialising only that document', () => {
    const text = 'a: 1 # keep\n---\nb: {c: 1}\n'
    const after = edit(text, { docIndex: 1, path: ['b', 'd'], value: 2 })
    expect(after.startsWith('a: 1 # keep\n---\n')).toBe(true)
    const docs = parseAllDocuments(after)
    expect(Array.isArray(docs) && docs[1]!.toJS()).toEqual({ b: { c: 1, d: 2 } })
  })

  it('edits the right document of a multi-document file', () => {
    const text = 'kind: A\nspec:\n  replicas: 1\n---\nkind: B\nspec:\n  replicas: 1\n'
    expect(edit(text, { docIndex: 1, path: ['spec', 'replicas'], value: 3 })).toBe(
      'kind: A\nspec:\n  replicas: 1\n---\nkind: B\nspec:\n  replicas: 3\n',
    )
  })

  it('adds a key to a map that starts on a sequence item line', () => {
    const text = 'containers:\n- name: a\n  image: x # c\n- name: b\n'
    expect(edit(text, { docIndex: 0, path: ['containers', 0, 'port'], value: 1 })).toBe(
      'containers:\n- name: a\n  image: x # c\n  port: 1\n- name: b\n',
    )
  })

  it('replaces a sequence value in block style', () => {
    const text = 'a:\n  list:\n    - 1\n  b: 2\n'
    expect(edit(text, { docIndex: 0, path: ['a', 'list'], value: [1, 2] })).toBe(
      'a:\n  list:\n    - 1\n    - 2\n  b: 2\n',
    )
  })

  it('keeps quoting style rules for strings', () => {
    expect(edit('a: x\n', { docIndex: 0, path: ['a'], value: 'yes: no' })).toBe('a: "yes: no"\n')
  })

  it('refuses a document that does not exist, with a typed error', () => {
    expect(() => edit('a: 1\n', { docIndex: 3, path: ['a'], value: 2 })).toThrowError(/document 3/)
  })
})
