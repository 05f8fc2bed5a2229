// Glue between @kubernetes/client-node and our errors: per-request options (AbortSignal, Content-Type) and
// the mapping of every failure (ApiException with a Status body, a body that is not JSON, a refused
// connection) to an AutopilotError. The client does the HTTP; this file only adapts it.
import { ApiException, type ConfigurationOptions, Observable } from '@kubernetes/client-node'
import { AutopilotError, describeCause } from '../../errors.ts'

/** Per-call client options: an AbortSignal on the fetch, and optionally a Content-Type (for patches). */
export function callOptions(signal?: AbortSignal, contentType?: string): ConfigurationOptions | undefined {
  if (!signal && !contentType) return undefined
  return {
    middleware: [
      {
        pre: (context) => {
          if (signal) context.setSignal(signal)
          if (contentType) context.setHeaderParam('Content-Type', contentType)
          return new Observable(Promise.resolve(context))
        },
        post: (context) => new Observable(Promise.resolve(context)),
      },
    ],
    // Keep the KubeConfig's own middleware (authentication).
    middlewareMergeStrategy: 'append',
  }
}

/** The `metav1.Status` fields we use from an error body. */
export interface StatusBody {
  reason?: string
  message?: string
  code?: number
}

export function parseStatusBody(body: unknown): StatusBody | undefined {
  let value = body
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body)
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 200) } : undefined
    }
  }
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  return {
    reason: typeof record.reason === 'string' ? record.reason : undefined,
    message: typeof record.message === 'string' ? record.message : undefined,
    code: typeof record.code === 'number' ? record.code : undefined,
  }
}

/** HTTP status of a client failure, if the server answered. */
export function httpStatusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined
}

/**
 * Turns anything the client threw while doing `what` ("reading the scale of Deployment shop/x") into an
 * AutopilotError. The caller rethrows an aborted signal's reason before calling this.
 */
export function kubernetesError(err: unknown, what: string, field?: string): AutopilotError {
  if (AutopilotError.is(err)) return err
  if (err instanceof ApiException) {
    const status = parseStatusBody(err.body)
    const detail = status?.message ?? status?.reason ?? `HTTP ${err.code}`
    const details = { httpStatus: err.code, reason: status?.reason }
    if (err.code === 404)
      return new AutopilotError('AP_ERR_NOT_FOUND', `${what}: ${detail}`, { field, details })
    if (err.code === 409) {
      return new AutopilotError('AP_ERR_CONFLICT', `${what}: ${detail}`, { field, details, retryable: true })
    }
    if (err.code === 401 || err.code === 403) {
      return new AutopilotError(
        'AP_ERR_KUBERNETES',
        `${what}: ${err.code === 401 ? 'unauthorized' : detail}`,
        {
          details,
          hint:
            err.code === 401
              ? 'check the kubeconfig credentials (token, client certificate)'
              : 'grant the RBAC permission named above to the identity Autopilot runs as',
        },
      )
    }
    const retryable = err.code === 429 || err.code >= 500
    return new AutopilotError('AP_ERR_KUBERNETES', `${what}: ${detail}`, { details, retryable })
  }
  // The generated client parses bodies with JSON.parse (SyntaxError) and refuses unknown media types.
  if (
    err instanceof SyntaxError ||
    /Cannot parse content|not supported by ObjectSerializer/.test(String(err))
  ) {
    return new AutopilotError(
      'AP_ERR_KUBERNETES',
      `${what}: the API server answered with a body that is not JSON`,
      {
        cause: err,
        retryable: true,
      },
    )
  }
  const cause = (err as { cause?: { code?: string } })?.cause
  return new AutopilotError(
    'AP_ERR_KUBERNETES',
    `${what}: cannot reach the API server: ${cause?.code ?? describeCause(err)}`,
    {
      cause: err,
      retryable: true,
      hint: 'check the kubeconfig cluster address and that the API server is up',
    },
  )
}

/** Runs one client call; failures become AutopilotErrors, an abort rejects with the signal's reason. */
export async function call<T>(
  what: string,
  signal: AbortSignal | undefined,
  request: () => Promise<T>,
  field?: string,
): Promise<T> {
  signal?.throwIfAborted()
  try {
    return await request()
  } catch (err) {
    if (signal?.aborted) throw signal.reason
    throw kubernetesError(err, what, field)
  }
}

/** A plain object, or undefined: the guard every Kubernetes answer goes through before we read fields. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
