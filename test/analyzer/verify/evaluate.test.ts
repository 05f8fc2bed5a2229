import { describe, expect, it } from 'vitest'
import type { GroupLag, PartitionLag } from '../../../src/analyzer/lag/types.ts'
import { evaluateChecks, verifyPassed } from '../../../src/analyzer/verify/evaluate.ts'
import {
  type ActiveAlert,
  type CheckName,
  DEFAULT_VERIFY_OPTIONS,
  type VerifyOptions,
  type VerifySnapshot,
} from '../../../src/analyzer/verify/types.ts'
import type { PartitionMetadata } from '../../../src/kafka/port.ts'

/** Brokers 1..n up; topic `orders` with 3 partitions replicated on all of them, all in sync. */
function cluster(brokersUp = [1, 2, 3], partitions?: PartitionMetadata[]): VerifySnapshot['metadata'] {
  const all = [1, 2, 3]
  return {
    clusterId: 'c',
    controllerId: 1,
    brokers: brokersUp.map((id) => ({ id, host: '127.0.0.1', port: 9090 + id, rack: null })),
    topics: [
      {
        name: 'orders',
        id: 't',
        internal: false,
        partitions:
          partitions ??
          [0, 1, 2].map((p) => ({
            partition: p,
            leader: all[p]!,
            replicas: all,
            isr: all,
            offlineReplicas: [],
          })),
      },
    ],
  }
}

function partitionLag(partition: number, lag: number | null, lagSeconds: number | null = 0): PartitionLag {
  return {
    partition,
    committedOffset: 0,
    logStartOffset: 0,
    logEndOffset: lag,
    lastStableOffset: lag,
    lag,
    lagSeconds,
    lagSecondsSource: 'probe',
    recordsLost: 0,
    productionRate: null,
    consumptionRate: null,
    flags: [],
    member: null,
    error: lag === null ? 'NOT_LEADER_OR_FOLLOWER' : null,
  }
}

function group(
  name: string,
  lags: Array<number | null>,
  topic = 'orders',
  seconds: number | null = 0,
): GroupLag {
  return {
    group: name,
    state: 'Stable',
    type: 'classic',
    members: 1,
    totalLag: 0,
    maxLagSeconds: null,
    productionRate: null,
    consumptionRate: null,
    unavailablePartitions: 0,
    topics: [
      {
        topic,
        lag: 0,
        maxLagSeconds: null,
        productionRate: null,
        consumptionRate: null,
        partitions: lags.map((l, i) => partitionLag(i, l, seconds)),
      },
    ],
    error: null,
  }
}

const alert = (name: string, state = 'active'): ActiveAlert => ({
  name,
  state,
  labels: { alertname: name, instance: 'b1' },
  startsAt: null,
})

