import { describe, expect, it } from 'vitest'
import { buildLagSnapshot, planProbes } from '../../../src/analyzer/lag/snapshot.ts'
import type { GroupInput, LagInputs, LagSnapshot } from '../../../src/analyzer/lag/types.ts'
import type { PartitionOffsets, RecordProbe } from '../../../src/kafka/port.ts'

const T0 = 1_700_000_000_000

const offsets = (
  topic: string,
  partition: number,
  start: number,
  end: number,
  lso = end,
): PartitionOffsets => ({
  topic,
  partition,
  logStartOffset: start,
  logEndOffset: end,
  lastStableOffset: lso,
  error: null,
})

const group = (
  groupId: string,
  committed: Array<[string, number, number]>,
  extra: Partial<GroupInput> = {},
) =>
  ({
    groupId,
    state: 'Empty',
    type: 'classic',
    members: [],
    committed: committed.map(([topic, partition, offset]) => ({
      topic,
      partition,
      offset,
      leaderEpoch: -1,
      metadata: null,
    })),
    error: null,
    ...extra,
  }) satisfies GroupInput

const probe = (topic: string, partition: number, offset: number, timestamp: number | null): RecordProbe => ({
  topic,
  partition,
  offset,
  timestamp,
  firstDataOffset: timestamp === null ? null : offset,
  error: null,
})

/** Answers every planned probe from a function (offset → timestamp or null for markers only). */
function answer(
  inputs: LagInputs,
  previous: LagSnapshot | null,
  ts: (topic: string, p: number, o: number) => number | null,
) {
  return planProbes(inputs, previous).map((p) =>
    probe(p.topic, p.partition, p.offset, ts(p.topic, p.partition, p.offset)),
  )
}

describe('buildLagSnapshot: edge cases in one group set', () => {
  const inputs: LagInputs = {
    policy: 'latest',
    topics: [
      { topic: 'orders', partitions: [0, 1, 2, 3] },
      { topic: 'tx', partitions: [0] },
    ],
    offsets: [
      offsets('orders', 0, 0, 100),
      offsets('orders', 1, 50, 100),
      offsets('orders', 2, 0, 100),
      {
        topic: 'orders',
        partition: 3,
        logStartOffset: -1,
        logEndOffset: -1,
        lastStableOffset: -1,
        error: 'LEADER_NOT_AVAILABLE',
      },
      offsets('tx', 0, 0, 11),
    ],
    groups: [
      group('billing', [
        ['orders', 0, 40],
        ['orders', 1, 10],
        ['orders', 3, 7],
      ]),
      group('audit', [['tx', 0, 10]], {
        state: 'Stable',
        members: [
          {
            memberId: 'm-1',
            clientId: 'audit-1',
            host: '/127.0.0.1',
            assignment: [{ topic: 'tx', partition: 0 }],
          },
        ],
      }),
      group('broken', [], { error: 'COORDINATOR_NOT_AVAILABLE', state: 'Unknown' }),
    ],
  }
  const probes = answer(inputs, null, (topic, _p, o) => (topic === 'tx' ? null : T0 - (100 - o) * 100))
  const snap = buildLagSnapshot({ inputs, probes, previous: null, now: T0 })
  const billing = snap.groups.find((g) => g.group === 'billing')!
  const orders = billing.topics[0]!
  const part = (n: number) => orders.partitions.find((p) => p.partition === n)!

  it('probes each lagging position once, and nothing for caught-up or unknown partitions', () => {
    expect(planProbes(inputs, null)).toEqual([
      { topic: 'orders', partition: 0, offset: 40 },
      { topic: 'orders', partition: 1, offset: 50 },
      { topic: 'tx', partition: 0, offset: 10 },
    ])
  })

  const rows: Array<{ name: string; got: () => unknown; want: unknown }> = [
    {
      name: 'normal partition: lag and seconds from the probe',
      got: () => [part(0).lag, part(0).lagSeconds, part(0).lagSecondsSource],
      want: [60, 6, 'probe'],
    },
    {
      name: 'below log start: clamped, lost records reported',
      got: () => [part(1).lag, part(1).recordsLost, part(1).flags],
      want: [50, 40, ['below-log-start']],
    },
    {
      name: 'no commit, latest: 0 and flagged, committedOffset null',
      got: () => [part(2).committedOffset, part(2).lag, part(2).lagSeconds, part(2).flags],
      want: [null, 0, 0, ['no-commit']],
    },
    {
      name: 'no leader: reported with unknown lag, not fatal',
      got: () => [part(3).lag, part(3).lagSeconds, part(3).flags, part(3).error],
      want: [null, null, ['offsets-unavailable'], 'LEADER_NOT_AVAILABLE'],
    },
    {
      name: 'group totals skip unknown partitions and count them',
      got: () => [billing.totalLag, billing.maxLagSeconds, billing.unavailablePartitions, billing.members],
      want: [110, 6, 1, 0],
    },
    {
      name: 'transaction marker only: 0 lag, member shown',
      got: () => {
        const p = snap.groups.find((g) => g.group === 'audit')!.topics[0]!.partitions[0]!
        return [p.lag, p.lagSeconds, p.flags, p.member?.clientId]
      },
      want: [0, 0, ['markers-only'], 'audit-1'],
    },
    {
      name: 'group whose offsets failed: reported with its error and state',
      got: () => {
        const g = snap.groups.find((x) => x.group === 'broken')!
        return [g.state, g.error, g.topics]
      },
      want: ['Unknown', 'COORDINATOR_NOT_AVAILABLE', []],
    },
    {
      name: 'groups are sorted',
      got: () => snap.groups.map((g) => g.group),
      want: ['audit', 'billing', 'broken'],
    },
    {
      name: 'first poll has no rates',
      got: () => [billing.productionRate, billing.consumptionRate, part(0).productionRate],
      want: [null, null, null],
    },
  ]
  for (const row of rows) it(row.name, () => expect(row.got()).toEqual(row.want))

  it('under earliest, a partition without commit counts from the log start', () => {
    const s = buildLagSnapshot({
      inputs: { ...inputs, policy: 'earliest' },
      probes: answer({ ...inputs, policy: 'earliest' }, null, () => T0 - 1000),
      previous: null,
      now: T0,
    })
    const p2 = s.groups.find((g) => g.group === 'billing')!.topics[0]!.partitions[2]!
    expect([p2.lag, p2.lagSeconds, p2.flags]).toEqual([100, 1, ['no-commit']])
  })

  it('above log end: 0 and flagged', () => {
    const s = buildLagSnapshot({
      inputs: { ...inputs, groups: [group('g', [['tx', 0, 500]])] },
      probes: [],
      previous: null,
      now: T0,
    })
    const p = s.groups[0]!.topics[0]!.partitions[0]!
    expect([p.lag, p.lagSeconds, p.flags]).toEqual([0, 0, ['above-log-end']])
  })
})

