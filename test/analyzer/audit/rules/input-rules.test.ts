import { describe, expect, it } from 'vitest'
import { inputInvalidResource } from '../../../../src/analyzer/audit/rules/input-invalid-resource.ts'
import { inputInvalidYaml } from '../../../../src/analyzer/audit/rules/input-invalid-yaml.ts'
import { inputUnknownKind } from '../../../../src/analyzer/audit/rules/input-unknown-kind.ts'
import { findingsOf, workload } from '../helpers.ts'

describe('input rules', () => {
  const rows = [
    {
      name: 'clean input',
      rule: inputInvalidYaml,
      input: workload(),
      expected: [] as Array<[string, number, string]>,
    },
    {
      name: 'malformed YAML',
      rule: inputInvalidYaml,
      input: 'a: [1, 2\n',
      expected: [['critical', 2, 'in0.yaml']],
    },
    {
      name: 'Deployment without pod template',
      rule: inputInvalidResource,
      input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 2}\n',
      expected: [['warning', 1, 'missing spec.template.spec']],
    },
    {
      name: 'HPA without maxReplicas',
      rule: inputInvalidResource,
      input:
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\nspec: {scaleTargetRef: {name: x}}\n',
      expected: [['warning', 1, 'missing spec.maxReplicas']],
    },
    {
      name: 'unknown kind',
      rule: inputUnknownKind,
      input: 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g}\n',
      expected: [['info', 1, 'unknown kind Gizmo']],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(row.rule, row.input)
      expect(findings.map((f) => [f.severity, f.line, f.file])).toEqual(
        row.expected.map(([s, l]) => [s, l, 'in0.yaml']),
      )
      row.expected.forEach(([, , text], i) => {
        if (text !== 'in0.yaml') expect(findings[i]!.message).toContain(text)
      })
    })
  }
})
