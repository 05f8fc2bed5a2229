import type { AuditRule } from '../types.ts'

export const inputUnknownKind: AuditRule = {
  id: 'input-unknown-kind',
  severity: 'info',
  title: 'Kinds the audit does not know',
  why: 'Resources of kinds the audit does not model are listed so that nothing is skipped silently.',
  equivalent: [],
  fix: null,
  check(stack) {
    return stack.problems
      .filter((p) => p.type === 'unknown-kind')
      .map((p) => ({
        resource: null,
        at: { file: p.file, line: p.line },
        ...(p.resource ? { label: p.resource } : {}),
        message: p.message,
      }))
  },
}
