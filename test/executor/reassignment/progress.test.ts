import { describe, expect, it } from 'vitest'
import { makeMove } from '../../../src/executor/reassignment/moves.ts'
import { estimateEta, snapshot, type Tracked, track } from '../../../src/executor/reassignment/progress.ts'
import type { MoveState } from '../../../src/executor/reassignment/types.ts'

function t(partition: number, state: MoveState, size: number | null, copied: number | null = null): Tracked {
  const move = makeMove({ topic: 't', partition }, [1, 2], [3, 4], size)
  return { ...track(move), state, copied }
}

describe('snapshot', () => {
  it('counts states and sums bytes (size × adding brokers, copied capped at the total)', () => {
    const tracked = [
      t(0, 'done', 100),
      t(1, 'in-flight', 100, 150),
      t(2, 'in-flight', 100, 500),
      t(3, 'pending', 100),
    ]
    const s = snapshot({
      executionId: 'x',
      state: 'running',
      startedAt: 0,
      firstSubmitAt: 0,
      now: 1000,
      tracked,
    })
    expect(s.counts).toEqual({ total: 4, pending: 1, inFlight: 2, done: 1, notMoved: 0 })
    expect(s.bytes).toEqual({ total: 800, copied: 200 + 150 + 200 })
    expect(s.moves.map((m) => m.bytes)).toEqual([
      { total: 200, copied: 200 },
      { total: 200, copied: 150 },
      { total: 200, copied: 200 },
      { total: 200, copied: 0 },
    ])
  })

  it('no byte totals when a copy move has no size; reverted and skipped count as not moved', () => {
    const tracked = [t(0, 'reverted', 100), t(1, 'skipped', null), t(2, 'rejected', 1)]
    const s = snapshot({
      executionId: 'x',
      state: 'cancelled',
      startedAt: 0,
      firstSubmitAt: 0,
      now: 1,
      tracked,
    })
    expect(s.bytes).toBeNull()
    expect(s.counts.notMoved).toBe(3)
    expect(s.etaMs).toBeNull()
  })

  it('a no-op move starts done and copies nothing', () => {
    const noop = track(makeMove({ topic: 't', partition: 0 }, [1, 2], [1, 2], 100))
    expect(noop.state).toBe('done')
    const s = snapshot({
      executionId: 'x',
      state: 'completed',
      startedAt: 0,
      firstSubmitAt: null,
      now: 1,
      tracked: [noop],
    })
    expect(s).toMatchObject({ bytes: { total: 0, copied: 0 }, etaMs: 0 })
  })
})

describe('estimateEta', () => {
  it.each([
    {
      name: 'by bytes: a quarter copied in 10 s → 30 s left',
      bytes: { total: 400, copied: 100 },
      tracked: [],
      eta: 30_000,
    },
    {
      name: 'by bytes: nothing copied yet → unknown',
      bytes: { total: 400, copied: 0 },
      tracked: [],
      eta: null,
    },
    {
      name: 'by moves: 1 of 4 done in 10 s → 30 s left',
      bytes: null,
      tracked: [t(0, 'done', null), t(1, 'in-flight', null), t(2, 'pending', null), t(3, 'pending', null)],
      eta: 30_000,
    },
    { name: 'by moves: none done → unknown', bytes: null, tracked: [t(0, 'in-flight', null)], eta: null },
    { name: 'by moves: nothing left → 0', bytes: null, tracked: [t(0, 'done', null)], eta: 0 },
  ])('$name', ({ bytes, tracked, eta }) => {
    expect(estimateEta(tracked, bytes, 10_000)).toBe(eta)
  })
})
