// Authentication of the alerts API: 401 without or with the wrong scheme, 403 with wrong credentials,
// comparison through crypto.timingSafeEqual, and the loopback rule.
import * as crypto from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { authenticate, checkAuthRequired, isLoopback, resolveAuth } from '../../src/alerts/auth.ts'

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

describe('authenticate', () => {
  const bearer = { type: 'bearer' as const, token: 's3cret' }
  const basicAuth = { type: 'basic' as const, username: 'am', password: 'pw' }
  const rows: Array<[string, Parameters<typeof authenticate>[0], string | undefined, boolean | 401 | 403]> = [
    ['no auth configured', { type: 'none' }, undefined, true],
    ['bearer ok', bearer, 'Bearer s3cret', true],
    ['bearer scheme is case-insensitive', bearer, 'bearer s3cret', true],
    ['bearer missing header', bearer, undefined, 401],
    ['bearer wrong scheme', bearer, 'Basic czNjcmV0', 401],
    ['bearer wrong token', bearer, 'Bearer s3cres', 403],
    ['bearer prefix of the token', bearer, 'Bearer s3c', 403],
    ['basic ok', basicAuth, basic('am', 'pw'), true],
    ['basic wrong password', basicAuth, basic('am', 'px'), 403],
    ['basic wrong user', basicAuth, basic('xx', 'pw'), 403],
    ['basic as bearer', basicAuth, 'Bearer pw', 401],
  ]
  for (const [name, auth, header, expected] of rows) {
    it(name, () => {
      const result = authenticate(auth, header)
      expect(result.ok ? true : (result as { status: number }).status).toBe(expected)
    })
  }
})

describe('timing-safe comparison', () => {
  it('compares through crypto.timingSafeEqual', async () => {
    vi.resetModules()
    const spy = vi.fn(crypto.timingSafeEqual)
    vi.doMock('node:crypto', async () => ({
      ...(await vi.importActual<typeof crypto>('node:crypto')),
      timingSafeEqual: spy,
    }))
    const fresh = await import('../../src/alerts/auth.ts')
    expect(fresh.authenticate({ type: 'bearer', token: 'abc' }, 'Bearer abd')).toEqual({
      ok: false,
      status: 403,
    })
    expect(spy).toHaveBeenCalledTimes(1)
    vi.doUnmock('node:crypto')
  })
})

describe('loopback rule', () => {
  const hosts: Array<[string, boolean]> = [
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['example.com', false],
  ]
  for (const [host, loop] of hosts) {
    it(`${host} is ${loop ? '' : 'not '}loopback`, () => expect(isLoopback(host)).toBe(loop))
  }
  it('refuses no auth beyond loopback, naming alerts.auth', () => {
    expect(() => checkAuthRequired({ type: 'none' }, '0.0.0.0')).toThrow(
      expect.objectContaining({ code: 'AP_ERR_CONFIG', field: 'alerts.auth' }),
    )
    expect(() => checkAuthRequired({ type: 'none' }, '127.0.0.1')).not.toThrow()
    expect(() => checkAuthRequired({ type: 'bearer', token: 't' }, '0.0.0.0')).not.toThrow()
  })
  it('reads secrets from the environment, and names a missing variable', () => {
    expect(resolveAuth({ type: 'bearer', tokenEnv: 'TOK' }, { TOK: 'x' })).toEqual({
      type: 'bearer',
      token: 'x',
    })
    expect(() => resolveAuth({ type: 'bearer', tokenEnv: 'TOK' }, {})).toThrow(
      expect.objectContaining({ field: 'alerts.auth.tokenEnv' }),
    )
  })
})
