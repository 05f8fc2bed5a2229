// Runs the registered rules over a stack: findings (sorted, most severe first) and the fixes they propose.
import { get, stringMap } from './access.ts'
import { lineOf, resourceLabel } from './manifest.ts'
import type { Stack } from './model.ts'
import { RULES } from './registry.ts'
import { type AuditRule, type Finding, type FixAction, type Severity, severityRank } from './types.ts'

/** `kafka-autopilot/audit-ignore: "rule-a, rule-b"` (or `"*"`) on a resource silences those rules for it. */
export const IGNORE_ANNOTATION = 'kafka-autopilot/audit-ignore'

export interface AuditResult {
  findings: Finding[]
  /** One entry per finding that --fix can address, in finding order. */
  fixes: Array<{ finding: Finding; actions: FixAction[] }>
}

export function runAudit(stack: Stack, rules: readonly AuditRule[] = RULES): AuditResult {
  const entries: Array<{ finding: Finding; actions: FixAction[] }> = []
  for (const rule of rules) {
    for (const hit of rule.check(stack)) {
      if (hit.resource !== null && ignored(hit.resource.object, rule.id)) continue
      const position =
        hit.at ??
        (hit.resource ? { file: hit.resource.file, line: lineOf(hit.resource, hit.path ?? []) } : undefined)
      const severity: Severity =
        hit.severity !== undefined && severityRank(hit.severity) < severityRank(rule.severity)
          ? hit.severity
          : rule.severity
      const actions = hit.fix ?? []
      const finding: Finding = {
        rule: rule.id,
        severity,
        resource: hit.label ?? (hit.resource ? resourceLabel(hit.resource) : 'stack'),
        message: hit.message,
        equivalent: [...rule.equivalent],
        ...(position ? { file: position.file, line: position.line } : {}),
        ...(hit.resource?.helmSource ? { template: hit.resource.helmSource } : {}),
        fixable: actions.length > 0,
      }
      entries.push({ finding, actions })
    }
  }
  entries.sort((a, b) => compareFindings(a.finding, b.finding))
  return { findings: entries.map((e) => e.finding), fixes: entries.filter((e) => e.actions.length > 0) }
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    a.resource.localeCompare(b.resource) ||
    a.message.localeCompare(b.message)
  )
}

function ignored(object: unknown, ruleId: string): boolean {
  const value = stringMap(get(object, ['metadata', 'annotations']))[IGNORE_ANNOTATION]
  if (value === undefined) return false
  const ids = value.split(',').map((s) => s.trim())
  return ids.includes('*') || ids.includes(ruleId)
}

/** Findings at or above `min`. */
export function atOrAbove(findings: readonly Finding[], min: Severity): Finding[] {
  return findings.filter((f) => severityRank(f.severity) >= severityRank(min))
}
