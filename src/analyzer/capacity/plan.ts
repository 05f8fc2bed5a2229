// `autopilot plan scale-out` as a pure function: values text, node counts, rules (and the live topics) in;
// new values text, changes, warnings, diff and runbook out.
import { isMap, LineCounter, parseDocument } from 'yaml'
import { AutopilotError } from '../../errors.ts'
import { applyYamlEdits, type YamlEdit } from '../yaml/edit.ts'
import { inPlaceDiff } from './diff.ts'
import { type LiveTopic, type PartitionChange, planPartitions } from './partitions.ts'
import { planReplicas, type ReplicaChange } from './replicas.ts'
import type { ScaleRules } from './rules.ts'
import { buildRunbook, type RunbookContext, type RunbookStep } from './runbook.ts'
import { scanScalars } from './values-scan.ts'

export interface ScaleOutInput {
  valuesText: string
  nodes: number
  add: number
  rules: ScaleRules
  /** Expected volume multiplier for partitions; default (N+M)/N. */
  volumeGrowth?: number
  liveTopics?: readonly LiveTopic[]
  context: RunbookContext
}

export interface ScaleOutPlan {
  nodes: number
  add: number
  /** (N+M)/N as a fraction, to avoid rounding surprises in printouts. */
  factor: { numerator: number; denominator: number }
  volumeGrowth: number
  replicas: ReplicaChange[]
  partitions: PartitionChange[]
  warnings: string[]
  /** The new values file: the input with only the changed numbers replaced. */
  values: string
  diff: string
  runbook: RunbookStep[]
}

export function planScaleOut(input: ScaleOutInput): ScaleOutPlan {
  const { nodes, add, rules, context } = input
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new AutopilotError('AP_ERR_USAGE', '--nodes must be a whole number ≥ 1', { field: '--nodes' })
  if (!Number.isInteger(add) || add < 1)
    throw new AutopilotError('AP_ERR_USAGE', '--add must be a whole number ≥ 1', { field: '--add' })
  const growth = input.volumeGrowth ?? (nodes + add) / nodes
  if (!(growth > 0) || !Number.isFinite(growth)) {
    throw new AutopilotError('AP_ERR_USAGE', '--volume-growth must be a positive number', {
      field: '--volume-growth',
    })
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(input.valuesText, { lineCounter, prettyErrors: true, uniqueKeys: true })
  const yamlError = doc.errors[0]
  if (yamlError !== undefined) {
    const line = yamlError.linePos?.[0].line ?? 1
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `${context.valuesFile}:${line}: ${yamlError.message.split('\n')[0]}`,
      { field: '--values' },
    )
  }
  if (!isMap(doc.contents)) {
    throw new AutopilotError('AP_ERR_INPUT', `${context.valuesFile} is not a map of Helm values`, {
      field: '--values',
    })
  }
  const fields = scanScalars(doc, lineCounter)
  const replicas = planReplicas(fields, rules, nodes, add)
  const partitions = planPartitions(fields, input.liveTopics, rules, growth)

  const edits: YamlEdit[] = [
    ...replicas.changes
      .filter((c) => c.to !== c.from)
      .map((c) => ({ docIndex: 0, path: c.pathSegments, value: c.to })),
    ...partitions.changes
      .filter((p) => p.pathSegments !== undefined && p.to !== p.valuesCount)
      .map((p) => ({ docIndex: 0, path: p.pathSegments!, value: p.to })),
  ]
  const values = applyYamlEdits(input.valuesText, edits)
  const keys = new Set(fields.flatMap((f) => f.segments.map((s) => s.toLowerCase())))
  const divisor = gcd(nodes + add, nodes)
  return {
    nodes,
    add,
    factor: { numerator: (nodes + add) / divisor, denominator: nodes / divisor },
    volumeGrowth: growth,
    replicas: replicas.changes,
    partitions: partitions.changes,
    warnings: [...replicas.warnings, ...partitions.warnings],
    values,
    diff: inPlaceDiff(input.valuesText, values, context.valuesFile, context.outFile ?? 'new values'),
    runbook: buildRunbook({
      nodes,
      add,
      replicas: replicas.changes,
      partitions: partitions.changes,
      keys,
      rules,
      context,
    }),
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
