// Authentication of POST /alerts and the actions API: a bearer token or HTTP basic credentials, compared in
// constant time (digests of equal length through crypto.timingSafeEqual, so neither the content nor the
// length of the secret leaks through timing). Required whenever the API listens beyond loopback.
import { createHash, timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import { AutopilotError } from '../errors.ts'

export type AlertsAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '')
  if (h === 'localhost') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./i.test(h)
  return false
}

/** Throws AP_ERR_CONFIG when the API listens beyond loopback without authentication. */
export function checkAuthRequired(auth: AlertsAuth, host: string): void {
  if (auth.type === 'none' && !isLoopback(host)) {
    throw new AutopilotError('AP_ERR_CONFIG', `alerts.auth is required when the API listens on ${host}`, {
      field: 'alerts.auth',
      hint: 'set alerts.auth (type: bearer with a token, or basic), or listen on 127.0.0.1',
    })
  }
}

function same(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/**
 * `ok` when the header carries the configured credentials; 401 when missing or of the wrong scheme (the
 * client should authenticate), 403 when present but wrong.
 */
export function authenticate(
  auth: AlertsAuth,
  header: string | undefined,
): { ok: true } | { ok: false; status: 401 | 403 } {
  if (auth.type === 'none') return { ok: true }
  const scheme = auth.type === 'bearer' ? 'bearer' : 'basic'
  const match = /^(\S+)\s+(.+)$/.exec(header?.trim() ?? '')
  if (match === null || match[1]!.toLowerCase() !== scheme) return { ok: false, status: 401 }
  const value = match[2]!.trim()
  if (auth.type === 'bearer') return same(value, auth.token) ? { ok: true } : { ok: false, status: 403 }
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const expected = `${auth.username}:${auth.password}`
  return same(decoded, expected) ? { ok: true } : { ok: false, status: 403 }
}

/** The configured authentication with secrets read from the environment where the config names a variable. */
export function resolveAuth(
  config:
    | { type: 'none' }
    | { type: 'bearer'; token?: string | undefined; tokenEnv?: string | undefined }
    | { type: 'basic'; username: string; password?: string | undefined; passwordEnv?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): AlertsAuth {
  if (config.type === 'none') return config
  const fromEnv = (name: string | undefined, field: string) => {
    const value = name === undefined ? undefined : env[name]
    if (value === undefined || value === '') {
      throw new AutopilotError('AP_ERR_CONFIG', `environment variable ${name} (${field}) is not set`, {
        field,
      })
    }
    return value
  }
  if (config.type === 'bearer') {
    return { type: 'bearer', token: config.token ?? fromEnv(config.tokenEnv, 'alerts.auth.tokenEnv') }
  }
  return {
    type: 'basic',
    username: config.username,
    password: config.password ?? fromEnv(config.passwordEnv, 'alerts.auth.passwordEnv'),
  }
}
