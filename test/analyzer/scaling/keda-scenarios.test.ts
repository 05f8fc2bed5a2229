// KEDA's Kafka e2e scenarios (spec §4.4) replayed through decide(): same trigger settings, same HPA
// behaviour (no stabilization, Percent 100 per 15 s), pollingInterval 5, cooldownPeriod 0, lagThreshold 1,
// min 0. Each step holds a lag for 90 s (KEDA waits minutes) and checks where the count settles.
import { describe, expect, it } from 'vitest'
import type { LagView } from '../../../src/analyzer/scaling/types.ts'
import { config, Driver, kedaE2eBehavior, type PartitionSpec, view } from './fixtures.ts'

const e2e = (metadata: Record<string, unknown>) =>
  config({
    metadata: { lagThreshold: '1', ...metadata },
    pollingInterval: 5,
    cooldownPeriod: 0,
    behavior: kedaE2eBehavior,
  })

interface Scenario {
  name: string
  metadata: Record<string, unknown>
  /** [what happens, partitions, replicas expected after 90 s] */
  steps: Array<[string, PartitionSpec[] | LagView, number]>
}

const none = (retained = 0): PartitionSpec => ({ committed: null, retained })

const scenarios: Scenario[] = [
  {
    name: '1 earliest policy, no commits',
    metadata: { offsetResetPolicy: 'earliest', activationLagThreshold: '1' },
    steps: [
      ['empty topic', [none(), none(), none()], 0],
      ['1 message: lag 1 is not > 1', [none(1), none(), none()], 0],
      ['2nd message', [none(1), none(1), none()], 2],
      ['+5 messages: lag 7, capped at 3 partitions', [none(3), none(2), none(2)], 3],
    ],
  },
  {
    name: '2 latest policy, group committed to the end',
    metadata: { offsetResetPolicy: 'latest', activationLagThreshold: '1' },
    steps: [
      ['no messages', [0, 0, 0], 0],
      ['1 message', [1, 0, 0], 0],
      ['2 messages', [1, 1, 0], 2],
      ['7 messages', [3, 2, 2], 3],
    ],
  },
  {
    name: '3 multi-topic, topic unset',
    metadata: { topic: '', activationLagThreshold: '0' },
    steps: [
      ['no messages', multiTopic(0, 0), 0],
      ['1 message on topic 1', multiTopic(1, 0), 1],
      ['1 more on topic 2', multiTopic(1, 1), 2],
    ],
  },
  {
    name: '4 scaleToZeroOnInvalidOffset, latest, group never commits',
    metadata: { scaleToZeroOnInvalidOffset: 'true', offsetResetPolicy: 'latest' },
    steps: [['30 s', [none(5)], 0]],
  },
  {
    name: '5 scaleToZeroOnInvalidOffset, earliest',
    metadata: { scaleToZeroOnInvalidOffset: 'true', offsetResetPolicy: 'earliest' },
    steps: [['30 s', [none(5)], 0]],
  },
  {
    name: '6 invalid offset counts 1, latest',
    metadata: { scaleToZeroOnInvalidOffset: 'false', offsetResetPolicy: 'latest' },
    steps: [
      ['no commit, no messages: one consumer to join', [none()], 1],
      ['group committed and consumed', [0], 0],
    ],
  },
  {
    name: '7 invalid offset, earliest, one message produced first',
    metadata: { scaleToZeroOnInvalidOffset: 'false', offsetResetPolicy: 'earliest' },
    steps: [
      ['no commit', [none(1)], 1],
      ['committed and consumed', [0], 0],
    ],
  },
  {
    name: '8 persistent lag excluded',
    metadata: { excludePersistentLag: 'true', persistentLagSeconds: '0' },
    steps: [
      ['the group consumes 1 message', [{ committed: 1, lag: 1 }], 1],
      ['the group stops moving, 5 more messages: stays at 1, not 5', [{ committed: 1, lag: 6 }], 1],
    ],
  },
  {
    name: '9 limitToPartitionsWithLag',
    metadata: {
      limitToPartitionsWithLag: 'true',
      offsetResetPolicy: 'earliest',
      activationLagThreshold: '1',
    },
    steps: [
      ['1 keyed message', [none(1), none(), none()], 0],
      ['+5 to the same key: one partition has lag', [none(6), none(), none()], 1],
      ['5 to a second key: two partitions', [none(6), none(5), none()], 2],
    ],
  },
  {
    name: '10 ensureEvenDistributionOfPartitions, 10 partitions',
    metadata: { ensureEvenDistributionOfPartitions: 'true', activationLagThreshold: '1' },
    steps: [
      ['1 message', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0],
      ['lag 5', [1, 1, 1, 1, 1, 0, 0, 0, 0, 0], 5],
      ['lag 8: next divisor is 10', [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], 10],
    ],
  },
]

function multiTopic(lag1: number, lag2: number): LagView {
  const v = view([])
  v.partitions = [
    { topic: 'topic1', partition: 0, committedOffset: 10, lag: lag1, retainedRecords: null },
    { topic: 'topic2', partition: 0, committedOffset: 10, lag: lag2, retainedRecords: null },
  ]
  return v
}

describe('KEDA e2e scenarios', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const driver = new Driver(e2e(scenario.metadata))
    const settled = scenario.steps.map(([step, lag, _expected]) => {
      const v = Array.isArray(lag) ? view(lag) : lag
      return [step, driver.run(v, 90).desired]
    })
    expect(settled).toEqual(scenario.steps.map(([step, _lag, expected]) => [step, expected]))
  })

  it('scenario 8 holds for a whole minute without scaling to the stuck lag', () => {
    const driver = new Driver(e2e({ excludePersistentLag: 'true', persistentLagSeconds: '0' }))
    driver.run(view([{ committed: 1, lag: 1 }]), 30)
    driver.run(view([{ committed: 1, lag: 6 }]), 60)
    expect(new Set(driver.decisions.slice(6).map((d) => d.desired))).toEqual(new Set([1]))
  })
})
