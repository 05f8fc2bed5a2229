// The health watch's timing with plain snapshots: for-duration, flapping, resolve, several brokers, re-sends,
// the command annotation only when configured, and reassignments not counted as under-replication.
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../src/analyzer/actions/types.ts'
import {
  emptyHealthState,
  evaluateHealth,
  type HealthOptions,
  type HealthSnapshot,
  type HealthState,
  staleResolved,
} from '../../../src/analyzer/health/index.ts'

const T0 = Date.parse('2026-11-23T07:00:00Z')
const OPTS: HealthOptions = { cluster: 'local', forMs: 30_000 }

const p = (topic: string, partition: number, leader: number, replicas: number[], isr: number[]) => ({
  topic,
  partition,
  leader,
  replicas,
  isr,
})

const HEALTHY: HealthSnapshot = {
  brokers: [1, 2, 3],
  partitions: [p('orders', 0, 1, [1, 2, 3], [1, 2, 3]), p('orders', 1, 2, [2, 3, 1], [2, 3, 1])],
}
/** Broker 3 gone: it leaves the metadata and the ISRs. */
const BROKER3_DOWN: HealthSnapshot = {
  brokers: [1, 2],
  partitions: [p('orders', 0, 1, [1, 2, 3], [1, 2]), p('orders', 1, 2, [2, 3, 1], [2, 1])],
}

/** Feeds snapshots at given seconds; returns every alert sent as `second status alertname[/broker]`. */
function run(steps: Array<[number, HealthSnapshot]>, options: HealthOptions = OPTS) {
  let state: HealthState = emptyHealthState()
  const sent: string[] = []
  const alerts: Alert[] = []
  for (const [s, snapshot] of steps) {
    const r = evaluateHealth(snapshot, state, T0 + s * 1000, options)
    state = r.state
    for (const a of r.alerts) {
      alerts.push(a)
      sent.push(`${s} ${a.status} ${a.labels.alertname}${a.labels.broker ? `/${a.labels.broker}` : ''}`)
    }
  }
  return { sent, alerts, state }
}

