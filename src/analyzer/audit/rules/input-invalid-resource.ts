import type { AuditRule } from '../types.ts'

export const inputInvalidResource: AuditRule = {
  id: 'input-invalid-resource',
  severity: 'warning',
  title: 'Every document is a complete Kubernetes resource',
  why:
    'A document without apiVersion, kind or metadata.name, or a workload without a pod template, cannot be ' +
    'applied and is skipped by every other rule, so its gaps would go unreported.',
  equivalent: [],
  fix: null,
  check(stack) {
    return stack.problems
      .filter((p) => p.type === 'invalid-resource')
      .map((p) => ({
        resource: null,
        at: { file: p.file, line: p.line },
        ...(p.resource ? { label: p.resource } : {}),
        message: p.message,
      }))
  },
}
