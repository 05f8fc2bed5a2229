// The consumer port keeps offsets whose commit failed and commits them in the next round. With KIP-848 groups
// the coordinator answers STALE_MEMBER_EPOCH to a commit sent while the member's epoch is moving (a rebalance);
// the client does not retry it. Dropping those offsets left a partition that got no more records with its tail
// uncommitted: the lag monitor reported lag after everything was handled, and a restart redelivered it. The
// library's Consumer is replaced by a plain EventEmitter: this checks our commit bookkeeping, not Kafka.
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'

interface Committed {
  offsets: Array<{ topic: string; partition: number; offset: bigint }>
}

class FakeConsumer extends EventEmitter {
  assignments = [{ topic: 'orders', partitions: [0] }]
  closedStream = false
  commits: Committed[] = []
  failNextCommits = 1
  async consume() {
    const self = this
    return {
      async close() {
        self.closedStream = true
      },
      async *[Symbol.asyncIterator]() {
        for (let offset = 0n; offset < 3n; offset++) {
          yield {
            topic: 'orders',
            partition: 0,
            offset,
            key: `k${offset}`,
            value: 'v',
            timestamp: 0n,
            leaderEpoch: 0,
          }
        }
        while (!self.closedStream) await new Promise((r) => setTimeout(r, 5))
      },
    }
  }
  async listCommittedOffsets() {
    return new Map()
  }
  async commit(options: Committed) {
    this.commits.push(options)
    if (this.failNextCommits-- > 0) throw new Error('STALE_MEMBER_EPOCH')
  }
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

describe('consumer port: a commit that failed', () => {
  it('is sent again in the next round, with the offsets it carried', async () => {
    const port = createConsumerPort({
      bootstrapServers: ['127.0.0.1:9'],
      groupId: 'g',
      topics: ['orders'],
      autocommitIntervalMs: false,
      groupProtocol: 'consumer',
    })
    let handled = 0
    let allHandled: () => void = () => {}
    const done = new Promise<void>((resolve) => {
      allHandled = resolve
    })
    await port.start(() => {
      if (++handled === 3) allHandled()
    })
    await done
    await new Promise((resolve) => setImmediate(resolve)) // the port records the third record once the handler returns
    const client = made.at(-1)!
    client.emit('consumer:group:rebalance')
    await new Promise((resolve) => setImmediate(resolve))
    expect(client.commits).toHaveLength(1)
    await port.close()
    expect(client.commits.map((c) => c.offsets.map((o) => [o.partition, o.offset]))).toEqual([
      [[0, 3n]],
      [[0, 3n]],
    ])
  })
})
