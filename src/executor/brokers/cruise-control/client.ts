// A small HTTP client for the Cruise Control REST API (2.5, prefix /kafkacruisecontrol), written by hand
// because there is no maintained JavaScript client: one request, JSON in, the `User-Task-ID` header out,
// optional basic auth, and every failure (refused connection, timeout, error JSON, HTML from a proxy) turned
// into an AutopilotError that says what Cruise Control said.
import { AutopilotError, describeCause } from '../../../errors.ts'

export const PREFIX = '/kafkacruisecontrol'
export const TASK_HEADER = 'User-Task-ID'

export interface CruiseControlClientOptions {
  /** Base URL: `http://cruise-control:9090` (the /kafkacruisecontrol prefix is added unless present). */
  url: string
  username?: string
  password?: string
  requestTimeoutMs: number
  /** The config field of `url`, for errors. */
  field: string
}

export interface Answer {
  status: number
  /** The `User-Task-ID` response header of an async endpoint. */
  taskId: string | undefined
  /** The JSON body (object); `{}` for a 2xx body that is empty. */
  body: Record<string, unknown>
}

export class CruiseControlClient {
  readonly base: string
  readonly #auth: string | undefined
  readonly #timeoutMs: number
  readonly #field: string

  constructor(options: CruiseControlClientOptions) {
    const url = new URL(options.url)
    const path = url.pathname.replace(/\/+$/, '')
    url.pathname = path.endsWith(PREFIX) ? path : `${path}${PREFIX}`
    url.search = ''
    url.hash = ''
    this.base = url.toString()
    this.#auth =
      options.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
    this.#timeoutMs = options.requestTimeoutMs
    this.#field = options.field
  }

  /**
   * Sends one request. 200 and 202 resolve; any other status rejects with the error Cruise Control gave.
   * `taskId` resends a request that answered 202, so that Cruise Control returns that task's progress or final
   * answer instead of starting a new one (the request must be the same as the first).
   */
  async send(
    method: 'GET' | 'POST',
    endpoint: string,
    params: Record<string, string>,
    options: { signal?: AbortSignal; taskId?: string } = {},
  ): Promise<Answer> {
    const url = `${this.base}/${endpoint}?${new URLSearchParams(params)}`
    const what = `${method} ${PREFIX}/${endpoint}`
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.#auth) headers.authorization = this.#auth
    if (options.taskId) headers[TASK_HEADER] = options.taskId
    const timeout = AbortSignal.timeout(this.#timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    let status: number
    let text: string
    let taskId: string | undefined
    try {
      const response = await fetch(url, { method, headers, signal })
      status = response.status
      taskId = response.headers.get(TASK_HEADER) ?? undefined
      text = await response.text()
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason
      if (timeout.aborted) {
        throw new AutopilotError(
          'AP_ERR_TIMEOUT',
          `Cruise Control did not answer ${what} within ${this.#timeoutMs} ms`,
          {
            retryable: true,
            field: `${this.#field}.requestTimeoutMs`,
          },
        )
      }
      const code = (err as { cause?: { code?: string } }).cause?.code
      throw new AutopilotError(
        'AP_ERR_KAFKA',
        `cannot reach Cruise Control at ${this.base}: ${code ?? describeCause(err)}`,
        {
          retryable: true,
          field: `${this.#field}.url`,
          cause: err,
          hint: 'check the url and that Cruise Control is running',
        },
      )
    }
    const body = parseJson(text)
    if (status === 200 || status === 202) {
      if (body === undefined && text.trim() === '') return { status, taskId, body: {} }
      if (body === undefined) {
        throw new AutopilotError(
          'AP_ERR_KAFKA',
          `Cruise Control answered ${what} with a body that is not JSON`,
          {
            retryable: true,
            details: { httpStatus: status, body: text.slice(0, 200) },
            hint: 'is the url a Cruise Control server (and not a proxy or login page)?',
          },
        )
      }
      return { status, taskId, body }
    }
    throw answerError(status, what, text, body, this.#field)
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

// Cruise Control's own error strings that mean "not now" rather than "never".
const BUSY = [
  /while there is an ongoing execution/i,
  /ongoing partition reassignments/i,
  /Executor is reserved/i,
  /active user tasks, which has reached the servlet capacity/i,
]
const WARMING_UP = /NotEnoughValidWindowsException|no window available in range|valid windows/i

/** Maps a non-2xx answer; the error JSON is `{version, stackTrace, errorMessage}`. */
export function answerError(
  status: number,
  what: string,
  text: string,
  body: Record<string, unknown> | undefined,
  field: string,
): AutopilotError {
  const said =
    typeof body?.errorMessage === 'string' && body.errorMessage.trim() !== ''
      ? body.errorMessage.trim()
      : text.trim().slice(0, 300) || `HTTP ${status}`
  const details = { httpStatus: status, errorMessage: said }
  if (status === 401) {
    return new AutopilotError('AP_ERR_KAFKA', `Cruise Control refused ${what}: unauthorized`, {
      field: `${field}.username`,
      details,
      hint: 'check username and password (Cruise Control webserver.security.enable with basic auth)',
    })
  }
  if (status === 403) {
    return new AutopilotError('AP_ERR_KAFKA', `Cruise Control refused ${what}: forbidden`, {
      details,
      hint: 'the user needs the ADMIN role for add_broker, remove_broker, rebalance and stop_proposal_execution',
    })
  }
  if (BUSY.some((re) => re.test(said))) {
    return new AutopilotError('AP_ERR_CONFLICT', `Cruise Control is busy: ${said}`, {
      retryable: true,
      details,
      hint: 'another execution is running; wait for it, or stop it first',
    })
  }
  if (WARMING_UP.test(said)) {
    return new AutopilotError('AP_ERR_KAFKA', `Cruise Control cannot propose yet: ${said}`, {
      retryable: true,
      details,
      hint: 'Cruise Control needs at least one full metrics window after a start; try again in a few minutes',
    })
  }
  return new AutopilotError('AP_ERR_KAFKA', `Cruise Control failed ${what}: ${said}`, {
    retryable: status >= 500 && status !== 501,
    details,
    ...(status === 404 ? { field: `${field}.url`, hint: 'is the url the Cruise Control REST API?' } : {}),
  })
}
