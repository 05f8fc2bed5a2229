import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { planScaleOut } from '../../../src/analyzer/capacity/plan.ts'
import { DEFAULT_RULES } from '../../../src/analyzer/capacity/rules.ts'
import type { RunbookContext } from '../../../src/analyzer/capacity/runbook.ts'
import { AutopilotError } from '../../../src/errors.ts'

const valuesText = readFileSync('test/fixtures/capacity/values.yaml', 'utf8')
const context: RunbookContext = {
  valuesFile: 'values.yaml',
  outFile: 'values.scaled.yaml',
  release: null,
  namespace: null,
  chart: null,
  chartVersion: null,
  bootstrapServer: null,
}
const plan = planScaleOut({ valuesText, nodes: 3, add: 2, rules: DEFAULT_RULES, context })
const after = parseDocument(plan.values)

describe('plan scale-out on a 20-service values file (3 → 5 nodes)', () => {
  const rows: Array<{ path: string; before: unknown; after: unknown; why: string }> = [
    { path: 'global.numNodes', before: 3, after: 5, why: 'node count key follows the pool' },
    { path: 'ingester.replicaCount', before: 3, after: 5, why: '3 × 5/3 = 5 exactly' },
    { path: 'ingester.autoscaling.minReplicas', before: 3, after: 5, why: 'enabled autoscaler bounds scale' },
    {
      path: 'ingester.autoscaling.maxReplicas',
      before: 12,
      after: 20,
      why: 'enabled autoscaler bounds scale',
    },
    { path: 'query-service.replicaCount', before: 2, after: 4, why: '2 × 5/3 = 3.33, rounded up' },
    { path: 'frontend.deployment.replicas', before: 2, after: 4, why: 'nested replica field' },
    { path: 'api-gateway.replicaCount', before: 2, after: 4, why: 'scaled' },
    { path: 'transformer.replicaCount', before: 6, after: 10, why: 'scaled' },
    { path: 'alert-evaluator.replicaCount', before: 1, after: 2, why: '1 × 5/3 rounds up to 2' },
    { path: 'trace-processor.replicaCount', before: 4, after: 7, why: '6.67 rounds up' },
    { path: 'log-parser.replicaCount', before: 2, after: 4, why: 'scaled' },
    {
      path: 'log-parser.autoscaling.minReplicas',
      before: 1,
      after: 1,
      why: 'autoscaling disabled: untouched',
    },
    {
      path: 'log-parser.autoscaling.maxReplicas',
      before: 5,
      after: 5,
      why: 'autoscaling disabled: untouched',
    },
    { path: 'metrics-aggregator.workers.statefulset.replicas', before: 3, after: 5, why: 'deeply nested' },
    {
      path: 'notifier.replicaCount',
      before: '{{ .Values.global.defaultReplicas }}',
      after: '{{ .Values.global.defaultReplicas }}',
      why: 'template string: warned, untouched',
    },
    { path: 'legacy-exporter.replicaCount', before: 0, after: 0, why: 'switched off' },
    {
      path: 'ingress-nginx.controller.replicaCount',
      before: 2,
      after: 4,
      why: 'a controller that is not Kafka scales',
    },
    { path: 'kafka.controller.replicaCount', before: 3, after: 3, why: 'KRaft quorum stays at 3' },
    { path: 'kafka.broker.replicaCount', before: 3, after: 5, why: 'brokers scale' },
    { path: 'pinot.controller.replicaCount', before: 1, after: 2, why: 'scaled' },
    { path: 'pinot.broker.replicaCount', before: 2, after: 4, why: 'scaled' },
    { path: 'pinot.server.replicaCount', before: 3, after: 5, why: 'scaled' },
    { path: 'pinot.minion.replicaCount', before: 1, after: 2, why: 'scaled' },
    { path: 'pinot.zookeeper.replicaCount', before: 3, after: 3, why: 'Pinot ZooKeeper quorum stays' },
    { path: 'redis.replica.replicaCount', before: 1, after: 1, why: 'singleton' },
    { path: 'config-db.replicaCount', before: 1, after: 1, why: 'singleton' },
    { path: 'grafana.replicas', before: 1, after: 1, why: 'singleton' },
    { path: 'kafka.provisioning.topics.0.partitions', before: 24, after: 40, why: 'grows with volume (5/3)' },
    {
      path: 'kafka.provisioning.topics.1.partitions',
      before: 12,
      after: 20,
      why: 'keyed, still grown, warned',
    },
    { path: 'kafka.provisioning.topics.2.partitions', before: 6, after: 10, why: 'compacted, warned' },
    { path: 'kafka.provisioning.topics.3.partitions', before: 1, after: 1, why: '_schemas must stay at 1' },
    { path: 'kafka.provisioning.topics.4.partitions', before: 16, after: 27, why: '26.67 rounds up' },
    {
      path: 'kafka.provisioning.topics.4.replicas',
      before: 3,
      after: 3,
      why: 'a topic replication factor, not pods',
    },
    { path: 'kafka.provisioning.topics.0.replicationFactor', before: 3, after: 3, why: 'never touched' },
    { path: 'kafka.topics.alerts.partitions', before: 3, after: 5, why: 'topic named by its key' },
  ]
  const before = parseDocument(valuesText)
  for (const row of rows) {
    it(`${row.path}: ${JSON.stringify(row.before)} → ${JSON.stringify(row.after)} (${row.why})`, () => {
      const path = row.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
      expect(before.getIn(path)).toEqual(row.before)
      expect(after.getIn(path)).toEqual(row.after)
    })
  }

  it('writes exactly the committed values.scaled.yaml', () => {
    expect(plan.values).toBe(readFileSync('test/fixtures/capacity/values.scaled.yaml', 'utf8'))
  })

  it('keeps every comment, the key order and every unchanged line byte for byte', () => {
    const a = valuesText.split('\n')
    const b = plan.values.split('\n')
    expect(b).toHaveLength(a.length)
    for (const [i, line] of a.entries()) {
      if (line.trimStart().startsWith('#')) expect(b[i]).toBe(line)
      const comment = line.indexOf(' # ')
      if (comment > 0) expect(b[i]!.endsWith(line.slice(comment))).toBe(true)
    }
    const changedLines = a.filter((line, i) => line !== b[i]).length
    const changedFields =
      plan.replicas.filter((c) => c.to !== c.from).length +
      plan.partitions.filter((p) => p.to !== p.valuesCount).length
    expect(changedLines).toBe(changedFields)
  })

  it('warns about the template value, and about keyed and maybe-keyed topics', () => {
    expect(plan.warnings).toEqual([
      expect.stringContaining('notifier.replicaCount (line 52) is not a whole number'),
      expect.stringContaining('topic logs: if producers set keys'),
      expect.stringContaining('topic metrics is keyed (keyed: true in the values)'),
      expect.stringContaining('topic kf_events is keyed (compacted topic'),
      expect.stringContaining('topic traces: if producers set keys'),
      expect.stringContaining('topic alerts: if producers set keys'),
    ])
  })

  it('gives the readable diff and the runbook in order', () => {
    expect(plan.diff.startsWith('--- values.yaml\n+++ values.scaled.yaml\n@@ -2,5 +2,5 @@\n')).toBe(true)
    expect(plan.diff).toContain('-    replicaCount: 3\n+    replicaCount: 5\n')
    expect(plan.runbook.map((s) => s.title)).toEqual([
      'Check that the values match the live install',
      'Grow the node pool from 3 to 5 nodes',
      'Upgrade the release with the new values and the same chart version',
      'Check that pods spread over old and new nodes',
      'Increase partitions',
      'Rebalance Kafka onto the new brokers (3 → 5 brokers)',
      'Rebalance other stores',
      'Validate',
    ])
    expect(plan.factor).toEqual({ numerator: 5, denominator: 3 })
  })

  it('plans partitions from the live cluster too: never below what the cluster has', () => {
    const live = planScaleOut({
      valuesText,
      nodes: 3,
      add: 2,
      rules: DEFAULT_RULES,
      context,
      volumeGrowth: 1.5,
      liveTopics: [
        { name: 'logs', partitions: 30, compacted: false },
        { name: 'clicks', partitions: 8, compacted: false },
        { name: '__consumer_offsets', partitions: 50, compacted: true },
      ],
    })
    const byTopic = Object.fromEntries(live.partitions.map((p) => [p.topic, [p.source, p.from, p.to]]))
    expect(byTopic.logs).toEqual(['values+cluster', 30, 45])
    expect(byTopic.clicks).toEqual(['cluster', 8, 12])
    expect(byTopic.__consumer_offsets).toBeUndefined()
    expect(parseDocument(live.values).getIn(['kafka', 'provisioning', 'topics', 0, 'partitions'])).toBe(45)
    expect(live.warnings).toContainEqual(
      expect.stringContaining('the values say 24 partitions (line 71), the cluster has 30'),
    )
  })

  const badRows: Array<{
    name: string
    valuesText: string
    nodes: number
    add: number
    code: string
    field: string
    message: RegExp
  }> = [
    {
      name: 'malformed values',
      valuesText: 'a: [1,\n',
      nodes: 3,
      add: 1,
      code: 'AP_ERR_INPUT',
      field: '--values',
      message: /values\.yaml:2/,
    },
    {
      name: 'values that are not a map',
      valuesText: '- a\n',
      nodes: 3,
      add: 1,
      code: 'AP_ERR_INPUT',
      field: '--values',
      message: /not a map/,
    },
    {
      name: '--nodes 0',
      valuesText: 'a: 1\n',
      nodes: 0,
      add: 1,
      code: 'AP_ERR_USAGE',
      field: '--nodes',
      message: /--nodes/,
    },
    {
      name: '--add 0',
      valuesText: 'a: 1\n',
      nodes: 3,
      add: 0,
      code: 'AP_ERR_USAGE',
      field: '--add',
      message: /--add/,
    },
  ]
  for (const row of badRows) {
    it(`refuses ${row.name} with a typed error`, () => {
      let error: unknown
      try {
        planScaleOut({
          valuesText: row.valuesText,
          nodes: row.nodes,
          add: row.add,
          rules: DEFAULT_RULES,
          context,
        })
      } catch (e) {
        error = e
      }
      expect(AutopilotError.is(error) && [error.code, error.field]).toEqual([row.code, row.field])
      expect((error as Error).message).toMatch(row.message)
    })
  }
})
