import { describe, expect, it } from 'vitest'
import { makeMove } from '../../../src/executor/reassignment/moves.ts'
import {
  deleteResources,
  describeThrottles,
  mismatches,
  setResources,
  throttleConfigs,
  throttlesIn,
} from '../../../src/executor/reassignment/throttles.ts'

const live = new Set([1, 2, 3, 4])

describe('throttleConfigs', () => {
  it.each([
    {
      name: 'one partition, one replica replaced: leader side = current replicas, follower side = the new one',
      moves: [makeMove({ topic: 'orders', partition: 0 }, [1, 2], [3, 2])],
      brokers: [1, 2, 3],
      topics: {
        orders: {
          'leader.replication.throttled.replicas': '0:1,0:2',
          'follower.replication.throttled.replicas': '0:3',
        },
      },
      notLive: [],
    },
    {
      name: 'several partitions and topics, sorted by partition then broker',
      moves: [
        makeMove({ topic: 'b', partition: 5 }, [3, 1], [4, 2]),
        makeMove({ topic: 'a', partition: 10 }, [2, 1], [2, 4]),
        makeMove({ topic: 'a', partition: 2 }, [1, 3], [1, 3, 4]),
      ],
      brokers: [1, 2, 3, 4],
      topics: {
        a: {
          'leader.replication.throttled.replicas': '2:1,2:3,10:1,10:2',
          'follower.replication.throttled.replicas': '2:4,10:4',
        },
        b: {
          'leader.replication.throttled.replicas': '5:1,5:3',
          'follower.replication.throttled.replicas': '5:2,5:4',
        },
      },
      notLive: [],
    },
    {
      name: 'reorder, shrink and no-op moves copy nothing: no throttle at all',
      moves: [
        makeMove({ topic: 'a', partition: 0 }, [1, 2], [2, 1]),
        makeMove({ topic: 'a', partition: 1 }, [1, 2, 3], [1, 2]),
        makeMove({ topic: 'a', partition: 2 }, [1, 2], [1, 2]),
      ],
      brokers: [],
      topics: {},
      notLive: [],
    },
    {
      name: 'a source broker that is down gets no rate (and is reported), its replicas are still listed',
      moves: [makeMove({ topic: 'a', partition: 0 }, [9, 2], [3, 2])],
      brokers: [2, 3],
      topics: {
        a: {
          'leader.replication.throttled.replicas': '0:2,0:9',
          'follower.replication.throttled.replicas': '0:3',
        },
      },
      notLive: [9],
    },
  ])('$name', ({ moves, brokers, topics, notLive }) => {
    const t = throttleConfigs(moves, 1024.7, live)
    expect(t.brokers).toEqual(
      brokers.map((id) => ({
        id,
        configs: {
          'leader.replication.throttled.rate': '1024',
          'follower.replication.throttled.rate': '1024',
        },
      })),
    )
    expect(Object.fromEntries(t.topics.map((x) => [x.name, x.configs]))).toEqual(topics)
    expect(t.notLive).toEqual(notLive)
  })

  it('SET and DELETE touch exactly the throttle keys, nothing else', () => {
    const t = throttleConfigs([makeMove({ topic: 'a', partition: 0 }, [1, 2], [3, 2])], 500, live)
    expect(setResources(t)).toEqual([
      {
        type: 'broker',
        name: '1',
        set: { 'leader.replication.throttled.rate': '500', 'follower.replication.throttled.rate': '500' },
      },
      {
        type: 'broker',
        name: '2',
        set: { 'leader.replication.throttled.rate': '500', 'follower.replication.throttled.rate': '500' },
      },
      {
        type: 'broker',
        name: '3',
        set: { 'leader.replication.throttled.rate': '500', 'follower.replication.throttled.rate': '500' },
      },
      {
        type: 'topic',
        name: 'a',
        set: {
          'leader.replication.throttled.replicas': '0:1,0:2',
          'follower.replication.throttled.replicas': '0:3',
        },
      },
    ])
    expect(deleteResources(t).map((r) => [r.type, r.name, r.delete])).toEqual([
      ['broker', '1', ['leader.replication.throttled.rate', 'follower.replication.throttled.rate']],
      ['broker', '2', ['leader.replication.throttled.rate', 'follower.replication.throttled.rate']],
      ['broker', '3', ['leader.replication.throttled.rate', 'follower.replication.throttled.rate']],
      ['topic', 'a', ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas']],
    ])
  })
})

type Answer = { type: 'broker' | 'topic'; name: string; configs: Record<string, string | null> }

describe('throttlesIn (reading DescribeConfigs answers)', () => {
  it.each<{ name: string; answers: Answer[]; found: unknown }>([
    {
      name: 'unset broker rates are absent, unset topic lists are empty: nothing found',
      answers: [
        { type: 'broker' as const, name: '1', configs: {} },
        {
          type: 'topic' as const,
          name: 't',
          configs: {
            'leader.replication.throttled.replicas': '',
            'follower.replication.throttled.replicas': '',
          },
        },
      ],
      found: { brokers: [], topics: [] },
    },
    {
      name: 'only the keys that are set, other keys ignored',
      answers: [
        {
          type: 'broker' as const,
          name: '2',
          configs: { 'leader.replication.throttled.rate': '1024', 'log.retention.ms': '1' },
        },
        {
          type: 'topic' as const,
          name: 't',
          configs: {
            'leader.replication.throttled.replicas': '*',
            'follower.replication.throttled.replicas': '',
          },
        },
      ],
      found: {
        brokers: [{ id: 2, configs: { 'leader.replication.throttled.rate': '1024' } }],
        topics: [{ name: 't', configs: { 'leader.replication.throttled.replicas': '*' } }],
      },
    },
  ])('$name', ({ answers, found }) => {
    expect(throttlesIn(answers)).toEqual(found)
  })

  it('asks only for the throttle keys', () => {
    expect(describeThrottles([1], ['t'])).toEqual([
      {
        type: 'broker',
        name: '1',
        keys: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'],
      },
      {
        type: 'topic',
        name: 't',
        keys: ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'],
      },
    ])
  })

  it('mismatches: what has not read back yet', () => {
    const expected = throttleConfigs([makeMove({ topic: 'a', partition: 0 }, [1, 2], [3, 2])], 100, live)
    const partial = {
      brokers: [{ id: 1, configs: { 'leader.replication.throttled.rate': '100' } }],
      topics: [],
    }
    expect(mismatches(expected, partial, true)).toEqual([
      'broker 1 follower.replication.throttled.rate',
      'broker 2 leader.replication.throttled.rate',
      'broker 2 follower.replication.throttled.rate',
      'broker 3 leader.replication.throttled.rate',
      'broker 3 follower.replication.throttled.rate',
      'topic a leader.replication.throttled.replicas',
      'topic a follower.replication.throttled.replicas',
    ])
    expect(mismatches(expected, partial, false)).toEqual(['broker 1 leader.replication.throttled.rate'])
  })
})
