import {
  MultipleErrors,
  NetworkError,
  ProtocolError,
  ResponseError,
  TimeoutError,
  UserError,
} from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import {
  isNetworkFailure,
  protocolErrorIds,
  protocolErrorName,
  toAutopilotError,
} from '../../src/kafka/error-mapping.ts'

const ctx = { api: 'CreateTopics', bootstrapServers: ['127.0.0.1:9', '127.0.0.1:10'], subject: 'topic t' }
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })

describe('toAutopilotError', () => {
  const rows: Array<{ name: string; error: unknown; code: string; message: RegExp; retryable?: boolean }> = [
    {
      name: 'connection refused on every bootstrap server → unreachable, naming them',
      error: new MultipleErrors('Cannot connect to any broker.', [
        new NetworkError('Connection to 127.0.0.1:9 failed.', { cause: refused }),
        new NetworkError('Connection to 127.0.0.1:10 failed.', { cause: refused }),
      ]),
      code: 'AP_ERR_KAFKA_UNREACHABLE',
      message: /bootstrap servers 127\.0\.0\.1:9,127\.0\.0\.1:10.*ECONNREFUSED/,
      retryable: true,
    },
    {
      name: 'request timeout → unreachable',
      error: new TimeoutError('Request timed out'),
      code: 'AP_ERR_KAFKA_UNREACHABLE',
      message: /Request timed out/,
    },
    {
      name: 'unknown topic in a response → not found',
      error: new ResponseError(3, 7, { '/topics/0': [3, null] }, {}),
      code: 'AP_ERR_NOT_FOUND',
      message: /CreateTopics for topic t failed: UNKNOWN_TOPIC_OR_PARTITION/,
    },
    {
      name: 'topic exists → conflict with the server message',
      error: new ProtocolError('TOPIC_ALREADY_EXISTS', "Topic 't' already exists."),
      code: 'AP_ERR_CONFLICT',
      message: /TOPIC_ALREADY_EXISTS \(Topic 't' already exists.\)/,
    },
    {
      name: 'bad replication factor → input error',
      error: new ProtocolError('INVALID_REPLICATION_FACTOR'),
      code: 'AP_ERR_INPUT',
      message: /INVALID_REPLICATION_FACTOR/,
    },
    {
      name: 'other protocol errors → kafka error with the API name, retryable when Kafka says so',
      error: new MultipleErrors('x', [new ProtocolError('NOT_CONTROLLER')]),
      code: 'AP_ERR_KAFKA',
      message: /Kafka CreateTopics for topic t failed: NOT_CONTROLLER/,
      retryable: true,
    },
    {
      name: "the library's unknown-topic user error → not found",
      error: new UserError('Unknown topic t.'),
      code: 'AP_ERR_NOT_FOUND',
      message: /Unknown topic t/,
    },
    { name: 'anything else → kafka error', error: 'boom', code: 'AP_ERR_KAFKA', message: /boom/ },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const mapped = toAutopilotError(row.error, ctx)
      expect(mapped.code).toBe(row.code)
      expect(mapped.message).toMatch(row.message)
      if (row.retryable !== undefined) expect(mapped.retryable).toBe(row.retryable)
    })
  }

  it('passes an AutopilotError through unchanged', () => {
    const original = new AutopilotError('AP_ERR_INPUT', 'bad', { field: 'x' })
    expect(toAutopilotError(original, ctx)).toBe(original)
  })

  it('keeps the field when given', () => {
    expect(
      toAutopilotError(new ProtocolError('INVALID_PARTITIONS'), { ...ctx, field: 'partitions' }).field,
    ).toBe('partitions')
  })
})

describe('helpers', () => {
  it('names protocol error codes, unknown ones included', () => {
    expect([protocolErrorName(3), protocolErrorName(84), protocolErrorName(9999)]).toEqual([
      'UNKNOWN_TOPIC_OR_PARTITION',
      'ELECTION_NOT_NEEDED',
      'ERROR_9999',
    ])
  })

  it('finds protocol errors in nested trees, once each', () => {
    const tree = new MultipleErrors('a', [
      new MultipleErrors('b', [new ProtocolError('NOT_COORDINATOR'), new ProtocolError('NOT_COORDINATOR')]),
      new ProtocolError('REBALANCE_IN_PROGRESS'),
    ])
    expect(protocolErrorIds(tree)).toEqual(['NOT_COORDINATOR', 'REBALANCE_IN_PROGRESS'])
  })

  it('a protocol answer is never a network failure', () => {
    const mixed = new MultipleErrors('a', [
      new NetworkError('Connection closed'),
      new ProtocolError('NOT_CONTROLLER'),
    ])
    expect([isNetworkFailure(mixed), isNetworkFailure(new NetworkError('Connection closed'))]).toEqual([
      false,
      true,
    ])
  })
})
