import { connectionsApiChannel } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { routeOf } from '../../src/kafka/configs.ts'
import { diffCounts, RequestCounter } from '../../src/kafka/request-counter.ts'

describe('RequestCounter', () => {
  it('counts requests of its own clients by API name and stops when closed', () => {
    const counter = new RequestCounter([7])
    const publish = (ownerId: number, apiKey: number) =>
      connectionsApiChannel.start.publish({ connection: { ownerId }, apiKey } as never)
    publish(7, 2)
    publish(7, 2)
    publish(7, 9)
    publish(8, 2)
    counter.close()
    publish(7, 2)
    expect(counter.snapshot()).toEqual({ ListOffsets: 2, OffsetFetch: 1 })
  })
})

describe('diffCounts', () => {
  it('what one call cost', () => {
    expect(diffCounts({ Fetch: 3, Metadata: 1 }, { Fetch: 6, Metadata: 1, ListOffsets: 9 })).toEqual({
      Fetch: 3,
      ListOffsets: 9,
    })
  })
})

describe('configs routeOf', () => {
  it('a broker id goes to that broker; topics and the cluster default go anywhere', () => {
    expect([
      routeOf({ type: 'broker', name: '3' }),
      routeOf({ type: 'broker', name: '' }),
      routeOf({ type: 'topic', name: '12' }),
    ]).toEqual([3, -1, -1])
  })
})
