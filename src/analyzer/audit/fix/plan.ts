// --fix as a pure function: input files in, output files out. Fixes are applied in rounds, because one fix
// can create the need for another (a new HPA with minReplicas 2 makes the workload multi-replica, which then
// needs a PodDisruptionBudget). Each round re-audits originals + patched copies + generated files, merged in
// that order (later definitions win, as with `kubectl apply -f originals -f fixes`), until nothing fixable
// is left.
import { stringify } from 'yaml'
import { applyYamlEdits } from '../../yaml/edit.ts'
import { asRecord, type Json } from '../access.ts'
import { runAudit } from '../engine.ts'
import { mergeManifests, parseManifests } from '../manifest.ts'
import { buildStack } from '../model.ts'
import { RULES } from '../registry.ts'
import type { AuditRule, Finding, FixAction, FixFile } from '../types.ts'
import { prometheusRule } from './objects.ts'

export interface FixInputFile {
  /** Where the file was read from; used in findings. */
  path: string
  text: string
  /** Name of its patched copy, relative to the output folder's `patched/`. */
  outName: string
}

export interface FixOutputFile {
  /** Relative to the output folder. */
  name: string
  text: string
  kind: 'generated' | 'patched'
}

export interface FixPlan {
  files: FixOutputFile[]
  /** Findings a fix was written for, across all rounds. */
  applied: Finding[]
  /** Findings of the final audit of originals + output; what is left for a person. */
  remaining: Finding[]
}

const MAX_ROUNDS = 5
const GENERATED_HEADER =
  '# Written by `autopilot audit --fix`. Review, then apply after the original manifests\n' +
  '# (kubectl apply -f <originals> -f <this folder>): later definitions replace earlier ones.\n'

const AUTOPILOT_HEADER =
  '# Written by `autopilot audit --fix --consumer-scaler autopilot`: Autopilot scalers for the consumers.\n' +
  '# Merge into your autopilot.yaml and check it with `autopilot validate`.\n'

export interface FixOptions {
  /** How consumers get autoscaled: a KEDA ScaledObject (default) or a scaler in autopilot.yaml. */
  consumerScaler?: 'keda' | 'autopilot'
  rules?: readonly AuditRule[]
}

export function planFixes(
  inputs: readonly FixInputFile[],
  outDir: string,
  options: FixOptions = {},
): FixPlan {
  const rules = options.rules ?? RULES
  const patched = new Map<string, string>() // original path → patched text
  const created = new Map<string, { file: FixFile; object: Json }>()
  const alerts = new Map<string, Map<string, Json>>() // namespace → alert name → rule
  const scalers = new Map<string, Json>() // autopilot.yaml scalers by name
  const applied: Finding[] = []
  const patchedPath = (original: string) =>
    `${outDir}/patched/${inputs.find((i) => i.path === original)!.outName}`
  let remaining: Finding[] = []

  for (let round = 0; ; round++) {
    const generated = renderGenerated(created, alerts, scalers)
    const sets = [
      ...inputs.map((i) => parseManifests(i.text, i.path)),
      ...[...patched].map(([original, text]) => parseManifests(text, patchedPath(original))),
      ...generated.map((g) => parseManifests(g.text, `${outDir}/${g.name}`)),
    ]
    const merged = mergeManifests(sets)
    const result = runAudit(buildStack(merged.resources, merged.problems), rules)
    remaining = result.findings
    if (result.fixes.length === 0 || round === MAX_ROUNDS) break
    let progressed = false
    for (const { finding, actions } of result.fixes) {
      for (const action of actions) progressed = apply(action) || progressed
      applied.push(finding)
    }
    if (!progressed) break
  }
  const files: FixOutputFile[] = [
    ...renderGenerated(created, alerts, scalers).map((g) => ({ ...g, kind: 'generated' as const })),
    ...[...patched]
      .map(([original, text]) => ({
        name: `patched/${inputs.find((i) => i.path === original)!.outName}`,
        text,
        kind: 'patched' as const,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  ]
  return { files, applied, remaining }

  /** Applies one action; false when it changed nothing (already applied). */
  function apply(action: FixAction): boolean {
    if (action.type === 'consumer') {
      if (options.consumerScaler !== 'autopilot')
        return apply({ type: 'create', file: 'autoscalers', object: action.scaledObject })
      const name = String(action.autopilotScaler.name)
      if (scalers.has(name)) return false
      scalers.set(name, action.autopilotScaler)
      return true
    }
    if (action.type === 'create') {
      const meta = asRecord(action.object.metadata)
      const key = `${action.object.kind}/${meta?.namespace ?? ''}/${meta?.name}`
      if (created.has(key)) return false
      created.set(key, { file: action.file, object: action.object })
      return true
    }
    if (action.type === 'alert') {
      const rules = alerts.get(action.namespace) ?? new Map<string, Json>()
      alerts.set(action.namespace, rules)
      const name = String(action.rule.alert)
      if (rules.has(name)) return false
      rules.set(name, action.rule)
      return true
    }
    const file = action.resource.file
    const generatedEntry = [...created.values()].find(
      (c) => `${outDir}/${c.file}.yaml` === file && sameResource(c.object, action),
    )
    if (generatedEntry !== undefined) {
      setPath(generatedEntry.object, action.path, action.value)
      return true
    }
    const original = inputs.find((i) => i.path === file || patchedPath(i.path) === file)
    if (original === undefined) return false
    const before = patched.get(original.path) ?? original.text
    const after = applyYamlEdits(before, [
      {
        docIndex: action.resource.docIndex,
        path: [...action.resource.basePath, ...action.path],
        value: action.value,
        comment: `autopilot audit --fix: ${action.note}`,
      },
    ])
    if (after === before) return false
    patched.set(original.path, after)
    return true
  }
}

function sameResource(object: Json, action: Extract<FixAction, { type: 'set' }>): boolean {
  const meta = asRecord(object.metadata)
  return object.kind === action.resource.kind && meta?.name === action.resource.name
}

function setPath(root: Json, path: ReadonlyArray<string | number>, value: unknown): void {
  let node: Record<string | number, unknown> = root
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== 'object' || next === null) node[key] = {}
    node = node[key] as Record<string | number, unknown>
  }
  const last = path[path.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
}

function renderGenerated(
  created: Map<string, { file: FixFile; object: Json }>,
  alerts: Map<string, Map<string, Json>>,
  scalers: Map<string, Json>,
): Array<{ name: string; text: string }> {
  const byFile = new Map<string, Json[]>()
  const sorted = [...created].sort(([a], [b]) => a.localeCompare(b)).map(([, entry]) => entry)
  for (const { file, object } of sorted) {
    byFile.set(`${file}.yaml`, [...(byFile.get(`${file}.yaml`) ?? []), object])
  }
  const ruleObjects = [...alerts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, rules]) => prometheusRule(namespace, [...rules.values()]))
  if (ruleObjects.length > 0) byFile.set('prometheus-rules.yaml', ruleObjects)
  const files = [...byFile].map(([name, objects]) => ({
    name,
    text: GENERATED_HEADER + objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''),
  }))
  if (scalers.size > 0) {
    const list = [...scalers].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s)
    files.push({
      name: 'autopilot.yaml',
      text: AUTOPILOT_HEADER + stringify({ scalers: list }, { lineWidth: 0 }),
    })
  }
  return files.sort((a, b) => a.name.localeCompare(b.name))
}
