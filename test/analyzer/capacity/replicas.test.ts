import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument } from 'yaml'
import { planReplicas, scaleCount } from '../../../src/analyzer/capacity/replicas.ts'
import { DEFAULT_RULES, type ScaleRules } from '../../../src/analyzer/capacity/rules.ts'
import { scanScalars } from '../../../src/analyzer/capacity/values-scan.ts'

function plan(text: string, nodes = 3, add = 2, rules: ScaleRules = DEFAULT_RULES) {
  const lineCounter = new LineCounter()
  return planReplicas(scanScalars(parseDocument(text, { lineCounter }), lineCounter), rules, nodes, add)
}

describe('scaleCount', () => {
  const rows: Array<[number, number, number, number]> = [
    [3, 3, 2, 5],
    [2, 3, 2, 4],
    [1, 3, 1, 2],
    [4, 4, 4, 8],
    [10, 3, 1, 14],
    [0, 3, 2, 0],
  ]
  for (const [value, nodes, add, expected] of rows) {
    it(`${value} replicas, ${nodes} + ${add} nodes → ${expected}`, () =>
      expect(scaleCount(value, nodes, add)).toBe(expected))
  }
})

describe('planReplicas', () => {
  const rows: Array<{
    name: string
    text: string
    expected: Array<[string, string, number]>
    warning?: RegExp
    rules?: ScaleRules
  }> = [
    {
      name: 'a quorum of 1 becomes 3, with a warning',
      text: 'zookeeper:\n  replicaCount: 1\n',
      expected: [['quorum', 'zookeeper.replicaCount', 3]],
      warning: /quorum of 1 becomes 3/,
    },
    {
      name: 'a quorum of 5 stays',
      text: 'zookeeper:\n  replicaCount: 5\n',
      expected: [['quorum', 'zookeeper.replicaCount', 5]],
    },
    {
      name: 'an even quorum of 4 is set to 3',
      text: 'etcd:\n  replicas: 4\n',
      expected: [['quorum', 'etcd.replicas', 3]],
      warning: /quorum of 4 becomes 3/,
    },
    {
      name: 'the rules quorum size',
      text: 'zookeeper:\n  replicaCount: 3\n',
      rules: { ...DEFAULT_RULES, quorum: { ...DEFAULT_RULES.quorum, size: 5 } },
      expected: [['quorum', 'zookeeper.replicaCount', 5]],
      warning: /becomes 5/,
    },
    {
      name: 'a singleton with 2 stays at 2',
      text: 'grafana:\n  replicas: 2\n',
      expected: [['singleton', 'grafana.replicas', 2]],
    },
    {
      name: 'fixed paths win',
      text: 'api:\n  replicaCount: 2\n',
      rules: { ...DEFAULT_RULES, fixed: { 'api.replicaCount': 7 } },
      expected: [['fixed', 'api.replicaCount', 7]],
    },
    {
      name: 'ignored paths are kept',
      text: 'batch:\n  replicaCount: 2\n',
      rules: { ...DEFAULT_RULES, ignore: ['batch'] },
      expected: [['ignored', 'batch.replicaCount', 2]],
    },
    {
      name: 'replicas next to partitions is a replication factor',
      text: 'topics:\n  - name: a\n    partitions: 3\n    replicas: 3\n',
      expected: [],
    },
    {
      name: 'a negative count is warned about',
      text: 'api:\n  replicaCount: -1\n',
      expected: [],
      warning: /not a whole number/,
    },
    {
      name: 'node count keys follow the pool, warning when off',
      text: 'global:\n  numNodes: 4\n',
      expected: [['nodes', 'global.numNodes', 5]],
      warning: /says 4 nodes, --nodes says 3/,
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const { changes, warnings } = plan(row.text, 3, 2, row.rules)
      expect(changes.map((c) => [c.category, c.path, c.to])).toEqual(row.expected)
      if (row.warning) expect(warnings.join('\n')).toMatch(row.warning)
      else expect(warnings).toEqual([])
    })
  }
})
