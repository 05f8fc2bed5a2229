// Input checks for port methods: a bad argument is an AP_ERR_INPUT naming the field, never a Kafka round trip.
import { AutopilotError } from '../errors.ts'

/** Throws AP_ERR_INPUT for `field`. */
export function invalid(field: string, message: string): never {
  throw new AutopilotError('AP_ERR_INPUT', message, { field })
}

export function assertArray(value: unknown, field: string): asserts value is unknown[] {
  if (!Array.isArray(value)) invalid(field, `${field} must be an array`)
}

export function assertName(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) invalid(field, `${field} must be a non-empty string`)
}

export function assertNames(value: unknown, field: string): asserts value is string[] {
  assertArray(value, field)
  for (const [i, name] of value.entries()) assertName(name, `${field}[${i}]`)
}

export function assertInt(value: unknown, field: string, min: number): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    invalid(field, `${field} must be an integer >= ${min}`)
  }
}

/** Topic-partitions (optionally with an `offset` >= minOffset) from a caller. */
export function assertPartitions(value: unknown, field: string, offset?: { min: number }): void {
  assertArray(value, field)
  value.forEach((item, i) => {
    const tp = item as { topic?: unknown; partition?: unknown; offset?: unknown } | null
    if (typeof tp !== 'object' || tp === null) invalid(`${field}[${i}]`, `${field}[${i}] must be an object`)
    assertName(tp.topic, `${field}[${i}].topic`)
    assertInt(tp.partition, `${field}[${i}].partition`, 0)
    if (offset) assertInt(tp.offset, `${field}[${i}].offset`, offset.min)
  })
}
