import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { kafkaBrokerCount } from '../../../../src/analyzer/audit/rules/kafka-broker-count.ts'
import { findingsOf, stackOf, strimzi, workload } from '../helpers.ts'

describe('kafka-broker-count', () => {
  const koperator = (brokers: number) => `apiVersion: kafka.banzaicloud.io/v1beta1
kind: KafkaCluster
metadata: { name: kc }
spec:
  zkAddresses: [zk:2181]
  brokers:
${Array.from({ length: brokers }, (_, i) => `    - id: ${i}\n      brokerConfigGroup: default`).join('\n')}
`
  const rows: Array<{ name: string; input: string[]; expected: Array<[string, string]> }> = [
    { name: 'clean: Strimzi with 3 brokers', input: [strimzi()], expected: [] },
    {
      name: 'Strimzi node pool with 1 broker',
      input: [strimzi({ brokers: 1 })],
      expected: [['critical', '1 broker(s)']],
    },
    { name: 'clean: Koperator with 3 brokers', input: [koperator(3)], expected: [] },
    { name: 'Koperator with 2 brokers', input: [koperator(2)], expected: [['critical', '2 broker(s)']] },
    {
      name: 'plain StatefulSet running a Kafka image',
      input: [workload({ name: 'kafka', kind: 'StatefulSet', image: 'bitnami/kafka:3.9', replicas: 1 })],
      expected: [['critical', '1 broker(s)']],
    },
    {
      name: 'node pools enabled but none in the input: info, cannot verify',
      input: [strimzi().split('---')[0]!],
      expected: [['info', 'cannot count']],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(kafkaBrokerCount, ...row.input)
      expect(findings.map((f) => f.severity)).toEqual(row.expected.map(([s]) => s))
      row.expected.forEach(([, text], i) => {
        expect(findings[i]!.message).toContain(text)
      })
    })
  }

  it('points at the node pool replicas line and fixes Strimzi by raising the pool', () => {
    const stack = stackOf(strimzi({ brokers: 1 }))
    const { findings, fixes } = runAudit(stack, [kafkaBrokerCount])
    expect(findings[0]).toMatchObject({ file: 'in0.yaml', resource: 'KafkaNodePool/brokers' })
    expect(findings[0]!.line).toBeGreaterThan(10)
    expect(fixes[0]!.actions).toMatchObject([{ type: 'set', path: ['spec', 'replicas'], value: 3 }])
  })
})
