// The health watch over an in-memory metadata source: transitions only, a failed read is an error and not
// an alert (the state is kept), polls never overlap, stop() waits for the poll in flight.
import { describe, expect, it, vi } from 'vitest'
import type { Alert } from '../../src/analyzer/actions/types.ts'
import type { ClusterMetadata } from '../../src/kafka/port.ts'
import { createHealthWatch, type HealthWatchAdmin } from '../../src/monitor/health-watch.ts'

const T0 = Date.parse('2026-11-23T07:00:00Z')

function meta(brokers: number[], isr: number[]): ClusterMetadata {
  return {
    clusterId: 'c',
    controllerId: 1,
    brokers: brokers.map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
    topics: [
      {
        name: 'orders',
        id: 'x',
        internal: false,
        partitions: [{ partition: 0, leader: isr[0] ?? -1, replicas: [1, 2, 3], isr, offlineReplicas: [] }],
      },
    ],
  }
}
const HEALTHY = meta([1, 2, 3], [1, 2, 3])
const DOWN = meta([1, 2], [1, 2])

/** A metadata source answering from a script: a value, or an Error to throw. */
function scripted(answers: Array<ClusterMetadata | Error>) {
  let calls = 0
  const admin: HealthWatchAdmin = {
    metadata: async () => {
      const a = answers[Math.min(calls++, answers.length - 1)]!
      if (a instanceof Error) throw a
      return a
    },
  }
  return { admin, calls: () => calls }
}

const names = (alerts: Alert[]) => alerts.map((a) => `${a.status} ${a.labels.alertname}`)

describe('createHealthWatch', () => {
  it('hands over transitions only, and a failed read is an error, not an alert, keeping the clock', async () => {
    let t = T0
    const batches: string[][] = []
    const errors: string[] = []
    const { admin } = scripted([DOWN, DOWN, new Error('timed out'), DOWN, DOWN, HEALTHY, HEALTHY])
    const watch = createHealthWatch({
      cluster: 'local',
      admin,
      intervalMs: 10_000,
      forMs: 30_000,
      now: () => t,
      onAlerts: (alerts) => {
        batches.push(names(alerts))
      },
      onError: (e) => errors.push(String((e as Error).message)),
    })
    for (const s of [0, 10, 20, 30, 40, 50, 60]) {
      t = T0 + s * 1000
      await watch.poll()
    }
    expect(errors).toEqual(['timed out'])
    expect(batches).toEqual([
      ['firing BrokerOffline', 'firing UnderReplicatedPartitions'],
      ['resolved BrokerOffline', 'resolved UnderReplicatedPartitions'],
    ])
    expect(watch.latest()).toMatchObject({ cluster: 'local', at: T0 + 60_000, error: null, conditions: [] })
  })

  it('latest() shows the pending conditions and the last read error', async () => {
    const { admin } = scripted([DOWN, new Error('no broker answers')])
    const watch = createHealthWatch({
      cluster: 'c',
      admin,
      intervalMs: 1,
      forMs: 30_000,
      now: () => T0,
      onAlerts: () => {},
    })
    await watch.poll()
    expect(watch.latest().conditions.map((c) => [c.key, c.firingAt])).toEqual([
      ['BrokerOffline/3', null],
      ['UnderReplicatedPartitions', null],
    ])
    await watch.poll()
    expect(watch.latest()).toMatchObject({ error: 'no broker answers', at: T0 })
    expect(watch.latest().conditions).toHaveLength(2)
  })

  it('ongoing reassignments are read, so replicas being added are not under-replication', async () => {
    const adding = meta([1, 2, 3, 4], [1, 2, 3])
    adding.topics[0]!.partitions[0]!.replicas = [1, 2, 3, 4]
    const alerts: Alert[] = []
    const watch = createHealthWatch({
      cluster: 'c',
      admin: {
        metadata: async () => adding,
        listPartitionReassignments: async () => [
          {
            topic: 'orders',
            partition: 0,
            replicas: [1, 2, 3, 4],
            addingReplicas: [4],
            removingReplicas: [],
          },
        ],
      },
      intervalMs: 1,
      forMs: 0,
      onAlerts: (a) => {
        alerts.push(...a)
      },
    })
    await watch.poll()
    expect(alerts).toEqual([])
  })

  it('with describeCluster, a fenced broker is BrokerFenced; without fencing state it is BrokerOffline', async () => {
    const fire = async (fenced: boolean | null) => {
      const alerts: Alert[] = []
      const watch = createHealthWatch({
        cluster: 'c',
        admin: {
          metadata: async () => DOWN,
          describeCluster: async () => ({
            clusterId: 'c',
            controllerId: 1,
            brokers: [1, 2, 3].map((id) => ({
              id,
              host: '127.0.0.1',
              port: 9000 + id,
              rack: null,
              fenced: fenced === null ? null : fenced && id === 3,
            })),
          }),
        },
        intervalMs: 1,
        forMs: 0,
        onAlerts: (a) => {
          alerts.push(...a)
        },
      })
      await watch.poll()
      return alerts.map((a) => `${a.labels.alertname}${a.labels.broker ?? ''}`)
    }
    expect(await fire(true)).toEqual(['BrokerFenced3', 'UnderReplicatedPartitions'])
    expect(await fire(null)).toEqual(['BrokerOffline3', 'UnderReplicatedPartitions'])
  })

  it('polls never overlap and stop() waits for the poll in flight', async () => {
    let release: () => void = () => {}
    let calls = 0
    const admin: HealthWatchAdmin = {
      metadata: () => {
        calls++
        return new Promise((resolve) => {
          release = () => resolve(DOWN)
        })
      },
    }
    const alerts: Alert[] = []
    const watch = createHealthWatch({
      cluster: 'c',
      admin,
      intervalMs: 1,
      forMs: 0,
      onAlerts: (a) => {
        alerts.push(...a)
      },
    })
    const first = watch.poll()
    const second = watch.poll()
    expect(second).toBe(first)
    expect(calls).toBe(1)
    let stopped = false
    const stopping = watch.stop().then(() => {
      stopped = true
    })
    await Promise.resolve()
    expect(stopped).toBe(false)
    release()
    await stopping
    expect(stopped).toBe(true)
    expect(alerts).toHaveLength(2)
  })

  it('start() polls on its timer until stop(); an onAlerts that throws is reported and the watch goes on', async () => {
    vi.useFakeTimers()
    try {
      const { admin, calls } = scripted([DOWN])
      const errors: unknown[] = []
      const watch = createHealthWatch({
        cluster: 'c',
        admin,
        intervalMs: 1000,
        forMs: 0,
        repeatMs: 1,
        now: () => Date.now(),
        onAlerts: () => {
          throw new Error('journal full')
        },
        onError: (e) => errors.push(e),
      })
      watch.start()
      watch.start()
      await vi.advanceTimersByTimeAsync(2500)
      expect(calls()).toBe(3)
      expect(errors).toHaveLength(3)
      expect(String(errors[0])).toContain('journal full')
      await watch.stop()
      await vi.advanceTimersByTimeAsync(10_000)
      expect(calls()).toBe(3)
    } finally {
      vi.useRealTimers()
    }
  })
})
