// Value schemas shared by the configuration. KEDA trigger metadata is a map of strings ("10", "true"), so a
// user who pastes a ScaledObject's `metadata:` gives strings where a hand-written file gives YAML numbers and
// booleans. Every scalar here accepts both and yields the native type.
import { z } from 'zod'

const INTEGER_TEXT = /^[+-]?\d+$/
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** The strings Go's strconv.ParseBool accepts (what KEDA uses), so pasted metadata behaves the same. */
const TRUE_TEXT = ['1', 't', 'T', 'true', 'TRUE', 'True'] as const
const FALSE_TEXT = ['0', 'f', 'F', 'false', 'FALSE', 'False'] as const

function bounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`
  if (min !== undefined) return ` ≥ ${min}`
  if (max !== undefined) return ` ≤ ${max}`
  return ''
}

/** An integer given as a YAML number or a string of digits, optionally bounded (inclusive). */
export function intLike(options: { min?: number; max?: number; description?: string } = {}) {
  const { min, max } = options
  const expected = `must be an integer${bounds(min, max)}`
  let out = z.int({ error: expected })
  if (min !== undefined) out = out.min(min, { error: expected })
  if (max !== undefined) out = out.max(max, { error: expected })
  const schema = z
    .union([z.number(), z.string().trim().regex(INTEGER_TEXT).transform(Number)], { error: expected })
    .pipe(out)
  return schema.meta({ description: options.description ?? `Integer${bounds(min, max)}.` })
}

/** A decimal number given as a YAML number or a numeric string; `gt` is an exclusive lower bound. */
export function numberLike(options: { min?: number; gt?: number; max?: number; description?: string }) {
  const { min, gt, max } = options
  const lower = gt !== undefined ? ` > ${gt}` : min !== undefined ? ` ≥ ${min}` : ''
  const upper = max !== undefined ? `${lower ? ' and' : ''} ≤ ${max}` : ''
  const expected = `must be a number${lower}${upper}`
  let out = z.number({ error: expected }).refine(Number.isFinite, { error: expected })
  if (gt !== undefined) out = out.refine((v) => v > gt, { error: expected })
  if (min !== undefined) out = out.refine((v) => v >= min, { error: expected })
  if (max !== undefined) out = out.refine((v) => v <= max, { error: expected })
  const schema = z
    .union([z.number(), z.string().trim().regex(DECIMAL_TEXT).transform(Number)], { error: expected })
    .pipe(out)
  return schema.meta({ description: options.description ?? `Number${lower}${upper}.` })
}

/** A boolean given as a YAML boolean or one of the strings Go's ParseBool accepts ("true", "False", "1"). */
export const boolLike = z
  .union(
    [
      z.boolean(),
      z.enum([...TRUE_TEXT, ...FALSE_TEXT]).transform((v) => (TRUE_TEXT as readonly string[]).includes(v)),
    ],
    { error: 'must be true or false' },
  )
  .meta({ description: 'Boolean, or the string "true"/"false" as in KEDA metadata.' })

/** A non-empty string after trimming. */
export function text(description: string) {
  // Numbers are accepted as text: an unquoted YAML `consumerGroup: 123` means the string "123".
  return z
    .union([z.string(), z.number().transform(String)], { error: 'must be a string' })
    .pipe(z.string().trim().min(1, { error: 'must not be empty' }))
    .meta({ description })
}

/** A comma-separated list ("a, b,c") or a YAML list of strings; blanks are dropped. */
const scalarText = z.union([z.string(), z.number().transform(String)])

export function stringList(description: string) {
  return z
    .union([scalarText, z.array(scalarText)], { error: 'must be a string or a list of strings' })
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(','))
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .meta({ description })
}

/**
 * KEDA's `partitionLimitation`: "1,2,10-20" (items trimmed, `a-b` inclusive) or a YAML list of integers and
 * ranges. Blank means no limitation (undefined). Errors: non-numeric items, `a-b-c`, start > end.
 */
export function parsePartitionLimitation(
  value: string | Array<string | number>,
): number[] | string | undefined {
  const items = Array.isArray(value) ? value.map(String) : value.split(',')
  if (items.every((item) => item.trim() === '')) return undefined
  const out = new Set<number>()
  for (const raw of items) {
    const item = raw.trim()
    const parts = item.split('-').map((part) => part.trim())
    if (parts.length > 2 || parts.some((part) => !/^\d+$/.test(part))) {
      return `invalid partition or range "${item}" (expected e.g. "1,2,10-20")`
    }
    const start = Number(parts[0])
    const end = Number(parts[parts.length - 1])
    if (start > end) return `invalid range "${item}": start is greater than end`
    for (let p = start; p <= end; p++) out.add(p)
  }
  return [...out].sort((a, b) => a - b)
}

export const partitionLimitation = z
  .union([z.string(), z.array(z.union([z.int().min(0), z.string()]))], {
    error: 'must be a list of partitions and ranges, e.g. "1,2,10-20"',
  })
  .transform((value, ctx) => {
    const parsed = parsePartitionLimitation(value)
    if (typeof parsed === 'string') {
      ctx.issues.push({ code: 'custom', message: parsed, input: value })
      return z.NEVER
    }
    return parsed
  })
  .meta({
    description:
      'Only these partition ids count ("1,2,10-20" or a list). Ignored without `topic`, as in KEDA. Blank: all.',
  })
