// Pieces every broker backend shares: input checks on ids and disks, the journal emitter, the leader guard,
// the per-backend operation queue and a bounded poll loop.
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import { poll } from '../../kafka/wait.ts'
import { parseWithSchema } from '../options.ts'
import type {
  BrokerBackendKind,
  BrokerEvent,
  BrokerOperation,
  BrokerOperationOptions,
  BrokerResult,
  DiskSpec,
} from './backend.ts'

/** Broker ids are non-negative int32 (KRaft node.id). */
const MAX_ID = 2 ** 31 - 1
/** More than this in one call is almost certainly a bug upstream, not a scaling decision. */
const MAX_COUNT = 100

/** A backend's answer to an operation: applied unless it was a dry run; `details` only when given. */
export function brokerResult(
  backend: { readonly kind: BrokerBackendKind; readonly name: string },
  operation: BrokerOperation,
  brokers: number[],
  options: Pick<BrokerOperationOptions, 'dryRun'>,
  message: string,
  details?: Record<string, unknown>,
): BrokerResult {
  return {
    kind: backend.kind,
    target: backend.name,
    operation,
    brokers,
    applied: !options.dryRun,
    dryRun: options.dryRun,
    message,
    ...(details ? { details } : {}),
  }
}

/** Validates a list of broker ids: non-empty, integers, no duplicates. Returns them sorted. */
export function checkIds(ids: unknown, field = 'brokers'): number[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new AutopilotError('AP_ERR_INPUT', 'broker ids must be a non-empty list', { field })
  }
  ids.forEach((id, i) => {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) > MAX_ID) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `broker id must be a non-negative integer, got ${String(id)}`,
        {
          field: `${field}[${i}]`,
        },
      )
    }
  })
  const sorted = [...(ids as number[])].sort((a, b) => a - b)
  const dup = sorted.find((id, i) => i > 0 && sorted[i - 1] === id)
  if (dup !== undefined) {
    throw new AutopilotError('AP_ERR_INPUT', `broker id ${dup} is listed twice`, { field })
  }
  return sorted
}

/** `addBrokers` takes a count or ids. */
export function checkAddRequest(
  brokers: unknown,
  field = 'brokers',
): { count: number; ids: number[] | null } {
  if (typeof brokers === 'number') {
    if (!Number.isSafeInteger(brokers) || brokers < 1 || brokers > MAX_COUNT) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `broker count must be an integer from 1 to ${MAX_COUNT}, got ${brokers}`,
        { field },
      )
    }
    return { count: brokers, ids: null }
  }
  const ids = checkIds(brokers, field)
  return { count: ids.length, ids }
}

export function checkBrokerId(id: unknown, field = 'brokerId'): number {
  return checkIds([id], field)[0]!
}

// Kubernetes resource.Quantity, as the API server parses it (decimal or binary suffix, or an exponent).
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

const diskSchema = z.strictObject({
  size: z
    .string({ error: 'must be a string' })
    .regex(QUANTITY, { error: 'must be a Kubernetes quantity such as 500Gi' }),
  mountPath: z
    .string({ error: 'must be a string' })
    .regex(/^\/[^\0]*[^/]$/, { error: 'must be an absolute path without a trailing slash' })
    .optional(),
  storageClass: z
    .string({ error: 'must be a string' })
    .max(253, { error: 'must be at most 253 characters' })
    .regex(DNS_SUBDOMAIN, { error: 'must be a StorageClass name' })
    .optional(),
})

export function checkDisk(disk: unknown, field = 'disk'): DiskSpec {
  const parsed = diskSchema.safeParse(disk)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
  const path = [...issue.path, ...keys.slice(0, 1)].map(String)
  const message = keys.length > 0 ? `unknown disk field ${keys.join(', ')}` : issue.message
  throw new AutopilotError('AP_ERR_INPUT', `invalid disk: ${[field, ...path].join('.')}: ${message}`, {
    field: [field, ...path].join('.'),
  })
}

/** The error for an operation a backend does not have. */
export function unsupported(
  kind: BrokerBackendKind,
  operation: BrokerOperation,
  why: string,
  field: string,
): AutopilotError {
  return new AutopilotError('AP_ERR_CONFIG', `the ${kind} broker backend cannot ${operation}: ${why}`, {
    field: `${field}.type`,
    hint: 'see docs/broker-backends.md for which backend does what',
  })
}

/** Emits journal events for one operation; a throwing journal never breaks the operation. */
export function journalFor(
  backend: BrokerBackendKind,
  target: string,
  operation: BrokerOperation,
  options: BrokerOperationOptions,
): (step: string, message: string, details?: Record<string, unknown>) => void {
  return (step, message, details) => {
    const event: BrokerEvent = { backend, target, operation, step, message, ...(details ? { details } : {}) }
    try {
      options.journal?.(event)
    } catch {
      // The journal is best effort: an operation half-done because logging failed would be worse.
    }
  }
}

/** A real write needs the lease; a dry run changes nothing, so a follower may preview. */
export function checkLeader(
  leader: { isLeader(): boolean } | undefined,
  dryRun: boolean,
  target: string,
): void {
  if (!dryRun && leader && !leader.isLeader()) {
    throw new AutopilotError('AP_ERR_CONFLICT', `${target}: not the leader; another Autopilot replica acts`, {
      retryable: true,
    })
  }
}

/** Runs operations one at a time, in call order; a failure does not block the next. */
export class OperationQueue {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(operation)
    this.#tail = next.catch(() => undefined)
    return next
  }

  async drain(): Promise<void> {
    await this.#tail
  }
}

export interface PollOptions {
  /** What we wait for, for the timeout message: `KafkaRebalance kafka/x to be ProposalReady`. */
  what: string
  timeoutMs: number
  intervalMs: number
  signal?: AbortSignal
  hint?: string
  details?: Record<string, unknown>
}

/**
 * Calls `check` until it returns a value (not undefined), waiting `intervalMs` between calls, for at most
 * `timeoutMs`. The APIs we poll (Kubernetes status, Cruise Control tasks) have no event we could await here.
 */
export async function pollUntil<T>(options: PollOptions, check: () => Promise<T | undefined>): Promise<T> {
  const result = await poll(check, {
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    until: (value) => value !== undefined,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (result.ok) return result.value as T
  throw new AutopilotError('AP_ERR_TIMEOUT', `gave up waiting ${options.timeoutMs} ms for ${options.what}`, {
    retryable: true,
    hint: options.hint,
    details: options.details,
  })
}

/** Shared zod pieces for backend options. */
export const durationMs = (name: string) =>
  z
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .positive({ error: `${name} must be positive` })

/** Parses a backend's options; every problem is listed, `field` names the first (as the targets do). */
export function parseBackendOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
  kind: string,
): z.output<S> {
  return parseWithSchema(schema, input, prefix, `${kind} broker backend`)
}
