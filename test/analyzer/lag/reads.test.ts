import { describe, expect, it } from 'vitest'
import {
  applyProbeMarks,
  logStartNeeded,
  missingProbes,
  planReads,
  withLogStarts,
} from '../../../src/analyzer/lag/reads.ts'
import type { GroupInput, LagInputs, LagSnapshot, PartitionLog } from '../../../src/analyzer/lag/types.ts'
import type { PartitionOffsets, RecordProbe } from '../../../src/kafka/port.ts'

/** What the monitor's first ListOffsets round gives: the high watermark, the rest -1 unless given. */
const hw = (partition: number, end: number, start = -1, lso = -1): PartitionOffsets => ({
  topic: 't',
  partition,
  logStartOffset: start,
  logEndOffset: end,
  lastStableOffset: lso,
  error: null,
})

const group = (
  groupId: string,
  commits: Record<number, number>,
  error: string | null = null,
): GroupInput => ({
  groupId,
  state: 'Empty',
  type: 'classic',
  members: [],
  committed: Object.entries(commits).map(([partition, offset]) => ({
    topic: 't',
    partition: Number(partition),
    offset,
    leaderEpoch: -1,
    metadata: null,
  })),
  error,
})

const inputs = (groups: GroupInput[], offsets: PartitionOffsets[], policy: LagInputs['policy'] = 'latest') =>
  ({
    groups,
    topics: [{ topic: 't', partitions: offsets.map((o) => o.partition) }],
    offsets,
    policy,
  }) satisfies LagInputs

const log = (partition: number, logStartOffset: number | null): PartitionLog => ({
  topic: 't',
  partition,
  logStartOffset,
  logEndOffset: 100,
  lastStableOffset: null,
  productionRate: null,
  error: null,
  history: [],
})

const probe = (partition: number, offset: number, marks?: Partial<RecordProbe>): RecordProbe => ({
  topic: 't',
  partition,
  offset,
  timestamp: 1,
  firstDataOffset: offset,
  error: null,
  ...marks,
})

const previous = (partitions: PartitionLog[], probes: RecordProbe[]): LagSnapshot => ({
  at: 0,
  policy: 'latest',
  groups: [],
  partitions,
  probes,
})

const at = (ps: Array<{ partition: number; offset: number }>) => ps.map((p) => `${p.partition}@${p.offset}`)

describe('logStartNeeded', () => {
  const rows: Array<{ name: string; groups: GroupInput[]; want: number[] }> = [
    { name: 'every partition committed: none', groups: [group('g', { 0: 5, 1: 5, 2: 5 })], want: [] },
    {
      name: 'partitions where a group has no commit (under either policy: the scaler may count them)',
      groups: [group('a', { 0: 5, 1: 5 }), group('b', { 0: 5 })],
      want: [1, 2],
    },
    {
      name: 'every partition when no group covers the topic (the scaler counts retained records)',
      groups: [],
      want: [0, 1, 2],
    },
    {
      name: 'a group whose offsets failed does not count',
      groups: [group('a', { 0: 5, 1: 5, 2: 5 }), group('b', {}, 'COORDINATOR_NOT_AVAILABLE')],
      want: [],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const x = inputs(row.groups, [hw(0, 10), hw(1, 10), hw(2, 10)])
      expect(logStartNeeded(x).map((p) => p.partition)).toEqual(row.want)
    })
  }
})

describe('withLogStarts', () => {
  it('fills the log starts read; a failed one stays unknown instead of failing the partition', () => {
    const starts = [
      { ...hw(0, -1, 7), logEndOffset: -1 },
      { ...hw(1, -1, -1), error: 'NOT_LEADER_OR_FOLLOWER' },
    ]
    expect(withLogStarts([hw(0, 10), hw(1, 10), hw(2, 10)], starts)).toEqual([
      hw(0, 10, 7),
      hw(1, 10),
      hw(2, 10),
    ])
  })
})

