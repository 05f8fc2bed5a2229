import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { alertRulesCoverage } from '../../../../src/analyzer/audit/rules/alert-rules-coverage.ts'
import { findingsOf, stackOf, strimzi, workload } from '../helpers.ts'

const rule = (alert: string, expr: string) => `    - alert: ${alert}\n      expr: '${expr}'\n`
const prometheusRule = (...rules: string[]) => `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: r }
spec:
  groups:
  - name: g
    rules:
${rules.join('')}`
const all = prometheusRule(
  rule('A', 'kube_pod_status_ready{condition="false"} > 0'),
  rule('B', 'kafka_brokers < 3'),
  rule('C', 'kafka_server_replicamanager_underreplicatedpartitions_value > 0'),
  rule('D', 'sum(kafka_consumergroup_lag) > 100'),
)

describe('alert-rules-coverage', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    { name: 'clean: all four covered', input: [strimzi(), all], expected: [] },
    {
      name: 'Kafka and no rules: all four missing',
      input: [strimzi()],
      expected: [
        'a Kafka broker down',
        'consumer-group lag',
        'pods not ready',
        'under-replicated partitions',
      ],
    },
    { name: 'stateless app only: pods', input: [workload()], expected: ['pods not ready'] },
    {
      name: 'consumer only: pods and lag',
      input: [workload({ env: { KAFKA_GROUP_ID: 'g' } })],
      expected: ['consumer-group lag', 'pods not ready'],
    },
    {
      name: 'a plain Prometheus rule file counts; lag in seconds counts',
      input: [
        workload({ env: { KAFKA_GROUP_ID: 'g' } }),
        'groups:\n  - name: g\n    rules:\n' +
          rule('A', 'kube_deployment_status_replicas_unavailable > 0')
            .replaceAll('    -', '      -')
            .replaceAll('      expr', '        expr') +
          rule('L', 'kafka_consumergroup_group_lag_seconds > 60')
            .replaceAll('    -', '      -')
            .replaceAll('      expr', '        expr'),
      ],
      expected: [],
    },
    {
      name: 'clean: nothing to watch',
      input: ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n'],
      expected: [],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(alertRulesCoverage, row.input.join('---\n'))
      expect(findings.map((f) => f.message)).toEqual(row.expected.map((e) => expect.stringContaining(e)))
      for (const f of findings) expect(f.resource).toBe('stack')
    })
  }

  it('fixes with the broker alert Autopilot acts on: command upScale, URP > 0 for 30s', () => {
    const { fixes } = runAudit(stackOf(strimzi()), [alertRulesCoverage])
    const urp = fixes
      .flatMap((f) => f.actions)
      .find((a) => a.type === 'alert' && a.rule.alert === 'BrokerUnderReplicated')
    expect(urp).toMatchObject({
      rule: {
        expr: 'kafka_server_replicamanager_underreplicatedpartitions_value > 0',
        for: '30s',
        annotations: { command: 'upScale' },
        labels: { kafka_cr: 'events' },
      },
    })
  })
})
