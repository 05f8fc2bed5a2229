import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { spreadAcrossNodes } from '../../../../src/analyzer/audit/rules/spread-across-nodes.ts'
import { findingsOf, stackOf, strimzi, workload } from '../helpers.ts'

const zoneOnly = workload({ spread: false }).replace(
  '    spec:\n',
  '    spec:\n      topologySpreadConstraints:\n        - { maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway }\n',
)
const antiAffinity = workload({ spread: false }).replace(
  '    spec:\n',
  '    spec:\n      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n            - weight: 50\n              podAffinityTerm: { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: web } } }\n',
)

describe('spread-across-nodes', () => {
  const rows: Array<{ name: string; input: string; expected: string[] }> = [
    { name: 'clean: topology spread on hostname', input: workload(), expected: [] },
    { name: 'clean: preferred anti-affinity on hostname', input: antiAffinity, expected: [] },
    { name: 'clean: single replica', input: workload({ replicas: 1, spread: false }), expected: [] },
    {
      name: 'no spread at all',
      input: workload({ spread: false }),
      expected: ['Deployment web (up to 2 replicas)'],
    },
    {
      name: 'zone spread only does not keep pods off one node',
      input: zoneOnly,
      expected: ['no anti-affinity'],
    },
    { name: 'clean: Strimzi pools with anti-affinity', input: strimzi(), expected: [] },
    {
      name: 'Strimzi pools without it',
      input: strimzi({ spread: false }),
      expected: ['KafkaNodePool/brokers', 'KafkaNodePool/controllers'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(spreadAcrossNodes, row.input)
      expect(findings).toHaveLength(row.expected.length)
      row.expected.forEach((text, i) => {
        expect(findings[i]!.message).toContain(text)
      })
    })
  }

  it('fixes with a preferred hostname anti-affinity term on the selector labels', () => {
    const { fixes } = runAudit(stackOf(workload({ spread: false })), [spreadAcrossNodes])
    expect(fixes[0]!.actions).toMatchObject([
      {
        type: 'set',
        path: [
          'spec',
          'template',
          'spec',
          'affinity',
          'podAntiAffinity',
          'preferredDuringSchedulingIgnoredDuringExecution',
        ],
        value: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { app: 'web' } },
            },
          },
        ],
      },
    ])
  })
})
