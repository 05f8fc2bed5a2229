import type { AuditRule } from '../types.ts'

export const inputInvalidYaml: AuditRule = {
  id: 'input-invalid-yaml',
  severity: 'critical',
  title: 'Every file is valid YAML',
  why: 'A document that does not parse is not audited, and kubectl or Helm would reject it too.',
  equivalent: [],
  fix: null,
  check(stack) {
    return stack.problems
      .filter((p) => p.type === 'invalid-yaml')
      .map((p) => ({ resource: null, at: { file: p.file, line: p.line }, message: p.message }))
  },
}
