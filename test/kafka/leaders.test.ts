import { describe, expect, it } from 'vitest'
import { byTopic, groupByLeader, uniquePartitions } from '../../src/kafka/leaders.ts'
import type { TopicMetadata } from '../../src/kafka/port.ts'

const topic = (name: string, leaders: number[]): TopicMetadata => ({
  name,
  id: `${name}-id`,
  internal: false,
  partitions: leaders.map((leader, partition) => ({
    partition,
    leader,
    replicas: [],
    isr: [],
    offlineReplicas: [],
  })),
})

describe('groupByLeader', () => {
  const topics = new Map([
    ['a', topic('a', [1, 2, 1])],
    ['b', topic('b', [2, -1])],
  ])
  const { byLeader, unroutable } = groupByLeader(
    [
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
      { topic: 'a', partition: 2 },
      { topic: 'b', partition: 0 },
      { topic: 'b', partition: 1 },
      { topic: 'b', partition: 7 },
      { topic: 'gone', partition: 0 },
    ],
    (name) => topics.get(name),
  )

  it('one batch per leader, whatever the number of partitions', () => {
    expect(
      Object.fromEntries(
        [...byLeader].map(([l, items]) => [l, items.map((i) => `${i.topic}-${i.partition}`)]),
      ),
    ).toEqual({
      1: ['a-0', 'a-2'],
      2: ['a-1', 'b-0'],
    })
  })

  it('partitions without a leader or a topic are reported, not sent', () => {
    expect(unroutable.map((u) => [`${u.item.topic}-${u.item.partition}`, u.error])).toEqual([
      ['b-1', 'LEADER_NOT_AVAILABLE'],
      ['b-7', 'UNKNOWN_TOPIC_OR_PARTITION'],
      ['gone-0', 'UNKNOWN_TOPIC_OR_PARTITION'],
    ])
  })
})

describe('byTopic / uniquePartitions', () => {
  it('groups by topic in first-seen order', () => {
    const grouped = byTopic([
      { topic: 'b', partition: 1 },
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0 },
    ])
    expect(grouped.map((g) => [g.name, g.items.map((i) => i.partition)])).toEqual([
      ['b', [1, 0]],
      ['a', [0]],
    ])
  })

  it('drops duplicate topic-partitions, first wins', () => {
    expect(
      uniquePartitions([
        { topic: 'a', partition: 0, tag: 1 },
        { topic: 'a', partition: 0, tag: 2 },
        { topic: 'a', partition: 1, tag: 3 },
      ]).map((x) => x.tag),
    ).toEqual([1, 3])
  })
})