describe('evaluateHealth timing', () => {
  const cases: Array<{ name: string; steps: Array<[number, HealthSnapshot]>; sent: string[] }> = [
    {
      name: 'healthy: nothing',
      steps: [
        [0, HEALTHY],
        [60, HEALTHY],
      ],
      sent: [],
    },
    {
      name: 'fires only after the for-duration',
      steps: [
        [0, BROKER3_DOWN],
        [10, BROKER3_DOWN],
        [29, BROKER3_DOWN],
        [30, BROKER3_DOWN],
        [40, BROKER3_DOWN],
      ],
      sent: ['30 firing BrokerOffline/3', '30 firing UnderReplicatedPartitions'],
    },
    {
      name: 'resolves when the condition clears',
      steps: [
        [0, BROKER3_DOWN],
        [30, BROKER3_DOWN],
        [50, HEALTHY],
        [60, HEALTHY],
      ],
      sent: [
        '30 firing BrokerOffline/3',
        '30 firing UnderReplicatedPartitions',
        '50 resolved BrokerOffline/3',
        '50 resolved UnderReplicatedPartitions',
      ],
    },
    {
      name: 'flapping shorter than the for-duration never fires and restarts the clock',
      steps: [
        [0, BROKER3_DOWN],
        [20, HEALTHY],
        [25, BROKER3_DOWN],
        [50, BROKER3_DOWN],
        [54, HEALTHY],
        [55, BROKER3_DOWN],
        [84, BROKER3_DOWN],
        [85, BROKER3_DOWN],
      ],
      sent: ['85 firing BrokerOffline/3', '85 firing UnderReplicatedPartitions'],
    },
    {
      name: 'a firing alert is sent once while it holds, and again after it resolved and came back',
      steps: [
        [0, BROKER3_DOWN],
        [30, BROKER3_DOWN],
        [300, BROKER3_DOWN],
        [310, HEALTHY],
        [320, BROKER3_DOWN],
        [350, BROKER3_DOWN],
      ],
      sent: [
        '30 firing BrokerOffline/3',
        '30 firing UnderReplicatedPartitions',
        '310 resolved BrokerOffline/3',
        '310 resolved UnderReplicatedPartitions',
        '350 firing BrokerOffline/3',
        '350 firing UnderReplicatedPartitions',
      ],
    },
    {
      name: 'several brokers: each has its own clock and its own resolve',
      steps: [
        [0, BROKER3_DOWN],
        [
          20,
          {
            brokers: [1],
            partitions: [p('orders', 0, 1, [1, 2, 3], [1]), p('orders', 1, 1, [2, 3, 1], [1])],
          },
        ],
        [
          30,
          {
            brokers: [1],
            partitions: [p('orders', 0, 1, [1, 2, 3], [1]), p('orders', 1, 1, [2, 3, 1], [1])],
          },
        ],
        [
          50,
          {
            brokers: [1, 3],
            partitions: [p('orders', 0, 1, [1, 2, 3], [1, 3]), p('orders', 1, 1, [2, 3, 1], [1, 3])],
          },
        ],
        [60, HEALTHY],
      ],
      sent: [
        '30 firing BrokerOffline/3',
        '30 firing UnderReplicatedPartitions',
        '50 firing BrokerOffline/2',
        '50 resolved BrokerOffline/3',
        '60 resolved BrokerOffline/2',
        '60 resolved UnderReplicatedPartitions',
      ],
    },
    {
      name: 'offline partition: no leader',
      steps: [
        [0, { brokers: [1, 2], partitions: [p('solo', 0, -1, [3], [3])] }],
        [30, { brokers: [1, 2], partitions: [p('solo', 0, -1, [3], [3])] }],
        [40, { brokers: [1, 2, 3], partitions: [p('solo', 0, 3, [3], [3])] }],
      ],
      sent: [
        '30 firing BrokerOffline/3',
        '30 firing OfflinePartitions',
        '40 resolved BrokerOffline/3',
        '40 resolved OfflinePartitions',
      ],
    },
    {
      name: 'a fenced broker (reported by the cluster) is BrokerFenced, not BrokerOffline',
      steps: [
        [0, { ...BROKER3_DOWN, fencedBrokers: [3] }],
        [30, { ...BROKER3_DOWN, fencedBrokers: [3] }],
        [31, HEALTHY],
      ],
      sent: [
        '30 firing BrokerFenced/3',
        '30 firing UnderReplicatedPartitions',
        '31 resolved BrokerFenced/3',
        '31 resolved UnderReplicatedPartitions',
      ],
    },
    {
      name: 'a broker gone but holding no replicas (drained and removed) is not an incident',
      steps: [
        [0, HEALTHY],
        [10, { brokers: [1, 2], partitions: [p('orders', 0, 1, [1, 2], [1, 2])] }],
        [100, { brokers: [1, 2], partitions: [p('orders', 0, 1, [1, 2], [1, 2])] }],
      ],
      sent: [],
    },
    {
      name: 'replicas being added by a reassignment are not under-replication',
      steps: [
        [
          0,
          {
            brokers: [1, 2, 3, 4],
            partitions: [{ ...p('orders', 0, 1, [1, 2, 3, 4], [1, 2, 3]), addingReplicas: [4] }],
          },
        ],
        [
          60,
          {
            brokers: [1, 2, 3, 4],
            partitions: [{ ...p('orders', 0, 1, [1, 2, 3, 4], [1, 2, 3]), addingReplicas: [4] }],
          },
        ],
      ],
      sent: [],
    },
  ]
  it.each(cases)('$name', ({ steps, sent }) => {
    expect(run(steps).sent).toEqual(sent)
  })

  it('forMs 0 fires at the first observation', () => {
    expect(run([[0, BROKER3_DOWN]], { ...OPTS, forMs: 0 }).sent).toEqual([
      '0 firing BrokerOffline/3',
      '0 firing UnderReplicatedPartitions',
    ])
  })

  it('repeatMs re-sends a still-firing alert', () => {
    const steps: Array<[number, HealthSnapshot]> = [0, 30, 60, 89, 90, 100, 150].map((s) => [s, BROKER3_DOWN])
    expect(
      run(steps, { ...OPTS, forMs: 30_000, repeatMs: 60_000, actions: {} }).sent.filter((s) =>
        s.includes('Under'),
      ),
    ).toEqual([
      '30 firing UnderReplicatedPartitions',
      '90 firing UnderReplicatedPartitions',
      '150 firing UnderReplicatedPartitions',
    ])
  })
})

