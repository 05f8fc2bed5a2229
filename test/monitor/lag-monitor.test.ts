import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { LagMonitor, type LagMonitorOptions } from '../../src/monitor/lag-monitor.ts'
import { FakeAdminPort } from './fake-admin-port.ts'
import { expectSameLag, fullReads } from './full-reads.ts'

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
  it('one call of each kind per poll, whatever the number of groups; only high watermarks listed', async () => {
    const port = cluster()
    for (let i = 0; i < 300; i++)
      port.addGroup(`g${i}`, { 'orders/0': i % 100, 'orders/1': 50, 'orders/2': 100, 'payments/0': 3 })
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
    expect(port.offsetReads).toEqual([
      { kinds: ['latest'], partitions: ['orders/0', 'orders/1', 'orders/2', 'payments/0'] },
    ])
    // the log start and last stable offset of lagging partitions come from the probes' Fetch answers
    const p = snap.groups[0]!.topics[0]!.partitions[0]!
    expect([p.logStartOffset, p.lastStableOffset, p.logEndOffset]).toEqual([0, 100, 100])
  })

  it('a stalled group reads no records again: only the marks, at the high watermark', async () => {
    const port = cluster()
    port.addGroup('stalled', { 'orders/0': 10 })
    const c = clock()
    const monitor = new LagMonitor(port, { now: c.now })
    await monitor.poll()
    c.advance(5000)
    port.produce('orders', 0, 5, T0 + 1, 1000)
    const snap = await monitor.poll()
    expect(port.probeReads).toEqual([['orders/0@10'], ['orders/0@105']])
    const p = snap.groups[0]!.topics[0]!.partitions[0]!
    expect([p.lag, p.lagSecondsSource, p.lagSeconds, p.logStartOffset]).toEqual([95, 'probe', 95, 0])
  })

  const budgetRows: Array<{
    name: string
    options?: LagMonitorOptions
    setup: (port: FakeAdminPort) => void
    kinds: string[][]
  }> = [
    {
      name: 'caught-up groups only: one ListOffsets round, no Fetch',
      setup: (port) => port.addGroup('g', { 'orders/0': 100, 'orders/1': 100, 'orders/2': 100 }),
      kinds: [['latest']],
    },
    {
      name: 'no commit under earliest: the log start of those partitions only, in the same round',
      options: { policy: 'earliest' },
      setup: (port) => port.addGroup('g', { 'orders/0': 100 }),
      kinds: [['latest'], ['earliest']],
    },
    {
      name: 'no commit under latest: the same (a scaler with its own earliest policy counts retained records)',
      setup: (port) => port.addGroup('g', { 'orders/0': 100 }),
      kinds: [['latest'], ['earliest']],
    },
    {
      name: 'exporter (allTopicOffsets): log start and high watermark of every partition',
      options: { allTopicOffsets: true },
      setup: (port) => port.addGroup('g', { 'orders/0': 10 }),
      kinds: [['earliest', 'latest']],
    },
  ]
  for (const row of budgetRows) {
    it(row.name, async () => {
      const port = cluster()
      row.setup(port)
      await new LagMonitor(port, row.options).poll()
      expect(port.offsetReads.map((r) => r.kinds)).toEqual(row.kinds)
      expect(port.calls.probeRecords ?? 0).toBeLessThanOrEqual(1)
    })
  }

  it('under earliest, a filtered topic no group covers has its log starts read (the scaler counts them)', async () => {
    const port = cluster()
    port.topics.get('orders')![1]!.logStart = 40
    const snap = await new LagMonitor(port, {
      topics: ['orders'],
      groups: ['never-committed'],
      policy: 'earliest',
    }).poll()
    expect(snap.groups).toEqual([])
    expect(snap.partitions.map((p) => [p.partition, p.logStartOffset, p.logEndOffset])).toEqual([
      [0, 0, 100],
      [1, 40, 100],
      [2, 0, 100],
    ])
  })

  it('no commit: only the uncommitted partitions have their log start read', async () => {
    const port = cluster()
    port.addGroup('g', { 'orders/0': 100 })
    await new LagMonitor(port).poll()
    expect(port.offsetReads[1]).toEqual({ kinds: ['earliest'], partitions: ['orders/1', 'orders/2'] })
  })
})

describe('LagMonitor: the budget reads give the same lag as reading every offset', () => {
  const scenarios: Array<{
    name: string
    options?: LagMonitorOptions
    setup: (port: FakeAdminPort) => void
    /** Between the two polls. */
    change?: (port: FakeAdminPort) => void
  }> = [
    {
      name: 'lagging, caught up, above the end',
      setup: (port) => port.addGroup('g', { 'orders/0': 40, 'orders/1': 100, 'orders/2': 500 }),
    },
    {
      name: 'no commit under earliest, with retention',
      options: { policy: 'earliest' },
      setup: (port) => {
        port.topics.get('orders')![1]!.logStart = 30
        port.addGroup('g', { 'orders/0': 40 })
      },
    },
    {
      name: 'commit below the log start, then the log start moves again while stalled',
      setup: (port) => {
        port.topics.get('orders')![0]!.logStart = 50
        port.addGroup('g', { 'orders/0': 10, 'orders/1': 60 })
      },
      change: (port) => {
        port.topics.get('orders')![0]!.logStart = 70
      },
    },
    {
      name: 'open transaction: lagging before and inside it',
      setup: (port) => {
        port.topics.get('orders')![0]!.lso = 80
        port.topics.get('orders')![1]!.lso = 80
        port.addGroup('g', { 'orders/0': 40, 'orders/1': 90 })
      },
    },
    {
      name: 'only transaction markers left, and a group inside a committed transaction',
      setup: (port) => {
        port.marker('payments', 0, T0)
        port.addGroup('done', { 'payments/0': 10 })
        port.addGroup('mid', { 'payments/0': 5 })
      },
    },
    {
      name: 'stalled groups with records produced between the polls',
      setup: (port) => port.addGroup('g', { 'orders/0': 10, 'orders/1': 100 }),
      change: (port) => port.produce('orders', 1, 3, T0 + 1000, 10),
    },
    {
      name: 'exporter mode',
      options: { allTopicOffsets: true, policy: 'earliest' },
      setup: (port) => port.addGroup('g', { 'orders/0': 10 }),
    },
  ]
  for (const sc of scenarios) {
    it(sc.name, async () => {
      const budget = cluster()
      const full = cluster()
      const c = clock()
      const monitors = [budget, fullReads(full)].map(
        (port) => new LagMonitor(port, { ...sc.options, now: c.now }),
      )
      for (const port of [budget, full]) sc.setup(port)
      for (let poll = 0; poll < 2; poll++) {
        if (poll === 1) {
          c.advance(5000)
          for (const port of [budget, full]) sc.change?.(port)
        }
        const [ours, reference] = await Promise.all(monitors.map((m) => m.poll()))
        expectSameLag(ours!.groups, reference!.groups, `poll ${poll + 1}`)
      }
      // the reference really read all three kinds; ours never did
      expect(full.offsetReads.every((r) => r.kinds.length === 3)).toBe(true)
      expect(budget.offsetReads.every((r) => !r.kinds.includes('stable'))).toBe(true)
    })
  }
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
