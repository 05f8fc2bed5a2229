import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { parseBootstrapServers, resolveConnection } from '../../src/kafka/options.ts'

describe('parseBootstrapServers', () => {
  const bad: Array<[string, unknown, string]> = [
    ['missing', undefined, 'bootstrapServers'],
    ['empty list', [], 'bootstrapServers'],
    ['no port', ['localhost'], 'bootstrapServers[0]'],
    ['port out of range', ['a:9092', 'b:70000'], 'bootstrapServers[1]'],
    ['not a string', [9092], 'bootstrapServers[0]'],
    ['url instead of host:port', ['http://a:9092'], 'bootstrapServers[0]'],
  ]
  for (const [name, input, field] of bad) {
    it(`rejects ${name}, naming the field`, () => {
      try {
        parseBootstrapServers(input)
        expect.unreachable()
      } catch (e) {
        expect(AutopilotError.is(e) && [e.code, e.field]).toEqual(['AP_ERR_CONFIG', field])
      }
    })
  }

  it('accepts host:port, IPv4 and bracketed IPv6', () => {
    expect(parseBootstrapServers([' 127.0.0.1:9092', 'kafka-0.kafka:9093', '[::1]:9094'])).toEqual([
      '127.0.0.1:9092',
      'kafka-0.kafka:9093',
      '[::1]:9094',
    ])
  })
})

describe('resolveConnection', () => {
  it('bounds timeouts and retries so a dead cluster fails in about ten seconds', () => {
    const { base } = resolveConnection({ bootstrapServers: ['a:1'] })
    const worst = (base.retries as number) + 1
    expect(
      worst * (base.connectTimeout as number) + (base.retries as number) * (base.retryDelay as number),
    ).toBeLessThanOrEqual(10_000)
    expect(base.requestTimeout).toBe(15_000)
  })

  it('maps TLS and SASL options', () => {
    const { base } = resolveConnection({
      bootstrapServers: ['a:1'],
      clientId: 'me',
      tls: true,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
      timeoutMs: 5_000,
      connectTimeoutMs: 9_000,
    })
    expect([base.clientId, base.tls, base.sasl?.mechanism, base.connectTimeout, base.timeout]).toEqual([
      'me',
      {},
      'SCRAM-SHA-512',
      5_000,
      4_000,
    ])
  })

  it('rejects a non-positive timeout, naming it', () => {
    expect(() => resolveConnection({ bootstrapServers: ['a:1'], timeoutMs: 0 })).toThrow(/timeoutMs/)
  })
})
