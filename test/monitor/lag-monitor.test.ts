import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { LagMonitor } from '../../src/monitor/lag-monitor.ts'
import { FakeAdminPort } from './fake-admin-port.ts'

const T0 = 1_700_000_000_000

function clock(start = T0) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

function cluster() {
  const port = new FakeAdminPort()
  port.addTopic('orders', 3)
  port.addTopic('payments', 1)
  port.addTopic('__consumer_offsets', 2)
  for (let p = 0; p < 3; p++) port.produce('orders', p, 100, T0 - 100_000, 1000)
  port.produce('payments', 0, 10, T0 - 10_000, 1000)
  return port
}

describe('LagMonitor request budget', () => {
  it('one call of each kind per poll, whatever the number of groups', async () => {
    const port = cluster()
    for (let i = 0; i < 300; i++)
      port.addGroup(`g${i}`, { 'orders/0': i % 100, 'orders/1': 50, 'payments/0': 3 })
    const snap = await new LagMonitor(port, { now: clock().now }).poll()
    expect(snap.groups).toHaveLength(300)
    expect(port.calls).toEqual({
      listGroups: 1,
      describeGroups: 1,
      committedOffsets: 1,
      metadata: 1,
      partitionOffsets: 1,
      probeRecords: 1,
    })
  })

  it('probes only moved positions on the next poll; a stalled set of groups costs no fetch', async () => {
    const port = cluster()
    port.addGroup('stalled', { 'orders/0': 10 })
    const c = clock()
    const monitor = new LagMonitor(port, { now: c.now })
    await monitor.poll()
    c.advance(5000)
    port.produce('orders', 0, 5, T0 + 1, 1000)
    const snap = await monitor.poll()
    expect(port.calls.probeRecords).toBe(1)
    const p = snap.groups[0]!.topics[0]!.partitions[0]!
    expect([p.lag, p.lagSecondsSource, p.lagSeconds]).toEqual([95, 'probe', 95])
  })
})

describe('LagMonitor selection and errors', () => {
  it('all consumer groups when none is named; Connect groups are left out', async () => {
    const port = cluster()
    port.addGroup('b', { 'orders/0': 1 })
    port.addGroup('a', { 'payments/0': 1 })
    port.addGroup('connect-cluster', {}, { protocolType: 'connect' })
    port.addGroup('offsets-only', { 'orders/1': 1 }, { protocolType: '' })
    const snap = await new LagMonitor(port).poll()
    expect(snap.groups.map((g) => g.group)).toEqual(['a', 'b', 'offsets-only'])
  })

  it('strict: an unknown group is an error naming it', async () => {
    const port = cluster()
    port.addGroup('known', { 'orders/0': 1 })
    const err = await new LagMonitor(port, { groups: ['known', 'nope', 'nada'], strict: true })
      .poll()
      .catch((e) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect([err.code, err.field, err.message]).toEqual([
      'AP_ERR_NOT_FOUND',
      '--group',
      'consumer groups not found: nope, nada',
    ])
  })

  it('not strict (exporter): an unknown group is skipped', async () => {
    const port = cluster()
    port.addGroup('known', { 'orders/0': 1 })
    const snap = await new LagMonitor(port, { groups: ['known', 'nope'] }).poll()
    expect(snap.groups.map((g) => g.group)).toEqual(['known'])
  })

  it('strict: an unknown topic is an error naming it', async () => {
    const port = cluster()
    port.addGroup('known', { 'orders/0': 1 })
    const err = await new LagMonitor(port, { topics: ['ghost'], strict: true }).poll().catch((e) => e)
    expect([err.code, err.field]).toEqual(['AP_ERR_NOT_FOUND', '--topic'])
  })

  it('a topic filter keeps groups on that topic, and a named group even without it', async () => {
    const port = cluster()
    port.addGroup('on-orders', { 'orders/0': 1, 'payments/0': 1 })
    port.addGroup('on-payments', { 'payments/0': 1 })
    const all = await new LagMonitor(port, { topics: ['orders'] }).poll()
    expect(all.groups.map((g) => [g.group, g.topics.map((t) => t.topic)])).toEqual([
      ['on-orders', ['orders']],
    ])
    const named = await new LagMonitor(port, { topics: ['orders'], groups: ['on-payments'] }).poll()
    expect(named.groups[0]!.topics[0]!.partitions.map((p) => p.flags)).toEqual([
      ['no-commit'],
      ['no-commit'],
      ['no-commit'],
    ])
  })

  it('a failing probe round falls back instead of failing the poll', async () => {
    const port = cluster()
    port.addGroup('g', { 'orders/0': 10 })
    port.failProbes = 'NOT_LEADER_OR_FOLLOWER'
    const c = clock()
    const monitor = new LagMonitor(port, { now: c.now })
    const first = await monitor.poll()
    expect(first.groups[0]!.topics[0]!.partitions[0]!.lagSecondsSource).toBe('unknown')
    c.advance(10_000)
    port.produce('orders', 0, 10, T0, 1000)
    const p = (await monitor.poll()).groups[0]!.topics[0]!.partitions[0]!
    expect([p.lagSecondsSource, p.lagSeconds, p.flags]).toEqual(['lower-bound', 10, ['probe-failed']])
  })

  it('a leaderless partition is reported, the rest is computed', async () => {
    const port = cluster()
    port.topics.get('orders')![2]!.leader = -1
    port.addGroup('g', { 'orders/0': 10, 'orders/2': 5 })
    const g = (await new LagMonitor(port).poll()).groups[0]!
    // orders/0: 90, orders/1: no commit (latest) 0, orders/2: unknown
    expect([g.totalLag, g.unavailablePartitions]).toEqual([90, 1])
  })

  it('library errors become AutopilotErrors; AutopilotErrors pass through', async () => {
    const port = cluster()
    port.failEverything = new TypeError('boom')
    const err = await new LagMonitor(port).poll().catch((e) => e)
    expect([err.code, err.message]).toEqual(['AP_ERR_KAFKA', 'could not read consumer lag: boom'])
    port.failEverything = new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', 'cannot reach Kafka')
    expect((await new LagMonitor(port).poll().catch((e) => e)).code).toBe('AP_ERR_KAFKA_UNREACHABLE')
  })

  it('no groups at all: an empty snapshot, still reading topic offsets when asked', async () => {
    const port = cluster()
    const snap = await new LagMonitor(port, { allTopicOffsets: true }).poll()
    expect(snap.groups).toEqual([])
    expect(snap.partitions.map((p) => `${p.topic}/${p.partition}`)).toEqual([
      'orders/0',
      'orders/1',
      'orders/2',
      'payments/0',
    ])
  })
})
