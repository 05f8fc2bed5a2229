// Maps @platformatic/kafka errors (GenericError / MultipleErrors trees, ProtocolError leaves) to AutopilotError.
// Pure: only looks at the error objects' fields, so it is unit-tested with plain objects.
import { protocolErrorsCodesById } from '@platformatic/kafka'
import { AutopilotError, type ErrorCode } from '../errors.ts'

export interface ErrorContext {
  /** Kafka API or port operation name, e.g. 'CreateTopics'. */
  api: string
  bootstrapServers: string[]
  /** What the operation addressed (topic name, group id…), for the message. */
  subject?: string
  field?: string
}

interface ErrorLike {
  message?: string
  code?: string
  apiId?: string
  serverErrorMessage?: string | null
  canRetry?: boolean
  errors?: unknown[]
  cause?: unknown
}

/** The Kafka error name of a protocol error code (3 → UNKNOWN_TOPIC_OR_PARTITION). */
export function protocolErrorName(code: number): string {
  return protocolErrorsCodesById[code] ?? `ERROR_${code}`
}

/** Every leaf error of a MultipleErrors / AggregateError / cause tree, depth-first. */
export function leafErrors(error: unknown, depth = 0): ErrorLike[] {
  if (typeof error !== 'object' || error === null || depth > 8) return []
  const e = error as ErrorLike
  const nested = Array.isArray(e.errors) ? e.errors.filter((x) => x) : []
  if (nested.length > 0) return nested.flatMap((x) => leafErrors(x, depth + 1))
  if (e.cause && typeof e.cause === 'object' && !e.apiId) {
    const inner = leafErrors(e.cause, depth + 1)
    if (inner.length > 0) return [e, ...inner]
  }
  return [e]
}

/** Kafka protocol error names found anywhere in the tree (deduplicated, in order). */
export function protocolErrorIds(error: unknown): string[] {
  return [...new Set(leafErrors(error).flatMap((e) => (e.apiId ? [e.apiId] : [])))]
}

const NETWORK_CODES = new Set(['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT'])
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
])

/** True when the failure is about reaching brokers (connect refused, timeouts, closed sockets), not a Kafka answer. */
export function isNetworkFailure(error: unknown): boolean {
  const leaves = leafErrors(error)
  if (leaves.length === 0 || leaves.some((e) => e.apiId)) return false
  return leaves.some((e) => NETWORK_CODES.has(e.code ?? '') || SOCKET_CODES.has(e.code ?? ''))
}

const CODE_BY_PROTOCOL_ERROR: Record<string, ErrorCode> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'AP_ERR_NOT_FOUND',
  UNKNOWN_TOPIC_ID: 'AP_ERR_NOT_FOUND',
  GROUP_ID_NOT_FOUND: 'AP_ERR_NOT_FOUND',
  BROKER_ID_NOT_REGISTERED: 'AP_ERR_NOT_FOUND',
  NO_REASSIGNMENT_IN_PROGRESS: 'AP_ERR_NOT_FOUND',
  RESOURCE_NOT_FOUND: 'AP_ERR_NOT_FOUND',
  TOPIC_ALREADY_EXISTS: 'AP_ERR_CONFLICT',
  NON_EMPTY_GROUP: 'AP_ERR_CONFLICT',
  REASSIGNMENT_IN_PROGRESS: 'AP_ERR_CONFLICT',
  UNKNOWN_MEMBER_ID: 'AP_ERR_CONFLICT',
  STALE_MEMBER_EPOCH: 'AP_ERR_CONFLICT',
  ILLEGAL_GENERATION: 'AP_ERR_CONFLICT',
  REBALANCE_IN_PROGRESS: 'AP_ERR_CONFLICT',
  CONCURRENT_TRANSACTIONS: 'AP_ERR_CONFLICT',
  INVALID_PARTITIONS: 'AP_ERR_INPUT',
  INVALID_REPLICATION_FACTOR: 'AP_ERR_INPUT',
  INVALID_REPLICA_ASSIGNMENT: 'AP_ERR_INPUT',
  INVALID_CONFIG: 'AP_ERR_INPUT',
  INVALID_TOPIC_EXCEPTION: 'AP_ERR_INPUT',
  INVALID_GROUP_ID: 'AP_ERR_INPUT',
  INVALID_COMMIT_OFFSET_SIZE: 'AP_ERR_INPUT',
  POLICY_VIOLATION: 'AP_ERR_INPUT',
}

function firstMessage(leaves: ErrorLike[]): string {
  const withCause = leaves.find((e) => e.code && SOCKET_CODES.has(e.code))
  const main = leaves.find((e) => e.message)?.message ?? 'unknown error'
  return withCause && withCause.message !== main ? `${main} (${withCause.code})` : main
}

/** The one function every port method funnels failures through. AutopilotErrors pass unchanged. */
export function toAutopilotError(error: unknown, ctx: ErrorContext): AutopilotError {
  if (AutopilotError.is(error)) return error
  const where = ctx.subject ? ` for ${ctx.subject}` : ''
  const servers = ctx.bootstrapServers.join(',')
  const leaves = leafErrors(error)
  if (isNetworkFailure(error)) {
    return new AutopilotError(
      'AP_ERR_KAFKA_UNREACHABLE',
      `cannot reach Kafka (bootstrap servers ${servers}) during ${ctx.api}${where}: ${firstMessage(leaves)}`,
      {
        hint: 'check that the brokers are running and that bootstrapServers lists their client listeners',
        retryable: true,
        cause: error,
        details: { api: ctx.api, bootstrapServers: ctx.bootstrapServers },
      },
    )
  }
  const ids = protocolErrorIds(error)
  if (ids.length > 0) {
    const id = ids.find((x) => CODE_BY_PROTOCOL_ERROR[x]) ?? ids[0]!
    const code = CODE_BY_PROTOCOL_ERROR[id] ?? 'AP_ERR_KAFKA'
    const detail = leaves.find((e) => e.apiId === id)?.serverErrorMessage
    const retryable = leaves.some((e) => e.apiId === id && e.canRetry === true)
    return new AutopilotError(
      code,
      `Kafka ${ctx.api}${where} failed: ${ids.join(', ')}${detail ? ` (${detail})` : ''}`,
      {
        ...(ctx.field === undefined ? {} : { field: ctx.field }),
        retryable,
        cause: error,
        details: { api: ctx.api, kafkaErrors: ids },
      },
    )
  }
  const message = firstMessage(leaves.length > 0 ? leaves : [{ message: String(error) }])
  if (/^Unknown topic /.test(message)) {
    return new AutopilotError('AP_ERR_NOT_FOUND', `Kafka ${ctx.api}${where} failed: ${message}`, {
      ...(ctx.field === undefined ? {} : { field: ctx.field }),
      cause: error,
    })
  }
  return new AutopilotError('AP_ERR_KAFKA', `Kafka ${ctx.api}${where} failed: ${message}`, {
    cause: error,
    details: { api: ctx.api },
  })
}

/** A short per-item error string for results that carry `error` instead of throwing. */
export function describeItemError(error: unknown): string {
  const ids = protocolErrorIds(error)
  if (ids.length > 0) return ids.join(', ')
  if (AutopilotError.is(error)) return error.message
  return firstMessage(leafErrors(error).length > 0 ? leafErrors(error) : [{ message: String(error) }])
}