describe('evaluateHealth alerts', () => {
  it('labels, a stable fingerprint, annotations with a sample of partitions, no command by default', () => {
    const many: HealthSnapshot = {
      brokers: [1, 2],
      partitions: Array.from({ length: 12 }, (_, i) => p('t', i, 1, [1, 3], [1])),
    }
    const { alerts } = run(
      [
        [0, many],
        [30, many],
        [40, { brokers: [1, 2], partitions: [] }],
      ],
      { ...OPTS, samplePartitions: 3 },
    )
    const urp = alerts.filter((a) => a.labels.alertname === 'UnderReplicatedPartitions')
    expect(urp[0]).toEqual({
      fingerprint: 'autopilot/local/UnderReplicatedPartitions',
      status: 'firing',
      labels: {
        alertname: 'UnderReplicatedPartitions',
        cluster: 'local',
        source: 'autopilot',
        severity: 'warning',
      },
      annotations: {
        summary: '12 under-replicated partitions',
        partitions: 't-0, t-1, t-10, … (12 in all)',
        count: '12',
      },
      startsAt: '2026-11-23T07:00:00.000Z',
    })
    expect(urp[1]).toMatchObject({
      fingerprint: urp[0]!.fingerprint,
      status: 'resolved',
      endsAt: '2026-11-23T07:00:40.000Z',
    })
    const broker = alerts.find((a) => a.labels.alertname === 'BrokerOffline')!
    expect(broker.fingerprint).toBe('autopilot/local/BrokerOffline/3')
    expect(broker.labels).toEqual({
      alertname: 'BrokerOffline',
      cluster: 'local',
      source: 'autopilot',
      severity: 'critical',
      broker: '3',
    })
    expect(broker.annotations.command).toBeUndefined()
  })

  it('the command annotation only for the conditions configured', () => {
    const { alerts } = run([[0, BROKER3_DOWN]], {
      ...OPTS,
      forMs: 0,
      actions: { UnderReplicatedPartitions: 'upScale' },
    })
    const by = Object.fromEntries(alerts.map((a) => [a.labels.alertname, a.annotations.command]))
    expect(by).toEqual({ UnderReplicatedPartitions: 'upScale', BrokerOffline: undefined })
  })

  it('is pure: the previous state is not changed and equal inputs give equal outputs', () => {
    const first = evaluateHealth(BROKER3_DOWN, emptyHealthState(), T0, OPTS)
    const frozen = structuredClone(first.state)
    const a = evaluateHealth(BROKER3_DOWN, first.state, T0 + 30_000, OPTS)
    const b = evaluateHealth(BROKER3_DOWN, first.state, T0 + 30_000, OPTS)
    expect(first.state).toEqual(frozen)
    expect(a).toEqual(b)
    expect(JSON.parse(JSON.stringify(a.state))).toEqual(a.state)
  })

  it('staleResolved: a resolved alert for a remembered health fingerprint, null for others', () => {
    expect(staleResolved('local', 'autopilot/local/BrokerFenced/4', T0)).toEqual({
      fingerprint: 'autopilot/local/BrokerFenced/4',
      status: 'resolved',
      labels: {
        alertname: 'BrokerFenced',
        cluster: 'local',
        source: 'autopilot',
        severity: 'critical',
        broker: '4',
      },
      annotations: { summary: 'BrokerFenced not seen any more (checked at start)' },
      endsAt: '2026-11-23T07:00:00.000Z',
    })
    expect(staleResolved('local', 'autopilot/local/OfflinePartitions', T0)?.labels.broker).toBeUndefined()
    for (const f of [
      'autopilot/other/OfflinePartitions',
      'da2df510431022f7',
      'autopilot/local/Nope',
      'autopilot/local/BrokerFenced/x',
    ]) {
      expect(staleResolved('local', f, T0)).toBeNull()
    }
  })
})
