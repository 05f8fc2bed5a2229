import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { consumerReplicasWithinPartitions } from '../../../../src/analyzer/audit/rules/consumer-replicas-within-partitions.ts'
import { findingsOf, hpa, kafkaTopic, stackOf, workload } from '../helpers.ts'

const consumer = (replicas: number, topic = 'orders') =>
  workload({ name: 'worker', replicas, env: { KAFKA_CONSUMER_GROUP: 'billing', KAFKA_TOPICS: topic } })
const keda = (max: number, allowIdle: boolean) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: worker }
spec:
  scaleTargetRef: { name: worker }
  maxReplicaCount: ${max}
  triggers: [{ type: kafka, metadata: { consumerGroup: billing, topic: orders, allowIdleConsumers: "${allowIdle}" } }]
`

describe('consumer-replicas-within-partitions', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    {
      name: 'clean: 3 replicas for 6 partitions',
      input: [consumer(3), kafkaTopic('orders', 6)],
      expected: [],
    },
    {
      name: '8 replicas for 6 partitions',
      input: [consumer(8), kafkaTopic('orders', 6)],
      expected: ['runs 8 consumers for 6 partition(s) of orders'],
    },
    { name: 'clean: partitions unknown', input: [consumer(8)], expected: [] },
    {
      name: 'two topics: the sum of their partitions',
      input: [consumer(8, 'orders,refunds'), kafkaTopic('orders', 6), kafkaTopic('refunds', 3)],
      expected: [],
    },
    {
      name: 'HPA max above partitions',
      input: [consumer(2), hpa('worker', 2, 10), kafkaTopic('orders', 6)],
      expected: ['may run 10 consumers'],
    },
    {
      name: 'clean: KEDA caps at partitions by itself',
      input: [consumer(2), keda(20, false), kafkaTopic('orders', 6)],
      expected: [],
    },
    {
      name: 'KEDA with allowIdleConsumers',
      input: [consumer(2), keda(20, true), kafkaTopic('orders', 6)],
      expected: ['may run 20 consumers'],
    },
    {
      name: 'consumer found through the ScaledObject trigger alone',
      input: [workload({ name: 'worker', replicas: 2 }), keda(20, true), kafkaTopic('orders', 6)],
      expected: ['may run 20 consumers'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(consumerReplicasWithinPartitions, row.input.join('---\n'))
      expect(findings.map((f) => f.message)).toEqual(row.expected.map((e) => expect.stringContaining(e)))
    })
  }

  it('fixes static replicas down to the partition count', () => {
    const { fixes } = runAudit(stackOf(consumer(8), `---\n${kafkaTopic('orders', 6)}`), [
      consumerReplicasWithinPartitions,
    ])
    expect(fixes[0]!.actions).toMatchObject([{ type: 'set', path: ['spec', 'replicas'], value: 6 }])
  })
})
