// Choosing "any broker" and blaming the right one: a frozen broker (SIGSTOP) only times out, so the broker a
// request actually went to is tried last, reads move on to another broker, writes are sent once, and a timeout
// of a call addressed to one broker (ListOffsets to a leader) demotes nothing.
import { ProtocolError, TimeoutError } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { BrokerChoice, brokerKey, callAnyBroker, SLOW_BROKER_MS } from '../../src/kafka/any-broker.ts'
import { KafkaSession } from '../../src/kafka/session.ts'

const b = (port: number) => ({ host: '127.0.0.1', port })
const keys = (list: Array<{ host: string; port: number }>) => list.map(brokerKey)
const timeout = () => new TimeoutError('Request timed out')

/** A fake cluster of plain data: which broker answers what; records where each request went. */
function cluster(answers: Record<string, 'ok' | 'timeout' | 'protocol'>, choice: BrokerChoice) {
  const candidates = Object.keys(answers).map((k) => b(Number(k.split(':')[1])))
  const sent: string[] = []
  return {
    sent,
    call: (attempts: number, deadline = Number.POSITIVE_INFINITY, now?: () => number) =>
      callAnyBroker({
        pick: async (avoid) => {
          const key = brokerKey(choice.order(candidates, avoid)[0]!)
          return { key, connection: key }
        },
        send: async (connection: string) => {
          sent.push(connection)
          const answer = answers[connection]
          if (answer === 'timeout') throw timeout()
          if (answer === 'protocol') throw new ProtocolError('NOT_CONTROLLER')
          return `answer from ${connection}`
        },
        demote: (key) => choice.demote(key),
        attempts,
        deadline,
        ...(now ? { now } : {}),
      }),
  }
}

describe('BrokerChoice.order', () => {
  it('keeps the given order without duplicates, demoted brokers last, those tried by this call after them', () => {
    let t = 1_000
    const choice = new BrokerChoice({ now: () => t })
    const list = [b(1), b(2), b(3), b(2), b(4)]
    expect(keys(choice.order(list))).toEqual(keys([b(1), b(2), b(3), b(4)]))
    choice.demote(brokerKey(b(2)))
    t += 1
    choice.demote(brokerKey(b(1)))
    expect(keys(choice.order(list))).toEqual(keys([b(3), b(4), b(2), b(1)]))
    expect(keys(choice.order(list, new Set([brokerKey(b(3))])))).toEqual(keys([b(4), b(2), b(1), b(3)]))
  })

  it('forgets a demotion after SLOW_BROKER_MS', () => {
    let t = 0
    const choice = new BrokerChoice({ now: () => t })
    choice.demote(brokerKey(b(1)))
    t = SLOW_BROKER_MS - 1
    expect(keys(choice.order([b(1), b(2)]))).toEqual(keys([b(2), b(1)]))
    t = SLOW_BROKER_MS
    expect(keys(choice.order([b(1), b(2)]))).toEqual(keys([b(1), b(2)]))
  })
})

describe('callAnyBroker', () => {
  it('an idempotent read that times out on the frozen broker is answered by the next one', async () => {
    const choice = new BrokerChoice()
    const c = cluster({ '127.0.0.1:1': 'timeout', '127.0.0.1:2': 'ok', '127.0.0.1:3': 'ok' }, choice)
    await expect(c.call(3)).resolves.toBe('answer from 127.0.0.1:2')
    expect(c.sent).toEqual(['127.0.0.1:1', '127.0.0.1:2'])
    // the frozen broker, and only it, is tried last by the next call
    expect(keys(choice.order([b(1), b(2), b(3)]))).toEqual(keys([b(2), b(3), b(1)]))
    await expect(c.call(3)).resolves.toBe('answer from 127.0.0.1:2')
    expect(c.sent).toEqual(['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:2'])
  })

  it('a write is sent once: the timeout is thrown, and the broker it went to is blamed', async () => {
    const choice = new BrokerChoice()
    const c = cluster({ '127.0.0.1:1': 'timeout', '127.0.0.1:2': 'ok' }, choice)
    await expect(c.call(1)).rejects.toThrow('Request timed out')
    expect(c.sent).toEqual(['127.0.0.1:1'])
    expect(keys(choice.order([b(1), b(2)]))).toEqual(keys([b(2), b(1)]))
  })

  it('a Kafka error answer is neither retried nor blamed on the broker', async () => {
    const choice = new BrokerChoice()
    const c = cluster({ '127.0.0.1:1': 'protocol', '127.0.0.1:2': 'ok' }, choice)
    await expect(c.call(3)).rejects.toThrow()
    expect(c.sent).toEqual(['127.0.0.1:1'])
    expect(keys(choice.order([b(1), b(2)]))).toEqual(keys([b(1), b(2)]))
  })

  it('stops at the deadline, and never asks a broker it already tried', async () => {
    let t = 0
    const late = cluster(
      { '127.0.0.1:1': 'timeout', '127.0.0.1:2': 'ok' },
      new BrokerChoice({ now: () => t }),
    )
    const slowSend = late.call(3, 100, () => {
      t += 150 // each attempt waits out its timeout
      return t
    })
    await expect(slowSend).rejects.toThrow('Request timed out')
    expect(late.sent).toEqual(['127.0.0.1:1'])

    const allFrozen = cluster({ '127.0.0.1:1': 'timeout', '127.0.0.1:2': 'timeout' }, new BrokerChoice())
    await expect(allFrozen.call(3)).rejects.toThrow('Request timed out')
    expect(allFrozen.sent).toEqual(['127.0.0.1:1', '127.0.0.1:2'])
  })
})

describe('KafkaSession: blame only the broker a request went to', () => {
  it('a timeout of a call addressed to one broker (ListOffsets to a leader) leaves the any-broker order alone', async () => {
    const session = new KafkaSession({ bootstrapServers: ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'] })
    try {
      session.brokers = new Map([[4, { id: 4, host: '127.0.0.1', port: 4, rack: null }]])
      const before = keys(session.brokerOrder())
      expect(before).toEqual(keys([b(1), b(2), b(3), b(4)]))
      const error = session.fail(timeout(), 'ListOffsets')
      expect(error.code).toBe('AP_ERR_KAFKA_UNREACHABLE')
      session.fail(timeout(), 'Fetch')
      expect(keys(session.brokerOrder())).toEqual(before)
    } finally {
      await session.close()
    }
  })
})
