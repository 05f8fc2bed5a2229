// Kubernetes manifests as plain data with file and line positions. Parsing YAML text is pure (text in,
// resources and problems out); reading files and folders lives in src/monitor/manifests.ts.
//
// Accepted input: multi-document YAML (`---`), `helm template` output (its `# Source:` comments are kept),
// `kind: List` wrappers, plain Prometheus rule files (top-level `groups:`) and Autopilot's autopilot.yaml
// (top-level `scalers:`), which are read as synthetic `PrometheusRuleFile` / `AutopilotConfig` resources.
// Anything else that cannot be read becomes an InputProblem with file and line; it never throws.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml'
import { asArray, asRecord, asString, type Json, toPointer } from './access.ts'

export interface ManifestResource {
  /** Identity used for "last one wins" merging: `<api group>/<kind>/<namespace>/<name>`. */
  key: string
  kind: string
  apiVersion: string
  name: string
  /** '' when the manifest does not set one (helm template output usually does not). */
  namespace: string
  object: Json
  file: string
  line: number
  /** Index of the YAML document in the file, and the path of the resource inside it (`items/3` in a List). */
  docIndex: number
  basePath: Array<string | number>
  /** The chart template a `helm template` document came from. */
  helmSource?: string
  /** 1-based line of every field, by JSON pointer relative to the resource (`/spec/replicas`). */
  lines: Record<string, number>
}

export type InputProblemType = 'invalid-yaml' | 'invalid-resource' | 'unknown-kind'

export interface InputProblem {
  type: InputProblemType
  file: string
  line: number
  message: string
  /** The resource label, when the problem belongs to a readable resource. */
  resource?: string
}

export interface ParsedManifests {
  resources: ManifestResource[]
  problems: InputProblem[]
}

export const PROMETHEUS_RULE_FILE_KIND = 'PrometheusRuleFile'
/** Autopilot's own autopilot.yaml (top-level `scalers:`): its Kubernetes targets count as autoscaled. */
export const AUTOPILOT_CONFIG_KIND = 'AutopilotConfig'

/** Parses one file's text. `file` is only used for positions and names. */
export function parseManifests(text: string, file: string): ParsedManifests {
  const lineCounter = new LineCounter()
  const resources: ManifestResource[] = []
  const problems: InputProblem[] = []
  const line = (offset: number) => lineCounter.linePos(offset).line
  let docs: ReturnType<typeof parseAllDocuments>
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true })
  } catch (err) {
    problems.push({ type: 'invalid-yaml', file, line: 1, message: `cannot parse YAML: ${String(err)}` })
    return { resources, problems }
  }
  for (const [docIndex, doc] of (Array.isArray(docs) ? docs : []).entries()) {
    const err = doc.errors[0]
    if (err !== undefined) {
      // The first error only: the parser's follow-up errors in the same document repeat it.
      problems.push({
        type: 'invalid-yaml',
        file,
        line: err.linePos?.[0].line ?? 1,
        message: firstLine(err.message),
      })
      continue
    }
    const contents = doc.contents as Node | null
    if (contents === null || (isScalar(contents) && contents.value === null)) continue // empty document
    const docLine = line(contents.range?.[0] ?? 0)
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: 100 })
    } catch (err) {
      problems.push({ type: 'invalid-yaml', file, line: docLine, message: firstLine(String(err)) })
      continue
    }
    const helmSource = helmSourceOf(contents.commentBefore ?? doc.commentBefore)
    const lines = collectLines(contents, line)
    const record = asRecord(value)
    if (record === undefined) {
      problems.push({ type: 'invalid-resource', file, line: docLine, message: 'document is not a mapping' })
      continue
    }
    if (record.kind === 'List' && Array.isArray(record.items)) {
      for (const [i, item] of asArray(record.items).entries()) addResource(item, ['items', i])
    } else {
      addResource(record, [])
    }

    function addResource(item: unknown, basePath: Array<string | number>): void {
      const prefix = toPointer(basePath)
      const itemLines = prefix === '' ? lines : relativeLines(lines, prefix)
      const at = itemLines[''] ?? docLine
      const obj = asRecord(item)
      if (obj === undefined) {
        problems.push({ type: 'invalid-resource', file, line: at, message: 'list item is not a mapping' })
        return
      }
      const built = toResource(obj, { file, line: at, docIndex, basePath }, itemLines, helmSource)
      if ('problem' in built) problems.push(built.problem)
      else resources.push(built.resource)
    }
  }
  return { resources, problems }
}