describe('planReads', () => {
  const rows: Array<{
    name: string
    groups: GroupInput[]
    offsets: PartitionOffsets[]
    policy?: LagInputs['policy']
    previous?: LagSnapshot
    want: { probes: string[]; marks: string[] }
  }> = [
    {
      name: 'caught up and above the end: nothing to read',
      groups: [group('g', { 0: 10, 1: 50 })],
      offsets: [hw(0, 10), hw(1, 10)],
      want: { probes: [], marks: [] },
    },
    {
      name: 'no commit under latest: at the end, nothing to read',
      groups: [group('g', { 0: 10 })],
      offsets: [hw(0, 10), hw(1, 10)],
      want: { probes: [], marks: [] },
    },
    {
      name: 'lagging: probed at the commit; the probe answer brings the marks',
      groups: [group('a', { 0: 4 }), group('b', { 0: 6 })],
      offsets: [hw(0, 10)],
      want: { probes: ['0@4', '0@6'], marks: [] },
    },
    {
      name: 'lagging with a cached probe: a marks-only read at the high watermark',
      groups: [group('g', { 0: 4, 1: 2 })],
      offsets: [hw(0, 10), hw(1, 10)],
      previous: previous([], [probe(0, 4)]),
      want: { probes: ['1@2'], marks: ['0@10'] },
    },
    {
      name: 'no commit under earliest: probed at the log start the ListOffsets round read',
      groups: [group('g', { 1: 10 })],
      offsets: [hw(0, 10, 3), hw(1, 10)],
      policy: 'earliest',
      want: { probes: ['0@3'], marks: [] },
    },
    {
      name: 'log start and last stable offset both known (full read): no marks needed',
      groups: [group('g', { 0: 4 })],
      offsets: [hw(0, 10, 0, 10)],
      previous: previous([], [probe(0, 4)]),
      want: { probes: [], marks: [] },
    },
    {
      name: 'commit below the previous log start: placed there, so the cached probe is reused',
      groups: [group('g', { 0: 2 })],
      offsets: [hw(0, 10)],
      previous: previous([log(0, 5)], [probe(0, 5)]),
      want: { probes: [], marks: ['0@10'] },
    },
    {
      name: 'commit below the previous log start, no cached probe: probed at the previous log start',
      groups: [group('g', { 0: 2 })],
      offsets: [hw(0, 10)],
      previous: previous([log(0, 5)], []),
      want: { probes: ['0@5'], marks: [] },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const plan = planReads(inputs(row.groups, row.offsets, row.policy), row.previous ?? null)
      expect({ probes: at(plan.probes), marks: at(plan.marks) }).toEqual(row.want)
    })
  }
})

describe('applyProbeMarks', () => {
  it('fills log start and last stable offset from the freshest answer, LSO capped at the high watermark', () => {
    const probes = [
      probe(0, 4, { highWatermark: 10, logStartOffset: 0, lastStableOffset: 8 }),
      probe(0, 6, { highWatermark: 12, logStartOffset: 1, lastStableOffset: 12 }),
      probe(1, 3, { highWatermark: 10, logStartOffset: 2, lastStableOffset: 9 }),
    ]
    const { offsets } = applyProbeMarks([hw(0, 10), hw(1, 10), hw(2, 10)], probes)
    expect(offsets).toEqual([hw(0, 10, 1, 10), hw(1, 10, 2, 9), hw(2, 10)])
  })

  it('a failed probe or one without marks leaves the offsets unknown; a failed partition stays failed', () => {
    const failedRow = { ...hw(1, -1), error: 'LEADER_NOT_AVAILABLE' }
    const probes = [
      { ...probe(0, 4), timestamp: null, firstDataOffset: null, error: 'NOT_LEADER_OR_FOLLOWER' },
      probe(1, 4, { highWatermark: 10, logStartOffset: 0, lastStableOffset: 10 }),
      probe(2, 4),
    ]
    const { offsets } = applyProbeMarks([hw(0, 10), failedRow, hw(2, 10)], probes)
    expect(offsets).toEqual([hw(0, 10), failedRow, hw(2, 10)])
  })

  it('a log start read by ListOffsets is kept unless the probe saw a later one', () => {
    const probes = [probe(0, 4, { highWatermark: 10, logStartOffset: 2, lastStableOffset: 10 })]
    expect(applyProbeMarks([hw(0, 10, 3)], probes).offsets[0]!.logStartOffset).toBe(3)
    expect(applyProbeMarks([hw(0, 10, 1)], probes).offsets[0]!.logStartOffset).toBe(2)
  })

  it('files a probe asked below the log start under the log start, where the position is clamped', () => {
    const below = probe(0, 2, {
      highWatermark: 10,
      logStartOffset: 5,
      lastStableOffset: 10,
      firstDataOffset: 5,
    })
    const { probes } = applyProbeMarks([hw(0, 10)], [below, probe(1, 3)])
    expect(probes.map((p) => [p.partition, p.offset, p.firstDataOffset])).toEqual([
      [0, 5, 5],
      [1, 3, 3],
    ])
  })
})

describe('missingProbes', () => {
  it('a log start that moved past a cached probe: the new position is probed', () => {
    // previous log start 5 with a cached probe at 5; the marks now say 7
    const x = inputs([group('g', { 0: 2 })], [hw(0, 10, 7, 10)])
    const prev = previous([log(0, 5)], [probe(0, 5)])
    expect(at(missingProbes(x, prev, [{ topic: 't', partition: 0, offset: 10 }]))).toEqual(['0@7'])
  })

  it('nothing when every lagging position was asked or is cached', () => {
    const x = inputs([group('a', { 0: 2 }), group('b', { 0: 4 })], [hw(0, 10, 0, 10)])
    const prev = previous([], [probe(0, 4)])
    expect(missingProbes(x, prev, [{ topic: 't', partition: 0, offset: 2 }])).toEqual([])
  })
})
