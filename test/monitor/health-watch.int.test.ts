// The health watch on a real cluster: a broker stopped with SIGSTOP is fenced by the controller and leaves the
// metadata and the ISRs; the watch reports BrokerFenced (DescribeCluster v2 lists it as fenced) and
// UnderReplicatedPartitions firing only after the for-duration, and resolved once the broker resumes (SIGCONT)
// and rejoins the ISRs. Destructive, so on its own 3-broker cluster. The broker paused is the first bootstrap
// server, the one the admin client asks first: its TCP connection stays open while it is frozen, so after a
// timed-out read the client must ask another broker (KafkaSession.anyConnection), or the watch would be blind
// for the whole outage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../src/analyzer/actions/types.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { createHealthWatch, type HealthWatch } from '../../src/monitor/health-watch.ts'
import { pauseBroker } from '../../src/stack/cluster.ts'
import type { StackState } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'

const topic = 'health-orders'
const FOR_MS = 3_000

let dir: string
let stack: StackState
let admin: KafkaAdminPort
let watch: HealthWatch | undefined
let paused: number | null = null

beforeAll(async () => {
  ;({ dir, stack, admin } = await startPrivateStack('health-', { brokers: 3, adminTimeoutMs: 5_000 }))
  await admin.createTopic({ topic, partitions: 6, replicationFactor: 3 })
})

afterAll(async () => {
  if (paused !== null) await pauseBroker(dir, paused, false).catch(() => {})
  await watch?.stop()
  await stopPrivateStack(dir, admin)
})

/** Alerts as they arrive, and a way to await the first one that matches (bounded). */
function inbox() {
  const received: Array<{ at: number; alert: Alert }> = []
  const waiters: Array<{ test: (a: Alert) => boolean; resolve: (v: { at: number; alert: Alert }) => void }> =
    []
  return {
    received,
    push(alerts: Alert[]) {
      const at = Date.now()
      for (const alert of alerts) {
        received.push({ at, alert })
        for (const w of waiters.splice(0)) {
          if (w.test(alert)) w.resolve({ at, alert })
          else waiters.push(w)
        }
      }
    },
    wait(what: string, test: (a: Alert) => boolean, ms: number): Promise<{ at: number; alert: Alert }> {
      const seen = received.find((r) => test(r.alert))
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `timed out after ${ms} ms waiting for ${what}; got ${describeAll(received)}; watch ${JSON.stringify(watch?.latest())}`,
              ),
            ),
          ms,
        )
        waiters.push({
          test,
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v)
          },
        })
      })
    },
  }
}

const describeAll = (r: Array<{ alert: Alert }>) =>
  r.map((x) => `${x.alert.status} ${x.alert.labels.alertname}${x.alert.labels.broker ?? ''}`).join(', ')
const is = (status: Alert['status'], alertname: string, broker?: string) => (a: Alert) =>
  a.status === status &&
  a.labels.alertname === alertname &&
  (broker === undefined || a.labels.broker === broker)

describe('health watch on a real cluster', () => {
  it('a frozen broker fires BrokerFenced and UnderReplicatedPartitions after the for-duration, resolved after it resumes', async () => {
    const box = inbox()
    const errors: string[] = []
    watch = createHealthWatch({
      cluster: 'health',
      admin,
      intervalMs: 500,
      forMs: FOR_MS,
      onAlerts: (alerts) => box.push(alerts),
      onError: (e) => errors.push(String(e)),
    })
    watch.start()
    await watch.poll()
    expect(watch.latest()).toMatchObject({ error: null, conditions: [] })
    expect(box.received).toEqual([])

    const victim = stack.nodes[0]!.id
    await pauseBroker(dir, victim, true)
    paused = victim
    const pausedAt = Date.now()
    const fenced = await box.wait('BrokerFenced firing', is('firing', 'BrokerFenced', String(victim)), 60_000)
    const urp = await box.wait(
      'UnderReplicatedPartitions firing',
      is('firing', 'UnderReplicatedPartitions'),
      30_000,
    )
    for (const fired of [fenced, urp]) {
      // fired no earlier than the for-duration after the condition was first seen
      expect(fired.at - Date.parse(fired.alert.startsAt!)).toBeGreaterThanOrEqual(FOR_MS)
      expect(fired.at - pausedAt).toBeGreaterThanOrEqual(FOR_MS)
      expect(fired.alert.labels).toMatchObject({ cluster: 'health', source: 'autopilot' })
      expect(fired.alert.annotations.command).toBeUndefined()
    }
    expect(Number(urp.alert.annotations.count)).toBeGreaterThan(0)
    // reads failed only until the client moved off the frozen broker (one timeout per call in flight)
    expect(errors.length, errors.join('\n')).toBeLessThanOrEqual(3)
    expect(urp.alert.annotations.partitions).toContain(topic)

    await pauseBroker(dir, victim, false)
    paused = null
    await box.wait('BrokerFenced resolved', is('resolved', 'BrokerFenced', String(victim)), 60_000)
    await box.wait('UnderReplicatedPartitions resolved', is('resolved', 'UnderReplicatedPartitions'), 90_000)
    await watch.stop()
    // each condition fired once and resolved once: no storm while the broker was frozen; never BrokerOffline
    expect(box.received.filter((r) => r.alert.labels.alertname === 'BrokerOffline')).toEqual([])
    const counts = new Map<string, number>()
    for (const r of box.received) {
      const key = `${r.alert.status} ${r.alert.fingerprint}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect(
      [...counts.values()].every((n) => n === 1),
      describeAll(box.received),
    ).toBe(true)
  })
})
