import { describe, expect, it } from 'vitest'
import { initialScalerState } from '../../src/analyzer/scaling/state.ts'
import type { ScalerState } from '../../src/analyzer/scaling/types.ts'
import { restoreState, stateKey, withoutScale } from '../../src/daemon/scaler-state.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'

const T0 = 1_700_000_000_000

describe('restoreState', () => {
  const saved: ScalerState = {
    ...initialScalerState(T0 - 60_000),
    lastActiveAt: T0 - 1_000,
    recommendations: [{ at: T0 - 5_000, replicas: 4 }],
    scaleEvents: [{ at: T0 - 5_000, delta: 3 }],
    lastDesired: 4,
  }
  const rows = [
    { name: 'a saved state', value: saved, restored: true },
    { name: 'nothing saved', value: undefined, restored: false },
    { name: 'a value that is not an object', value: 'corrupt', restored: false },
    { name: 'a state missing fields', value: { since: T0 }, restored: false },
    {
      name: 'a recommendation without a count',
      value: { ...saved, recommendations: [{ at: T0 }] },
      restored: false,
    },
    { name: 'a non-numeric failure count', value: { ...saved, failures: '2' }, restored: false },
  ]
  for (const row of rows) {
    it(`${row.restored ? 'resumes' : 'starts fresh on'} ${row.name}`, () => {
      const journal = new SqliteJournal({ path: ':memory:', now: () => T0 })
      if (row.value !== undefined) journal.saveState(stateKey('orders'), row.value, T0 - 1_000)
      const out = restoreState(journal, 'orders', T0)
      journal.close()
      expect(out.restored).toBe(row.restored)
      expect(out.state).toEqual(row.restored ? saved : initialScalerState(T0))
      expect(out.savedAt).toBe(row.restored ? T0 - 1_000 : null)
    })
  }
})

describe('withoutScale', () => {
  const previous: ScalerState = { ...initialScalerState(T0), lastDesired: 2, lastScaleAt: T0 - 60_000 }
  const next: ScalerState = {
    ...previous,
    recommendations: [{ at: T0, replicas: 5 }],
    scaleEvents: [{ at: T0, delta: 3 }],
    lastDesired: 5,
    lastScaleAt: T0,
  }
  it('takes back the scale event and the asked-for count, keeping the recommendation', () => {
    expect(withoutScale(next, previous, 2)).toEqual({
      ...next,
      scaleEvents: [],
      lastDesired: 2,
      lastScaleAt: T0 - 60_000,
    })
  })
  it('keeps the change time when the tick saw someone else scale', () => {
    expect(withoutScale(next, previous, 3).lastScaleAt).toBe(T0)
  })
})
