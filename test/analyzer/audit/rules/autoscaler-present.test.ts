import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { autoscalerPresent } from '../../../../src/analyzer/audit/rules/autoscaler-present.ts'
import { findingsOf, hpa, kafkaTopic, stackOf, strimzi, workload } from '../helpers.ts'

const consumer = workload({ name: 'worker', env: { KAFKA_GROUP_ID: 'billing', KAFKA_TOPIC: 'orders' } })

describe('autoscaler-present', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    { name: 'clean: HPA targets the Deployment', input: [workload(), hpa('web', 2, 6)], expected: [] },
    {
      name: 'stateless Deployment without autoscaler',
      input: [workload()],
      expected: ['stateless Deployment web has no HPA'],
    },
    {
      name: 'consumer without autoscaler',
      input: [consumer],
      expected: ['Kafka consumer Deployment worker has no ScaledObject'],
    },
    {
      name: 'clean: a consumer scaled by Autopilot (autopilot.yaml)',
      input: [
        consumer,
        'scalers:\n  - name: w\n    target: { type: kubernetes, name: worker }\n    trigger: { type: kafka, metadata: { consumerGroup: billing } }\n',
      ],
      expected: [],
    },
    {
      name: 'an autopilot.yaml scaler in another namespace does not count',
      input: [
        workload({ name: 'worker', namespace: 'shop', env: { KAFKA_GROUP_ID: 'g' } }),
        'scalers:\n  - name: w\n    target: { type: kubernetes, name: worker, namespace: other }\n',
      ],
      expected: ['Kafka consumer Deployment worker'],
    },
    {
      name: 'clean: database Deployment is exempt',
      input: [workload({ image: 'postgres:16' })],
      expected: [],
    },
    { name: 'clean: cache Deployment is exempt', input: [workload({ image: 'redis:7' })], expected: [] },
    {
      name: 'clean: StatefulSets are exempt',
      input: [workload({ kind: 'StatefulSet', volumeClaim: true })],
      expected: [],
    },
    { name: 'clean: replicas 0 (switched off)', input: [workload({ replicas: 0 })], expected: [] },
    {
      name: 'clean: silenced with the audit-ignore annotation',
      input: [workload({ annotations: { 'kafka-autopilot/audit-ignore': 'autoscaler-present' } })],
      expected: [],
    },
    {
      name: 'an HPA for another kind does not count',
      input: [
        workload({ kind: 'StatefulSet', volumeClaim: true }),
        workload({ name: 'web2' }),
        hpa('web2', 2, 6, 'StatefulSet'),
      ],
      expected: ['Deployment web2 has no HPA'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(autoscalerPresent, row.input.join('---\n'))
      expect(findings.map((f) => f.message)).toEqual(row.expected.map((e) => expect.stringContaining(e)))
    })
  }

  it('writes a CPU HPA with min 2 and max 3× min for a stateless Deployment', () => {
    const { fixes } = runAudit(stackOf(workload({ replicas: 3 })), [autoscalerPresent])
    expect(fixes[0]!.actions[0]).toMatchObject({
      type: 'create',
      object: {
        kind: 'HorizontalPodAutoscaler',
        spec: { minReplicas: 3, maxReplicas: 9, scaleTargetRef: { kind: 'Deployment', name: 'web' } },
      },
    })
  })

  it('writes a KEDA ScaledObject for a consumer: max = partitions, bootstrap from the Strimzi cluster', () => {
    const { fixes } = runAudit(stackOf(strimzi(), `---\n${kafkaTopic('orders', 12)}---\n${consumer}`), [
      autoscalerPresent,
    ])
    expect(fixes[0]!.actions[0]).toMatchObject({
      type: 'consumer',
      scaledObject: {
        kind: 'ScaledObject',
        spec: {
          minReplicaCount: 1,
          maxReplicaCount: 12,
          triggers: [
            {
              type: 'kafka',
              metadata: {
                bootstrapServers: 'events-kafka-bootstrap:9092',
                consumerGroup: 'billing',
                topic: 'orders',
                lagThreshold: '100',
              },
            },
          ],
        },
      },
    })
    expect(fixes[0]!.actions[0]).toMatchObject({
      autopilotScaler: {
        name: 'worker',
        target: { type: 'kubernetes', name: 'worker' },
        maxReplicaCount: 12,
        policy: { type: 'lag' },
      },
    })
  })
})
