// The consumer port when the client library gives up after start(): @platformatic/kafka emits 'error' on the
// Consumer (e.g. rejoining the group on a closed connection). With no listener Node crashes the process (seen
// in CI: an autoscaled worker died with an unhandled 'error' event). The port must stop reading and report it
// through onFailure instead. The library's Consumer is replaced by a plain EventEmitter here: this checks our
// wiring only, not Kafka.
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'

class FakeConsumer extends EventEmitter {
  assignments = [{ topic: 'orders', partitions: [0] }]
  closedStream = false
  async consume() {
    const self = this
    return {
      async close() {
        self.closedStream = true
      },
      async *[Symbol.asyncIterator]() {
        while (!self.closedStream) await new Promise((r) => setTimeout(r, 5))
      },
    }
  }
  async commit() {}
  async close() {}
}

const made: FakeConsumer[] = []
vi.mock('@platformatic/kafka', async (original) => ({
  ...(await original<typeof import('@platformatic/kafka')>()),
  Consumer: class extends FakeConsumer {
    constructor() {
      super()
      made.push(this)
    }
  },
}))

const { createConsumerPort } = await import('../../src/kafka/consumer.ts')

describe('consumer port: a client error after start', () => {
  it('does not crash, stops reading and reports the failure once', async () => {
    const failures: unknown[] = []
    const port = createConsumerPort({
      bootstrapServers: ['127.0.0.1:9'],
      groupId: 'g',
      topics: ['orders'],
      autocommitIntervalMs: false,
      onFailure: (error) => failures.push(error),
    })
    await port.start(() => {})
    const client = made.at(-1)!
    client.emit('error', Object.assign(new Error('Connection closed'), { code: 'PLT_KFK_NETWORK' }))
    client.emit('error', new Error('again'))
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ name: 'AutopilotError' })
    expect(client.closedStream).toBe(true)
    await expect(port.close()).resolves.toBeUndefined()
  })

  it('an error while closing is not a failure', async () => {
    const failures: unknown[] = []
    const port = createConsumerPort({
      bootstrapServers: ['127.0.0.1:9'],
      groupId: 'g',
      topics: ['orders'],
      autocommitIntervalMs: false,
      onFailure: (error) => failures.push(error),
    })
    await port.start(() => {})
    const closing = port.close()
    made.at(-1)!.emit('error', new Error('Connection closed'))
    await closing
    expect(failures).toEqual([])
  })
})
