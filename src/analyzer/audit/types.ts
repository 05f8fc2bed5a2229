// The audit rule contract. A rule is one file in rules/, listed once in registry.ts, documented in
// docs/audit-rules.md (a test keeps the three in step).
import type { Json } from './access.ts'
import type { Path } from './kafka-model.ts'
import type { ManifestResource } from './manifest.ts'
import type { Stack } from './model.ts'

export const SEVERITIES = ['info', 'warning', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s)
}

/** Files --fix writes new resources into (`<name>.yaml` in the output folder). */
export type FixFile = 'poddisruptionbudgets' | 'autoscalers'

/**
 * What --fix does about a finding: create a new resource, or set a field of an existing one (written as a
 * patched copy of the original file, comments kept). `value` replaces whatever is at `path`.
 */
export type FixAction =
  | { type: 'create'; file: FixFile; object: Json }
  /** A consumer's autoscaler, either as a KEDA ScaledObject or as an autopilot.yaml scaler (--consumer-scaler). */
  | { type: 'consumer'; scaledObject: Json; autopilotScaler: Json }
  /** One alerting rule; all of them go into one PrometheusRule per namespace. */
  | { type: 'alert'; namespace: string; rule: Json }
  /** `value: undefined` removes the field. */
  | { type: 'set'; resource: ManifestResource; path: Path; value: unknown; note: string }

export interface RuleHit {
  /** null for findings about the whole input (missing alert rules). */
  resource: ManifestResource | null
  /** The field the finding is about; its line is reported. */
  path?: Path
  /** For input problems, which carry their own position. */
  at?: { file: string; line: number }
  /** A label for `resource` when it is not the manifest itself (a node pool of a Kafka CR). */
  label?: string
  message: string
  /** Lower than the rule's own severity when the check could not be completed (info: "cannot verify"). */
  severity?: Severity
  fix?: FixAction[]
}

export interface AuditRule {
  readonly id: string
  readonly severity: Severity
  readonly title: string
  /** Why it matters, in one or two sentences; printed by `--explain` and in docs/audit-rules.md. */
  readonly why: string
  /** The same check in other tools: `kube-score: …`, `Polaris: …`, `kube-linter: …`. */
  readonly equivalent: readonly string[]
  /** What --fix writes for this rule, or null when it is left to a person. */
  readonly fix: string | null
  check(stack: Stack): RuleHit[]
}

export interface Finding {
  rule: string
  severity: Severity
  resource: string
  message: string
  equivalent: string[]
  file?: string
  line?: number
  /** The chart template the resource came from, for `helm template` output (its `# Source:` comment). */
  template?: string
  fixable: boolean
}
