import { describe, expect, it } from 'vitest'
import { fromConsumerDescribe, needsConsumerDescribe, normalizeState } from '../../src/kafka/groups.ts'

describe('normalizeState', () => {
  const rows: Array<[string | null, string]> = [
    ['Stable', 'Stable'],
    ['PREPARING_REBALANCE', 'PreparingRebalance'],
    ['CompletingRebalance', 'CompletingRebalance'],
    ['Reconciling', 'Reconciling'],
    ['Assigning', 'Assigning'],
    ['Empty', 'Empty'],
    ['Dead', 'Dead'],
    ['NotReady', 'Unknown'],
    ['', 'Unknown'],
    [null, 'Unknown'],
  ]
  for (const [raw, expected] of rows)
    it(`${raw} → ${expected}`, () => expect(normalizeState(raw)).toBe(expected))
})

describe('needsConsumerDescribe', () => {
  const group = (errorCode: number, state: string, members: number) => ({
    errorCode,
    groupId: 'g',
    groupState: state,
    protocolType: '',
    protocolData: '',
    members: Array.from({ length: members }, () => ({
      memberId: 'm',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: 'h',
      memberMetadata: Buffer.alloc(0),
      memberAssignment: Buffer.alloc(0),
    })),
    authorizedOperations: 0,
  })
  it('Kafka 4 answer for a KIP-848 group (GROUP_ID_NOT_FOUND) and Dead/0 members need ConsumerGroupDescribe', () => {
    expect([
      needsConsumerDescribe(group(69, 'Dead', 0)),
      needsConsumerDescribe(group(0, 'Dead', 0)),
      needsConsumerDescribe(group(0, 'Stable', 2)),
      needsConsumerDescribe(group(0, 'Empty', 0)),
    ]).toEqual([true, true, false, false])
  })
})

describe('fromConsumerDescribe', () => {
  it('maps KIP-848 members and assignments', () => {
    const d = fromConsumerDescribe(
      {
        errorCode: 0,
        errorMessage: null,
        groupId: 'g',
        groupState: 'Stable',
        groupEpoch: 3,
        assignmentEpoch: 3,
        assignorName: 'uniform',
        authorizedOperations: 0,
        members: [
          {
            memberId: 'm1',
            instanceId: null,
            rackId: null,
            memberEpoch: 3,
            clientId: 'c1',
            clientHost: '/127.0.0.1',
            subscribedTopicNames: ['t'],
            subscribedTopicRegex: null,
            assignment: { topicPartitions: [{ topicId: 'id', topicName: 't', partitions: [0, 2] }] },
            targetAssignment: { topicPartitions: [] },
          },
        ],
      },
      2,
    )
    expect(d).toEqual({
      groupId: 'g',
      state: 'Stable',
      protocolType: 'consumer',
      type: 'consumer',
      coordinator: 2,
      error: null,
      members: [
        {
          memberId: 'm1',
          clientId: 'c1',
          host: '/127.0.0.1',
          assignment: [
            { topic: 't', partition: 0 },
            { topic: 't', partition: 2 },
          ],
        },
      ],
    })
  })
})