describe('buildLagSnapshot: successive polls', () => {
  const make = (end: number, committed: number): LagInputs => ({
    policy: 'latest',
    topics: [{ topic: 'orders', partitions: [0] }],
    offsets: [offsets('orders', 0, 0, end)],
    groups: [group('g', [['orders', 0, committed]])],
  })

  it('rates come from the second poll on', () => {
    const first = buildLagSnapshot({ inputs: make(1000, 900), probes: [], previous: null, now: T0 })
    const second = buildLagSnapshot({ inputs: make(1500, 1300), probes: [], previous: first, now: T0 + 5000 })
    const g = second.groups[0]!
    expect([g.productionRate, g.consumptionRate, second.partitions[0]!.productionRate]).toEqual([
      100, 80, 100,
    ])
  })

  it('a stalled group is not probed again: the cached probe answers', () => {
    const inputs = make(1000, 900)
    const first = buildLagSnapshot({
      inputs,
      probes: answer(inputs, null, () => T0 - 3000),
      previous: null,
      now: T0,
    })
    expect(planProbes(make(1200, 900), first)).toEqual([])
    const second = buildLagSnapshot({
      inputs: make(1200, 900),
      probes: [],
      previous: first,
      now: T0 + 10_000,
    })
    const p = second.groups[0]!.topics[0]!.partitions[0]!
    expect([p.lag, p.lagSeconds, p.lagSecondsSource]).toEqual([300, 13, 'probe'])
    expect(second.probes).toHaveLength(1)
  })

  it('a group that moved is probed at its new position; the old probe is dropped', () => {
    const inputs = make(1000, 900)
    const first = buildLagSnapshot({
      inputs,
      probes: answer(inputs, null, () => T0),
      previous: null,
      now: T0,
    })
    expect(planProbes(make(1000, 950), first)).toEqual([{ topic: 'orders', partition: 0, offset: 950 }])
    const second = buildLagSnapshot({ inputs: make(1000, 1000), probes: [], previous: first, now: T0 + 1000 })
    expect(second.probes).toEqual([])
  })

  it('falls back to interpolation over earlier polls when the probe fails', () => {
    let previous: LagSnapshot | null = null
    // steady 100 records/s, a poll every 10 s, the group stuck at offset 2500 (appended at T0 + 25 s)
    for (let i = 0; i <= 6; i++) {
      const now = T0 + i * 10_000
      const inputs = make(i * 1000, Math.min(i * 1000, 2500))
      const failed = planProbes(inputs, previous).map((p) => ({
        ...probe(p.topic, p.partition, p.offset, null),
        error: 'timeout',
      }))
      previous = buildLagSnapshot({ inputs, probes: failed, previous, now })
    }
    const p = previous!.groups[0]!.topics[0]!.partitions[0]!
    expect(p.lagSecondsSource).toBe('interpolated')
    expect(p.flags).toContain('probe-failed')
    expect(p.lagSeconds).toBeCloseTo(60 - 25, 0)
  })

  it('on a steady stream the probe-based lag is within 10% of the truth at every poll', () => {
    // records appended at 50/s from T0; the consumer reads at 40/s from T0 + 10 s
    const appendTime = (offset: number) => T0 + offset * 20
    let previous: LagSnapshot | null = null
    for (let i = 1; i <= 12; i++) {
      const now = T0 + 10_000 + i * 5000
      const end = Math.floor((now - T0) / 20)
      const committed = Math.floor(((now - T0 - 10_000) / 1000) * 40)
      const inputs = make(end, committed)
      previous = buildLagSnapshot({
        inputs,
        probes: answer(inputs, previous, (_t, _p, o) => appendTime(o)),
        previous,
        now,
      })
      const truth = (now - appendTime(committed)) / 1000
      const got = previous.groups[0]!.maxLagSeconds!
      expect(Math.abs(got - truth) / truth).toBeLessThan(0.1)
    }
  })
})

