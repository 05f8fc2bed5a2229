// Typed errors shared by every layer. Each error has a stable code, names the field or input at fault where
// there is one, and knows how it should surface: an HTTP status for the API and an exit code for the CLI.
// Brand checks (`AutopilotError.is`) rather than bare instanceof, so errors survive module duplication.

export const ERROR_CODES = {
  AP_ERR_CONFIG: 'invalid configuration',
  AP_ERR_USAGE: 'invalid command-line usage',
  AP_ERR_INPUT: 'invalid input',
  AP_ERR_KAFKA: 'Kafka request failed',
  AP_ERR_KAFKA_UNREACHABLE: 'Kafka brokers unreachable',
  AP_ERR_NOT_FOUND: 'not found',
  AP_ERR_STACK: 'local stack failure',
  AP_ERR_TIMEOUT: 'timed out',
  AP_ERR_CONFLICT: 'conflicting operation in progress',
  AP_ERR_UNSAFE: 'refused: unsafe operation',
  AP_ERR_KUBERNETES: 'Kubernetes request failed',
  AP_ERR_INTERNAL: 'internal error',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

const HTTP_STATUS: Record<ErrorCode, number> = {
  AP_ERR_CONFIG: 400,
  AP_ERR_USAGE: 400,
  AP_ERR_INPUT: 400,
  AP_ERR_KAFKA: 502,
  AP_ERR_KAFKA_UNREACHABLE: 503,
  AP_ERR_NOT_FOUND: 404,
  AP_ERR_STACK: 500,
  AP_ERR_TIMEOUT: 504,
  AP_ERR_CONFLICT: 409,
  AP_ERR_UNSAFE: 422,
  AP_ERR_KUBERNETES: 502,
  AP_ERR_INTERNAL: 500,
}

// Exit codes follow the sysexits(3) spirit: 2 for usage, 3 for bad input/config, 4 for unreachable services.
const EXIT_CODE: Record<ErrorCode, number> = {
  AP_ERR_CONFIG: 3,
  AP_ERR_USAGE: 2,
  AP_ERR_INPUT: 3,
  AP_ERR_KAFKA: 4,
  AP_ERR_KAFKA_UNREACHABLE: 4,
  AP_ERR_NOT_FOUND: 5,
  AP_ERR_STACK: 6,
  AP_ERR_TIMEOUT: 7,
  AP_ERR_CONFLICT: 8,
  AP_ERR_UNSAFE: 9,
  AP_ERR_KUBERNETES: 4,
  AP_ERR_INTERNAL: 1,
}

const BRAND = Symbol.for('kafka-autopilot.error')

export interface AutopilotErrorOptions {
  /** The input field at fault, as a dotted path (`scalers[0].lagThreshold`) or a flag (`--group`). */
  field?: string
  /** Where the user can look next: a log file, a command to run. */
  hint?: string
  /** Extra machine-readable context, kept out of the message. */
  details?: Record<string, unknown>
  retryable?: boolean
  cause?: unknown
}

export class AutopilotError extends Error {
  readonly code: ErrorCode
  readonly field: string | undefined
  readonly hint: string | undefined
  readonly details: Record<string, unknown> | undefined
  readonly retryable: boolean
  readonly [BRAND] = true

  constructor(code: ErrorCode, message: string, options: AutopilotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AutopilotError'
    this.code = code
    this.field = options.field
    this.hint = options.hint
    this.details = options.details
    this.retryable = options.retryable ?? false
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code]
  }

  get exitCode(): number {
    return EXIT_CODE[this.code]
  }

  static is(value: unknown): value is AutopilotError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: boolean })[BRAND] === true
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    }
  }
}

/** One line for a terminal: `error: <message> (field: x)` plus the hint on its own line. */
export function formatError(err: unknown, verbose = false): string {
  if (AutopilotError.is(err)) {
    const lines = [`error: ${err.message}${err.field ? ` (field: ${err.field})` : ''}`]
    if (err.hint) lines.push(`hint: ${err.hint}`)
    if (verbose && err.cause) lines.push(`cause: ${describeCause(err.cause)}`)
    if (verbose && err.stack) lines.push(err.stack)
    return lines.join('\n')
  }
  if (verbose && err instanceof Error && err.stack) return `error: ${err.stack}`
  return `error: ${describeCause(err)}`
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message
  return String(cause)
}
