// Kubernetes label selectors (matchLabels + matchExpressions), as the API server evaluates them.
import { asArray, asRecord, asString, stringMap } from './access.ts'

export interface LabelSelector {
  matchLabels: Record<string, string>
  matchExpressions: Array<{ key: string; operator: string; values: string[] }>
}

export function readSelector(value: unknown): LabelSelector | undefined {
  const record = asRecord(value)
  if (record === undefined) return undefined
  const matchExpressions = asArray(record.matchExpressions).flatMap((e) => {
    const expr = asRecord(e)
    const key = asString(expr?.key)
    const operator = asString(expr?.operator)
    if (key === undefined || operator === undefined) return []
    return [{ key, operator, values: asArray(expr?.values).map(String) }]
  })
  return { matchLabels: stringMap(record.matchLabels), matchExpressions }
}

/** An empty selector selects nothing here: a PDB or spread rule with `{}` protects no pod we can name. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const terms = Object.keys(selector.matchLabels).length + selector.matchExpressions.length
  if (terms === 0) return false
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false
  for (const e of selector.matchExpressions) {
    const has = Object.hasOwn(labels, e.key)
    const value = labels[e.key]
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(value!)) return false
        break
      case 'NotIn':
        if (has && e.values.includes(value!)) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return true
}

/** A Service-style selector (a plain map): every entry must match. */
export function mapSelects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector)
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v)
}

/** Namespaces match when equal, or when either manifest leaves it unset (applied with `-n`). */
export function sameNamespace(a: string, b: string): boolean {
  return a === b || a === '' || b === ''
}