describe('verify checks', () => {
  const rows: Array<{
    name: string
    snapshot: Partial<VerifySnapshot>
    options?: Partial<VerifyOptions>
    expected: Partial<Record<CheckName, 'pass' | 'fail' | 'skip'>>
    detail?: [CheckName, RegExp]
  }> = [
    {
      name: 'healthy cluster, groups under threshold, only Watchdog firing: all pass',
      snapshot: { groups: [group('g', [0, 10, 999])], alerts: { alerts: [alert('Watchdog')] } },
      expected: {
        'brokers-up': 'pass',
        'under-replicated': 'pass',
        'offline-partitions': 'pass',
        'consumer-lag': 'pass',
        alerts: 'pass',
      },
    },
    {
      name: 'no --group and no --alertmanager: those checks are skipped, not failed',
      snapshot: {},
      expected: { 'consumer-lag': 'skip', alerts: 'skip' },
    },
    {
      name: 'a broker holding replicas is missing from metadata',
      snapshot: { metadata: cluster([1, 2]) },
      expected: { 'brokers-up': 'fail' },
      detail: ['brokers-up', /broker 3 is down/],
    },
    {
      name: 'fewer brokers than --brokers (a new broker that holds nothing yet)',
      snapshot: {},
      options: { expectedBrokers: 5 },
      expected: { 'brokers-up': 'fail' },
      detail: ['brokers-up', /3 of 5 expected brokers are up/],
    },
    {
      name: 'an under-replicated partition',
      snapshot: {
        metadata: cluster(
          [1, 2, 3],
          [{ partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], offlineReplicas: [] }],
        ),
      },
      expected: { 'under-replicated': 'fail', 'offline-partitions': 'pass' },
      detail: ['under-replicated', /orders-0 \(isr 2\/3\)/],
    },
    {
      name: 'an offline partition',
      snapshot: {
        metadata: cluster(
          [1, 2, 3],
          [{ partition: 0, leader: -1, replicas: [1], isr: [], offlineReplicas: [1] }],
        ),
      },
      expected: { 'offline-partitions': 'fail', 'under-replicated': 'fail' },
      detail: ['offline-partitions', /orders-0/],
    },
    {
      name: 'a partition over the default threshold',
      snapshot: { groups: [group('g', [0, 1001])] },
      expected: { 'consumer-lag': 'fail' },
      detail: ['consumer-lag', /g orders-1: 1001 records > 1000/],
    },
    {
      name: 'a per-topic threshold overrides the default',
      snapshot: { groups: [group('g', [0, 1500])] },
      options: { maxLagByTopic: { orders: 2000 } },
      expected: { 'consumer-lag': 'pass' },
    },
    {
      name: 'lag in seconds when asked',
      snapshot: { groups: [group('g', [5], 'orders', 120)] },
      options: { maxLagSeconds: 60 },
      expected: { 'consumer-lag': 'fail' },
      detail: ['consumer-lag', /120 s > 60 s/],
    },
    {
      name: 'unknown lag fails: verify does not pass on missing data',
      snapshot: { groups: [group('g', [0, null])] },
      expected: { 'consumer-lag': 'fail' },
      detail: ['consumer-lag', /lag unknown \(NOT_LEADER_OR_FOLLOWER\)/],
    },
    {
      name: 'a firing alert fails; silenced ones do not',
      snapshot: {
        alerts: { alerts: [alert('BrokerUnderReplicated'), alert('KafkaConsumerLagHigh', 'suppressed')] },
      },
      expected: { alerts: 'fail' },
      detail: ['alerts', /1 firing: BrokerUnderReplicated \(b1\)/],
    },
    {
      name: 'an unreadable Alertmanager fails the alerts check',
      snapshot: { alerts: { error: 'connection refused' } },
      expected: { alerts: 'fail' },
      detail: ['alerts', /cannot read alerts: connection refused/],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const snapshot: VerifySnapshot = { metadata: cluster(), groups: null, alerts: null, ...row.snapshot }
      const results = evaluateChecks(snapshot, { ...DEFAULT_VERIFY_OPTIONS, ...row.options })
      const status = Object.fromEntries(results.map((r) => [r.check, r.status]))
      expect(status).toMatchObject(row.expected)
      if (row.detail) expect(results.find((r) => r.check === row.detail![0])!.summary).toMatch(row.detail[1])
      expect(verifyPassed(results)).toBe(!Object.values(status).includes('fail'))
    })
  }

  it('keeps long lists readable', () => {
    const partitions = Array.from({ length: 12 }, (_, p) => ({
      partition: p,
      leader: -1,
      replicas: [1],
      isr: [],
      offlineReplicas: [],
    }))
    const result = evaluateChecks(
      { metadata: cluster([1, 2, 3], partitions), groups: null, alerts: null },
      DEFAULT_VERIFY_OPTIONS,
    )
    const offline = result.find((r) => r.check === 'offline-partitions')!
    expect(offline.summary).toMatch(/orders-4 and 7 more$/)
    expect(offline.details).toHaveLength(12)
  })
})
