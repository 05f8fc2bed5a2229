import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { autoscalerBounds } from '../../../../src/analyzer/audit/rules/autoscaler-bounds.ts'
import { findingsOf, hpa, stackOf, workload } from '../helpers.ts'

const scaledObject = (min: number, max: number) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: worker }
spec:
  scaleTargetRef: { name: worker }
  minReplicaCount: ${min}
  maxReplicaCount: ${max}
  triggers: [{ type: kafka, metadata: { consumerGroup: g, topic: t, lagThreshold: "50" } }]
`
const consumer = workload({ name: 'worker', env: { KAFKA_GROUP_ID: 'g' } })

describe('autoscaler-bounds', () => {
  const rows: Array<{ name: string; input: string[]; expected: Array<[string, string]> }> = [
    { name: 'clean: HPA 2..6', input: [workload(), hpa('web', 2, 6)], expected: [] },
    {
      name: 'HPA min 1',
      input: [workload(), hpa('web', 1, 6)],
      expected: [['warning', 'minReplicas 1 leaves a single pod']],
    },
    {
      name: 'HPA max equal to min',
      input: [workload(), hpa('web', 3, 3)],
      expected: [['warning', 'maxReplicas 3 is not above minReplicas 3']],
    },
    {
      name: 'clean: consumer ScaledObject may go down to 0',
      input: [consumer, scaledObject(0, 6)],
      expected: [],
    },
    { name: 'clean: consumer HPA with min 1', input: [consumer, hpa('worker', 1, 6)], expected: [] },
    {
      name: 'ScaledObject max not above min',
      input: [consumer, scaledObject(2, 2)],
      expected: [['warning', 'maxReplicaCount 2 is not above']],
    },
    {
      name: 'target not in the input: info',
      input: [hpa('ghost', 2, 6)],
      expected: [['info', 'which is not in the input']],
    },
    {
      name: 'an autopilot.yaml scaler with max not above min',
      input: [
        consumer,
        'scalers:\n  - name: w\n    target: { type: kubernetes, name: worker }\n    minReplicaCount: 3\n    maxReplicaCount: 3\n',
      ],
      expected: [['warning', 'in0.yaml scalers[0]: maxReplicaCount 3 is not above minReplicaCount 3']],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(autoscalerBounds, row.input.join('---\n'))
      expect(findings.map((f) => [f.severity, f.message])).toEqual(
        row.expected.map(([s, m]) => [s, expect.stringContaining(m)]),
      )
    })
  }

  it('fixes min to 2 and max to 3× min', () => {
    const { fixes } = runAudit(stackOf(workload(), `---\n${hpa('web', 1, 1)}`), [autoscalerBounds])
    expect(fixes[0]!.actions.map((a) => (a.type === 'set' ? [a.path.join('.'), a.value] : []))).toEqual([
      ['spec.minReplicas', 2],
      ['spec.maxReplicas', 6],
    ])
  })
})
