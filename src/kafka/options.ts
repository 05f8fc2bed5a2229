// Turns the port's ConnectionOptions into @platformatic/kafka client options, with bounded timeouts so a dead
// bootstrap server fails within seconds instead of hanging: connect 3 s per attempt, 2 retries 250 ms apart.
import type { BaseOptions } from '@platformatic/kafka'
import { AutopilotError } from '../errors.ts'
import type { ConnectionOptions } from './port.ts'

export const DEFAULT_CLIENT_ID = 'kafka-autopilot'
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000
const RETRIES = 2
const RETRY_DELAY_MS = 250

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):(\d{1,5})$/

/** Validates `host:port` strings; the field names the offending entry. */
export function parseBootstrapServers(servers: unknown, field = 'bootstrapServers'): string[] {
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new AutopilotError('AP_ERR_CONFIG', 'at least one Kafka bootstrap server (host:port) is required', {
      field,
    })
  }
  return servers.map((server, index) => {
    const match = typeof server === 'string' ? HOST_PORT.exec(server.trim()) : null
    const port = match ? Number(match[2]) : 0
    if (!match || port < 1 || port > 65_535) {
      throw new AutopilotError(
        'AP_ERR_CONFIG',
        `bootstrap server ${JSON.stringify(server)} is not host:port`,
        {
          field: `${field}[${index}]`,
        },
      )
    }
    return (server as string).trim()
  })
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new AutopilotError('AP_ERR_CONFIG', `${field} must be a positive number of milliseconds`, { field })
  }
  return value
}

export interface ResolvedConnection {
  bootstrapServers: string[]
  requestTimeoutMs: number
  base: BaseOptions
}

export function resolveConnection(
  options: ConnectionOptions,
  clientSuffix = '',
  defaultRequestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): ResolvedConnection {
  const bootstrapServers = parseBootstrapServers(options.bootstrapServers)
  const requestTimeoutMs = positive(options.timeoutMs, defaultRequestTimeoutMs, 'timeoutMs')
  const connectTimeout = Math.min(
    positive(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
    requestTimeoutMs,
  )
  const base: BaseOptions = {
    clientId: `${options.clientId ?? DEFAULT_CLIENT_ID}${clientSuffix}`,
    bootstrapBrokers: bootstrapServers,
    connectTimeout,
    requestTimeout: requestTimeoutMs,
    // Broker-side timeout of admin operations (CreateTopics…): below the request timeout so the broker answers first.
    timeout: Math.max(1_000, requestTimeoutMs - 1_000),
    retries: RETRIES,
    retryDelay: RETRY_DELAY_MS,
    metadataMaxAge: 5_000,
  }
  if (options.sasl) {
    base.sasl = {
      mechanism: options.sasl.mechanism,
      username: options.sasl.username,
      password: options.sasl.password,
    }
  }
  if (options.tls) {
    base.tls = options.tls === true ? {} : { ...options.tls }
  }
  return { bootstrapServers, requestTimeoutMs, base }
}