describe('buildLagSnapshot: partition selection', () => {
  const inputs: LagInputs = {
    policy: 'latest',
    topics: [
      { topic: 'a', partitions: [0, 1] },
      { topic: 'b', partitions: [0] },
    ],
    offsets: [offsets('a', 0, 0, 10), offsets('a', 1, 0, 10), offsets('b', 0, 0, 10)],
    groups: [group('g', [['a', 0, 10]])],
  }
  const shape = (s: LagSnapshot) =>
    s.groups[0]!.topics.map((t) => `${t.topic}:${t.partitions.map((p) => p.partition).join(',')}`)

  it('every partition of every topic the group commits to', () => {
    expect(shape(buildLagSnapshot({ inputs, probes: [], previous: null, now: T0 }))).toEqual(['a:0,1'])
  })
  it('a topic filter shows the asked-for topic even where the group has nothing', () => {
    expect(
      shape(
        buildLagSnapshot({ inputs: { ...inputs, topicFilter: ['b'] }, probes: [], previous: null, now: T0 }),
      ),
    ).toEqual(['b:0'])
  })
  it('-1 answers (OffsetFetch for named topics) do not make a group a consumer of the topic', () => {
    const g = group('g', [
      ['a', 0, 10],
      ['b', 0, -1],
    ])
    expect(
      shape(buildLagSnapshot({ inputs: { ...inputs, groups: [g] }, probes: [], previous: null, now: T0 })),
    ).toEqual(['a:0,1'])
  })

  it('assigned-but-uncommitted topics are included', () => {
    const g = group('g', [], {
      state: 'Stable',
      members: [{ memberId: 'm', clientId: 'c', host: 'h', assignment: [{ topic: 'b', partition: 0 }] }],
    })
    expect(
      shape(buildLagSnapshot({ inputs: { ...inputs, groups: [g] }, probes: [], previous: null, now: T0 })),
    ).toEqual(['b:0'])
  })
  it("a partition's commit error is shown on the partition", () => {
    const g = group('g', [['a', 0, -1]])
    g.committed[0] = { ...g.committed[0]!, error: 'UNSTABLE_OFFSET_COMMIT' }
    const s = buildLagSnapshot({ inputs: { ...inputs, groups: [g] }, probes: [], previous: null, now: T0 })
    const p = s.groups[0]!.topics[0]!.partitions[0]!
    expect([p.committedOffset, p.error, p.flags]).toEqual([null, 'UNSTABLE_OFFSET_COMMIT', ['no-commit']])
  })

  it('a deleted topic with old commits is reported as unavailable', () => {
    const g = group('g', [['gone', 2, 5]])
    const s = buildLagSnapshot({ inputs: { ...inputs, groups: [g] }, probes: [], previous: null, now: T0 })
    const p = s.groups[0]!.topics[0]!.partitions[0]!
    expect([s.groups[0]!.topics[0]!.topic, p.partition, p.lag, p.flags]).toEqual([
      'gone',
      2,
      null,
      ['offsets-unavailable'],
    ])
  })
})
