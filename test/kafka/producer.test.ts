import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { createConsumerPort } from '../../src/kafka/consumer.ts'
import type { ProducedRecord } from '../../src/kafka/port.ts'
import { toMessages } from '../../src/kafka/producer.ts'

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (AutopilotError.is(e)) return `${e.code} ${e.field}`
    throw e
  }
  return undefined
}

describe('toMessages', () => {
  it('maps records to the library shape: bigint timestamps, optional key, partition and headers', () => {
    expect(
      toMessages([
        { topic: 't', value: 'v', key: 'k', partition: 2, timestamp: 1000, headers: { h: 'x' } },
        { topic: 't', value: '' },
      ]),
    ).toEqual([
      { topic: 't', value: 'v', key: 'k', partition: 2, timestamp: 1000n, headers: { h: 'x' } },
      { topic: 't', value: '' },
    ])
  })

  const bad: Array<[string, unknown, string]> = [
    ['not an array', 'x', 'AP_ERR_INPUT records'],
    ['empty topic', [{ topic: '', value: 'v' }], 'AP_ERR_INPUT records[0].topic'],
    [
      'non-string value',
      [
        { topic: 't', value: 'ok' },
        { topic: 't', value: 3 },
      ],
      'AP_ERR_INPUT records[1].value',
    ],
    ['negative partition', [{ topic: 't', value: 'v', partition: -1 }], 'AP_ERR_INPUT records[0].partition'],
    [
      'fractional timestamp',
      [{ topic: 't', value: 'v', timestamp: 1.5 }],
      'AP_ERR_INPUT records[0].timestamp',
    ],
  ]
  for (const [name, input, expected] of bad) {
    it(`rejects ${name}`, () => expect(fieldOf(() => toMessages(input as ProducedRecord[]))).toBe(expected))
  }
})

describe('createConsumerPort input', () => {
  const base = { bootstrapServers: ['127.0.0.1:9092'], groupId: 'g', topics: ['t'] }
  const rows: Array<[string, object, string]> = [
    ['no group', { groupId: '' }, 'AP_ERR_INPUT groupId'],
    ['no topics', { topics: [] }, 'AP_ERR_INPUT topics'],
    ['bad autocommit interval', { autocommitIntervalMs: 0 }, 'AP_ERR_INPUT autocommitIntervalMs'],
    ['bad bootstrap server', { bootstrapServers: ['nope'] }, 'AP_ERR_CONFIG bootstrapServers[0]'],
  ]
  for (const [name, patch, expected] of rows) {
    it(`rejects ${name} before connecting`, () =>
      expect(fieldOf(() => createConsumerPort({ ...base, ...patch }))).toBe(expected))
  }
})
