import { describe, expect, it } from 'vitest'
import { measureLag, selectPartitions } from '../../../src/analyzer/scaling/partition-lag.ts'
import { config, partitions, T0, view } from './fixtures.ts'

const settings = (metadata: Record<string, unknown> = {}) => config({ metadata }).trigger.metadata

describe('per-partition lag (KEDA §1.3, with the fixes)', () => {
  it.each([
    // TestGetLagForPartition_MissingPartition and friends
    ['no commit, latest: 1 keeps a consumer alive', {}, { committed: null, retained: 50 }, [1, 1]],
    [
      'no commit, latest, scaleToZeroOnInvalidOffset: 0',
      { scaleToZeroOnInvalidOffset: true },
      { committed: null },
      [0, 0],
    ],
    [
      'no commit, earliest: records still in the log',
      { offsetResetPolicy: 'earliest' },
      { committed: null, retained: 50 },
      [50, 50],
    ],
    [
      'no commit, earliest, scaleToZeroOnInvalidOffset: 0',
      { offsetResetPolicy: 'earliest', scaleToZeroOnInvalidOffset: true },
      { committed: null, retained: 50 },
      [0, 0],
    ],
    ['committed: the monitor lag', {}, { committed: 100, lag: 50 }, [50, 50]],
    ['negative lag is clamped per partition', {}, { committed: 100, lag: -20 }, [0, 0]],
  ] as const)('%s', (_name, metadata, spec, [lag, activation]) => {
    const m = measureLag(partitions([spec]), settings(metadata), {}, T0)
    expect([m.figures.totalLag, m.figures.activationLag]).toEqual([lag, activation])
  })

  it('§1.5 worked example: lags [500, 0, 0, 20, no commit, 0] → 521, 3 partitions with lag', () => {
    const m = measureLag(partitions([500, 0, 0, 20, { committed: null }, 0]), settings(), {}, T0)
    expect(m.figures).toMatchObject({
      totalLag: 521,
      activationLag: 521,
      partitions: 6,
      partitionsWithLag: 3,
    })
  })

  it('a negative partition does not hide the lag of the others (KEDA sums it)', () => {
    const m = measureLag(partitions([100, -80]), settings(), {}, T0)
    expect(m.figures.totalLag).toBe(100)
  })

  it('unreadable partitions are counted as unknown, not as zero', () => {
    const m = measureLag(partitions([100, null]), settings(), {}, T0)
    expect(m.figures).toMatchObject({ totalLag: 100, unknownPartitions: 1 })
    expect(m.busy).toBe(false)
  })

  describe('excludePersistentLag', () => {
    const s = settings({ excludePersistentLag: true, persistentLagSeconds: 60 })
    const at = (committed: number, lag: number) =>
      partitions([
        { committed, lag },
        { committed: 500, lag: 10 },
      ])

    it.each([
      ['first sight is never persistent', [], 0, [20, 20]],
      ['moved since: counts', [[900, 0]], 30, [20, 20]],
      ['unchanged for less than persistentLagSeconds: counts', [[1000, 0]], 59, [20, 20]],
      [
        'unchanged for persistentLagSeconds: excluded from the metric, kept for activation',
        [[1000, 0]],
        60,
        [0, 20],
      ],
    ] as const)('%s', (_name, history, seconds, [lag, activation]) => {
      let commits = {}
      for (const [offset, ago] of history)
        commits = measureLag(at(offset, 10), s, commits, T0 + ago * 1000).commits
      const m = measureLag(at(1000, 10), s, commits, T0 + seconds * 1000)
      expect([m.figures.totalLag, m.figures.activationLag]).toEqual([lag, activation])
    })

    it('a consumer that commits slower than the poll is not stuck (KEDA single-step would say it is)', () => {
      let commits = measureLag(at(1000, 10), s, {}, T0).commits
      commits = measureLag(at(1000, 10), s, commits, T0 + 5000).commits
      const m = measureLag(at(1000, 10), s, commits, T0 + 10_000)
      expect(m.figures.persistentPartitions).toBe(0)
    })

    it('persistentLagSeconds 0 is KEDA: excluded from the second unchanged evaluation', () => {
      const k = settings({ excludePersistentLag: true, persistentLagSeconds: 0 })
      const first = measureLag(at(1000, 10), k, {}, T0)
      expect(first.figures.persistentPartitions).toBe(0)
      const second = measureLag(at(1000, 10), k, first.commits, T0 + 5000)
      expect(second.figures).toMatchObject({ persistentPartitions: 2, totalLag: 0, activationLag: 20 })
    })
  })
})

describe('selectPartitions', () => {
  it.each([
    ['topic filter', { topic: 'a' }, ['a/0', 'a/1', 'a/2']],
    [
      'partitionLimitation 1,2 (KEDA TestGetTopicPartitions)',
      { topic: 'a', partitionLimitation: '1,2' },
      ['a/1', 'a/2'],
    ],
    ['no topic: every topic of the group', { topic: '' }, ['a/0', 'a/1', 'a/2', 'b/0']],
  ])('%s', (_name, metadata, expected) => {
    const v = view([])
    v.partitions = [...partitions([1, 1, 1], 'a'), ...partitions([1], 'b')]
    const got = selectPartitions(v, settings(metadata)).map((p) => `${p.topic}/${p.partition}`)
    expect(got).toEqual(expected)
  })
})
