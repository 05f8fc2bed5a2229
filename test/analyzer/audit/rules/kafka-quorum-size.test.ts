import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { kafkaQuorumSize } from '../../../../src/analyzer/audit/rules/kafka-quorum-size.ts'
import { findingsOf, stackOf, strimzi, workload } from '../helpers.ts'

const zkCluster = (zk: number) => `apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: { name: old }
spec:
  kafka: { replicas: 3, storage: { type: persistent-claim, size: 1Gi } }
  zookeeper: { replicas: ${zk}, storage: { type: persistent-claim, size: 1Gi } }
`

describe('kafka-quorum-size', () => {
  const rows: Array<{ name: string; input: string[]; expected: Array<[string, string]> }> = [
    { name: 'clean: 3 KRaft controllers', input: [strimzi()], expected: [] },
    { name: 'clean: 5 KRaft controllers', input: [strimzi({ controllers: 5 })], expected: [] },
    {
      name: '1 KRaft controller',
      input: [strimzi({ controllers: 1 })],
      expected: [['critical', '1 KRaft controllers']],
    },
    {
      name: 'even count of controllers',
      input: [strimzi({ controllers: 4 })],
      expected: [['critical', 'odd number (3 or 5)']],
    },
    { name: 'clean: 3 ZooKeeper nodes', input: [zkCluster(3)], expected: [] },
    { name: '1 ZooKeeper node', input: [zkCluster(1)], expected: [['critical', '1 ZooKeeper nodes']] },
    {
      name: 'Kafka StatefulSet with a ZooKeeper StatefulSet of 1',
      input: [
        workload({ name: 'kafka', kind: 'StatefulSet', image: 'confluentinc/cp-kafka:7.7.0', replicas: 3 }),
        `---\n${workload({ name: 'zk', kind: 'StatefulSet', image: 'zookeeper:3.9', replicas: 1 })}`,
      ],
      expected: [['critical', '1 ZooKeeper nodes']],
    },
    {
      name: 'Kafka StatefulSet with no quorum in sight: info',
      input: [workload({ name: 'kafka', kind: 'StatefulSet', image: 'apache/kafka:4.1.0', replicas: 3 })],
      expected: [['info', 'cannot count the controllers']],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(kafkaQuorumSize, row.input.join('\n---\n'))
      expect(findings.map((f) => f.severity)).toEqual(row.expected.map(([s]) => s))
      row.expected.forEach(([, text], i) => {
        expect(findings[i]!.message).toContain(text)
      })
    })
  }

  it('fixes a single controller pool by raising it to 3; ZooKeeper by spec.zookeeper.replicas', () => {
    expect(runAudit(stackOf(strimzi({ controllers: 1 })), [kafkaQuorumSize]).fixes[0]!.actions).toMatchObject(
      [{ type: 'set', path: ['spec', 'replicas'], value: 3 }],
    )
    expect(runAudit(stackOf(zkCluster(1)), [kafkaQuorumSize]).fixes[0]!.actions).toMatchObject([
      { type: 'set', path: ['spec', 'zookeeper', 'replicas'], value: 3 },
    ])
  })
})
