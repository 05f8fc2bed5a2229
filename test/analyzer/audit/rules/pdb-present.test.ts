import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { pdbPresent } from '../../../../src/analyzer/audit/rules/pdb-present.ts'
import { findingsOf, hpa, pdb, stackOf, workload } from '../helpers.ts'

describe('pdb-present', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    { name: 'clean: 2 replicas with a matching PDB', input: [workload(), pdb('web', 'web')], expected: [] },
    { name: 'clean: a single replica needs none', input: [workload({ replicas: 1 })], expected: [] },
    { name: '2 replicas, no PDB', input: [workload()], expected: ['Deployment web runs up to 2 replicas'] },
    {
      name: 'a PDB selecting other pods does not count',
      input: [workload(), pdb('other', 'api')],
      expected: ['no PodDisruptionBudget'],
    },
    {
      name: '1 replica but an HPA up to 4',
      input: [workload({ replicas: 1 }), hpa('web', 1, 4)],
      expected: ['runs up to 4 replicas'],
    },
    {
      name: 'StatefulSets count too',
      input: [workload({ kind: 'StatefulSet', replicas: 3, volumeClaim: true })],
      expected: ['StatefulSet web runs up to 3 replicas'],
    },
    {
      name: 'Koperator without disruptionBudget',
      input: [
        'apiVersion: kafka.banzaicloud.io/v1beta1\nkind: KafkaCluster\nmetadata: {name: kc}\nspec:\n  brokers: [{id: 0}, {id: 1}, {id: 2}]\n',
      ],
      expected: ['does not ask Koperator for a PodDisruptionBudget'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(pdbPresent, row.input.join('---\n'))
      expect(findings).toHaveLength(row.expected.length)
      row.expected.forEach((text, i) => {
        expect(findings[i]!.message).toContain(text)
      })
    })
  }

  it('writes a maxUnavailable 1 budget selecting the workload pods, in its namespace', () => {
    const { fixes } = runAudit(stackOf(workload({ namespace: 'shop' })), [pdbPresent])
    expect(fixes[0]!.actions).toEqual([
      {
        type: 'create',
        file: 'poddisruptionbudgets',
        object: {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: {
            name: 'web',
            namespace: 'shop',
            labels: { 'app.kubernetes.io/managed-by': 'kafka-autopilot' },
          },
          spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
        },
      },
    ])
  })
})
