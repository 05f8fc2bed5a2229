// Turning zod's issues into messages that name the field, shared by every input parser (config, plans,
// cluster files, target and backend options).
import type { z } from 'zod'
import { AutopilotError } from './errors.ts'

/** `['partitions', 3, 'replicas', 1]` → `partitions[3].replicas[1]`, after an optional prefix. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`
  return out
}

const MAX_LISTED = 10

/**
 * An AP_ERR_INPUT error listing every problem of a failed parse (up to ten), with `field` set when there is
 * exactly one. zod's wording for a missing field is about types; it says what the user has to do instead.
 */
export function inputError(error: z.ZodError, source: string, hint: string): AutopilotError {
  const issues = error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
    return { path: formatPath(issue.path), message: missing ? 'is required' : issue.message }
  })
  const lines = issues.slice(0, MAX_LISTED).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
  if (issues.length > MAX_LISTED) lines.push(`… and ${issues.length - MAX_LISTED} more`)
  const message =
    lines.length === 1
      ? `invalid ${source}: ${lines[0]}`
      : `invalid ${source}, ${issues.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}`
  return new AutopilotError('AP_ERR_INPUT', message, {
    field: issues.length === 1 ? issues[0]!.path || undefined : undefined,
    details: { issues },
    hint,
  })
}