function toResource(
  obj: Json,
  position: Pick<ManifestResource, 'file' | 'line' | 'docIndex' | 'basePath'>,
  lines: Record<string, number>,
  helmSource: string | undefined,
): { resource: ManifestResource } | { problem: InputProblem } {
  const { file, line } = position
  const extra = helmSource === undefined ? {} : { helmSource }
  const synthetic =
    obj.kind === undefined && Array.isArray(obj.groups)
      ? PROMETHEUS_RULE_FILE_KIND
      : obj.kind === undefined && Array.isArray(obj.scalers)
        ? AUTOPILOT_CONFIG_KIND
        : undefined
  if (synthetic !== undefined) {
    const name = file.split(/[\\/]/).pop() ?? file
    const resource = {
      kind: synthetic,
      apiVersion: '',
      name,
      namespace: '',
      object: obj,
      ...position,
    }
    return { resource: { ...resource, key: `/${synthetic}//${file}`, lines, ...extra } }
  }
  const kind = asString(obj.kind)
  const apiVersion = asString(obj.apiVersion)
  const name = asString(asRecord(obj.metadata)?.name) ?? asString(asRecord(obj.metadata)?.generateName)
  const missing = [
    kind ? null : 'kind',
    apiVersion ? null : 'apiVersion',
    name ? null : 'metadata.name',
  ].filter((m) => m !== null)
  if (kind === undefined || apiVersion === undefined || name === undefined) {
    const what = kind ? `${kind}${name ? `/${name}` : ''}` : 'document'
    const message = `${what} is missing ${missing.join(', ')}`
    return {
      problem: { type: 'invalid-resource', file, line: lines[missingPointer(missing[0])] ?? line, message },
    }
  }
  const namespace = asString(asRecord(obj.metadata)?.namespace) ?? ''
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''
  return {
    resource: {
      key: `${group}/${kind}/${namespace}/${name}`,
      kind,
      apiVersion,
      name,
      namespace,
      object: obj,
      ...position,
      lines,
      ...extra,
    },
  }
}

function missingPointer(field: string | undefined): string {
  return field === 'metadata.name' ? '/metadata' : ''
}

/** `Deployment/shop/backend`, or `Deployment/backend` without a namespace. */
export function resourceLabel(r: Pick<ManifestResource, 'kind' | 'namespace' | 'name'>): string {
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`
}

/** Line of the field at `path`, or of its nearest ancestor that exists, or of the resource. */
export function lineOf(resource: ManifestResource, path: ReadonlyArray<string | number>): number {
  for (let n = path.length; n > 0; n--) {
    const line = resource.lines[toPointer(path.slice(0, n))]
    if (line !== undefined) return line
  }
  return resource.line
}

function collectLines(root: Node, line: (offset: number) => number): Record<string, number> {
  const out: Record<string, number> = {}
  const walk = (node: unknown, pointer: string, at: number | undefined): void => {
    const start = (node as Node | null)?.range?.[0]
    out[pointer] = at ?? (start === undefined ? 1 : line(start))
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        const keyStart = (pair.key as Node | null)?.range?.[0]
        walk(pair.value, `${pointer}/${escapeKey(key)}`, keyStart === undefined ? undefined : line(keyStart))
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, `${pointer}/${i}`, undefined)
    }
  }
  walk(root, '', undefined)
  return out
}

function relativeLines(lines: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [pointer, n] of Object.entries(lines)) {
    if (pointer === prefix) out[''] = n
    else if (pointer.startsWith(`${prefix}/`)) out[pointer.slice(prefix.length)] = n
  }
  return out
}

function escapeKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}

function helmSourceOf(comment: string | null | undefined): string | undefined {
  const match = comment ? /^\s*Source:\s*(\S+)/m.exec(comment) : null
  return match?.[1]
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

export interface MergedManifests extends ParsedManifests {
  /** Resources defined more than once: the later definition is audited, as `kubectl apply` would leave it. */
  overridden: Array<{ resource: string; file: string; line: number; by: { file: string; line: number } }>
}

/** Merges parsed files in order; a resource defined again later replaces the earlier definition. */
export function mergeManifests(sets: readonly ParsedManifests[]): MergedManifests {
  const byKey = new Map<string, ManifestResource>()
  const overridden: MergedManifests['overridden'] = []
  const problems: InputProblem[] = []
  for (const set of sets) {
    problems.push(...set.problems)
    for (const r of set.resources) {
      const previous = byKey.get(r.key)
      if (previous !== undefined) {
        overridden.push({
          resource: resourceLabel(previous),
          file: previous.file,
          line: previous.line,
          by: { file: r.file, line: r.line },
        })
        byKey.delete(r.key) // re-insert so the order follows the winning definition
      }
      byKey.set(r.key, r)
    }
  }
  return { resources: [...byKey.values()], problems, overridden }
}
