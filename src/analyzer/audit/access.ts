// Safe readers over untrusted, already-parsed YAML. Manifests can hold anything at any path, so rules read
// through these instead of casting: a wrong type reads as "absent", never as a crash.

export type Json = Record<string, unknown>

export function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Whole numbers only; a numeric string ("3") counts, as Kubernetes and Kafka configs often quote them. */
export function asInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value)
  return undefined
}

export function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

/** Reads a nested value; `path` items are keys or array indexes. */
export function get(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let current: unknown = root
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined
      current = current[key]
    } else {
      const record = asRecord(current)
      if (record === undefined) return undefined
      current = record[key]
    }
  }
  return current
}

export function getRecord(root: unknown, path: ReadonlyArray<string | number>): Json | undefined {
  return asRecord(get(root, path))
}

/** String values of a string map (labels, matchLabels); other entries are skipped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) {
    if (typeof v === 'string') out[k] = v
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
  }
  return out
}

/** RFC 6901 pointer for a path: `['metadata', 'labels', 'a/b']` → `/metadata/labels/a~1b`. */
export function toPointer(path: ReadonlyArray<string | number>): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}
