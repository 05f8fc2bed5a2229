// Option parsing shared by the targets: a zod schema in, typed options or an AutopilotError naming the field
// out. Every issue is listed in the message so a user fixes them all in one go; `field` names the first.
import type { z } from 'zod'
import { AutopilotError } from '../errors.ts'
import { formatPath } from '../validation.ts'

export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
  what: string,
): z.output<S> {
  return parseWithSchema(schema, input, prefix, `${what} target`)
}

/** Parses `input` with `schema`; the error lists every problem as `invalid <subject> options: …`. */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
  subject: string,
): z.output<S> {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    // Unknown keys are reported on the object; name the key itself.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
    const field = formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path, prefix)
    const message =
      keys.length > 0 ? `unknown option${keys.length > 1 ? 's' : ''} ${keys.join(', ')}` : issue.message
    return { field, message }
  })
  const first = problems[0]!
  const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ')
  throw new AutopilotError('AP_ERR_CONFIG', `invalid ${subject} options: ${message}`, {
    field: first.field,
    details: { problems },
  })
}

/** The count passed to `scale`: the policy clamps it, so anything else is a programming error upstream. */
export function checkReplicas(replicas: number): void {
  if (!Number.isSafeInteger(replicas) || replicas < 0) {
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `replica count must be a non-negative integer, got ${replicas}`,
      {
        field: 'replicas',
      },
    )
  }
}
