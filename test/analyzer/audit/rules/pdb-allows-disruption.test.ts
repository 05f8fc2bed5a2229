import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { pdbAllowsDisruption } from '../../../../src/analyzer/audit/rules/pdb-allows-disruption.ts'
import { findingsOf, hpa, pdb, stackOf, strimzi, workload } from '../helpers.ts'

describe('pdb-allows-disruption', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    { name: 'clean: maxUnavailable 1', input: [workload(), pdb('web', 'web')], expected: [] },
    {
      name: 'clean: minAvailable 1 of 3',
      input: [workload({ replicas: 3 }), pdb('web', 'web', 'minAvailable: 1')],
      expected: [],
    },
    {
      name: 'maxUnavailable 0',
      input: [workload(), pdb('web', 'web', 'maxUnavailable: 0')],
      expected: ['maxUnavailable 0'],
    },
    {
      name: 'minAvailable 100%',
      input: [workload(), pdb('web', 'web', 'minAvailable: "100%"')],
      expected: ['minAvailable 100%'],
    },
    {
      name: 'minAvailable equal to replicas',
      input: [workload(), pdb('web', 'web', 'minAvailable: 2')],
      expected: ['runs 2 replica(s)'],
    },
    {
      name: 'minAvailable equal to the HPA minimum (Polaris pdbMinAvailableGreaterThanHPAMinReplicas)',
      input: [workload({ replicas: 5 }), hpa('web', 2, 6), pdb('web', 'web', 'minAvailable: 2')],
      expected: ['runs 2 replica(s)'],
    },
    {
      name: 'no policy at all',
      input: [workload(), pdb('web', 'web', 'unhealthyPodEvictionPolicy: AlwaysAllow')],
      expected: ['neither minAvailable nor maxUnavailable'],
    },
    {
      name: 'Strimzi template maxUnavailable 0, reported once',
      input: [strimzi({ pdbMaxUnavailable: 0 })],
      expected: ["operator's PodDisruptionBudget allows no eviction"],
    },
    { name: 'clean: Strimzi default budget', input: [strimzi()], expected: [] },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(pdbAllowsDisruption, row.input.join('---\n'))
      expect(findings).toHaveLength(row.expected.length)
      row.expected.forEach((text, i) => {
        expect(findings[i]!.message).toContain(text)
      })
    })
  }

  it('fixes by switching to maxUnavailable 1 and dropping minAvailable', () => {
    const { fixes } = runAudit(stackOf(workload(), `---\n${pdb('web', 'web', 'minAvailable: 2')}`), [
      pdbAllowsDisruption,
    ])
    expect(fixes[0]!.actions.map((a) => (a.type === 'set' ? [a.path.join('.'), a.value] : []))).toEqual([
      ['spec.maxUnavailable', 1],
      ['spec.minAvailable', undefined],
    ])
  })
})
