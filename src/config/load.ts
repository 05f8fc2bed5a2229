// Reads autopilot.yaml: YAML (keeping node positions) → zod validation → every problem at once, each naming
// the field as a dotted path and the line:column it sits on.
import { readFile } from 'node:fs/promises'
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import type { z } from 'zod'
import { AutopilotError } from '../errors.ts'
import { formatPath } from '../validation.ts'

export { formatPath }

import { type AutopilotConfig, autopilotConfig } from './schema.ts'

export interface ConfigIssue {
  /** Dotted path of the field, e.g. `scalers[0].trigger.metadata.lagThreshold`; '' for the whole file. */
  path: string
  message: string
  /** 1-based position of the field (or of the nearest enclosing node that exists). */
  line?: number
  column?: number
}

export interface LoadedConfig {
  file: string
  config: AutopilotConfig
  /** Accepted but worth knowing: settings that are ignored or have no effect. */
  warnings: ConfigIssue[]
}

type PathKey = string | number

/** Renders one issue the way a compiler would: `file:line:col: path: message`. */
export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`
  return `${where}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`
}

/** Parses and validates config text. Throws AutopilotError(AP_ERR_CONFIG) listing every problem. */
export function parseConfig(text: string, file = 'autopilot.yaml'): LoadedConfig {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const position = (offset: number | undefined) => {
    if (offset === undefined) return {}
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      path: '',
      message: `YAML: ${firstLine(e.message)}`,
      ...position(e.pos[0]),
    }))
    throw configError(file, issues)
  }
  const raw: unknown = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 100 })
  const result = autopilotConfig.safeParse(raw ?? {})
  const locate = (path: PathKey[], atKey = false): { line?: number; column?: number } =>
    position(nodeAt(doc.contents, path, false, atKey)?.range?.[0])
  if (!result.success) {
    const issues = flattenIssues(result.error.issues).map((issue) => {
      const exists = nodeAt(doc.contents, issue.path, true) !== undefined
      const message = !exists && issue.path.length > 0 && !issue.keepMessage ? 'is required' : issue.message
      return { path: formatPath(issue.path), message, ...locate(issue.path, issue.unknownKey) }
    })
    throw configError(file, dedupe(issues))
  }
  return { file, config: result.data, warnings: collectWarnings(raw, result.data, locate) }
}

/** Reads and validates a config file. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    const code = (cause as { code?: string }).code
    throw new AutopilotError('AP_ERR_CONFIG', `cannot read config file ${file}${code ? ` (${code})` : ''}`, {
      field: '--config',
      hint: 'pass the path of your autopilot.yaml with -c FILE',
      cause,
    })
  }
  return parseConfig(text, file)
}

function configError(file: string, issues: ConfigIssue[]): AutopilotError {
  const first = issues[0]
  const lines = issues.map((issue) => `  ${formatIssue(file, issue)}`)
  const message =
    issues.length === 1 && first
      ? `invalid config: ${formatIssue(file, first)}`
      : `invalid config, ${issues.length} problems:\n${lines.join('\n')}`
  return new AutopilotError('AP_ERR_CONFIG', message, {
    // With several problems each line names its own field; a single `field` would point at one of them.
    field: issues.length === 1 ? first?.path || undefined : undefined,
    hint: 'the JSON Schema for editors is schema/autopilot.schema.json',
    details: { file, issues },
  })
}

interface FlatIssue {
  path: PathKey[]
  message: string
  /** The message already says what is wrong even when the field is absent. */
  keepMessage?: boolean
  /** The field itself is the problem: point at its key, not its value. */
  unknownKey?: boolean
}

/**
 * zod reports a failed union as one issue holding every branch's issues. When exactly one branch got past
 * the first check (its issues are deeper than the union itself), that branch is what the user meant: report
 * its issues. Otherwise keep the union's own message ("must be an integer").
 */
export function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: PathKey[] = []): FlatIssue[] {
  const out: FlatIssue[] = []
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathKey[])]
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: [...path, key], message: 'unknown field', keepMessage: true, unknownKey: true })
      }
      continue
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const deeper = issue.errors.filter((branch) =>
        branch.some((i) => i.path.length > 0 || (i.code !== 'invalid_type' && i.code !== 'invalid_value')),
      )
      if (deeper.length === 1 && deeper[0]) {
        out.push(...flattenIssues(deeper[0], path))
        continue
      }
    }
    out.push({ path, message: issue.message, keepMessage: issue.code === 'custom' })
  }
  return out
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The YAML node at `path`, or with `exact` false the deepest existing ancestor (so a missing field points at
 * the mapping it is missing from). With `atKey`, the last step points at the key rather than its value (and
 * always does when the value is empty).
 */
function nodeAt(root: unknown, path: readonly PathKey[], exact = false, atKey = false): Node | undefined {
  let node = root as Node | null | undefined
  for (const [i, key] of path.entries()) {
    let next: unknown
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key)
      if (pair) next = atKey && i === path.length - 1 ? pair.key : (pair.value ?? pair.key)
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key]
    }
    if (next === undefined || next === null) return exact ? undefined : (node ?? undefined)
    node = next as Node
  }
  return node ?? undefined
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}

type Locate = (path: PathKey[]) => { line?: number; column?: number }

function collectWarnings(raw: unknown, config: AutopilotConfig, locate: Locate): ConfigIssue[] {
  const warnings: ConfigIssue[] = []
  const rawScalers = (raw as { scalers?: unknown[] }).scalers ?? []
  const warn = (path: PathKey[], message: string) =>
    warnings.push({ path: formatPath(path), message, ...locate(path) })
  config.scalers.forEach((s, i) => {
    const metadata =
      (rawScalers[i] as { trigger?: { metadata?: Record<string, unknown> } })?.trigger?.metadata ?? {}
    const at = (key: string): PathKey[] => ['scalers', i, 'trigger', 'metadata', key]
    if (metadata.partitionLimitation !== undefined && s.trigger.metadata.topics.length === 0) {
      warn(at('partitionLimitation'), 'ignored without topic (as in KEDA)')
    }
    if (metadata.version !== undefined)
      warn(at('version'), 'ignored: API versions are negotiated with the brokers')
    if (metadata.fullMetadata !== undefined)
      warn(at('fullMetadata'), 'ignored: only the needed topics are fetched')
    if (
      s.minReplicaCount > 0 &&
      s.idleReplicaCount === undefined &&
      rawHas(rawScalers[i], 'cooldownPeriod')
    ) {
      warn(
        ['scalers', i, 'cooldownPeriod'],
        'has no effect when minReplicaCount > 0 and idleReplicaCount is unset',
      )
    }
    if (s.policy.type === 'slo' && rawHas(metadata, 'lagThreshold')) {
      warn(at('lagThreshold'), 'unused by the slo policy (it sizes from maxLagSeconds)')
    }
  })
  return warnings
}

function rawHas(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value
}
