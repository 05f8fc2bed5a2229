// The engine state as JSON: dry-run plan times survive a restart, a state saved before them still restores,
// and a dry run under way at the stop is restored as interrupted with nothing changed.
import { describe, expect, it } from 'vitest'
import { restoreEngineState, saveEngineState } from '../../../src/analyzer/actions/persist.ts'
import { type ActionRecord, emptyState } from '../../../src/analyzer/actions/types.ts'

const T0 = 1_700_000_000_000

const record = (over: Partial<ActionRecord> = {}): ActionRecord => ({
  id: 'a1',
  action: 'upScale',
  cluster: 'local',
  target: 'upScale local',
  disruptive: true,
  params: {},
  labels: {},
  annotations: {},
  fingerprints: ['f1'],
  alertname: 'X',
  rule: null,
  state: 'running',
  createdAt: T0,
  updatedAt: T0,
  ...over,
})

describe('engine state persistence', () => {
  it('keeps lastPlan apart from lastStart through a save and a restore', () => {
    const state = emptyState()
    state.lastPlan.set('upScale local', T0)
    state.lastStart.set('downScale local', T0 - 5)
    const restored = restoreEngineState(JSON.parse(JSON.stringify(saveEngineState(state))), T0 + 1)
    expect([...restored!.state.lastPlan]).toEqual([['upScale local', T0]])
    expect([...restored!.state.lastStart]).toEqual([['downScale local', T0 - 5]])
  })

  it('a state saved without lastPlan restores with none', () => {
    const saved = { version: 1, alerts: [], lastStart: [], actions: [], nextId: 3 }
    const restored = restoreEngineState(saved, T0)
    expect(restored?.state.lastPlan.size).toBe(0)
    expect(restored?.state.nextId).toBe(3)
    expect(restoreEngineState({ ...saved, lastPlan: [['x', 'y']] }, T0)).toBeNull()
  })

  it('a dry run under way at the stop is interrupted, saying nothing was changed', () => {
    const state = emptyState()
    state.actions.set('a1', record({ dryRun: true }))
    state.actions.set('a2', record({ id: 'a2' }))
    const restored = restoreEngineState(saveEngineState(state), T0 + 1)!
    expect(restored.interrupted.map((a) => [a.id, a.state, a.message])).toEqual([
      ['a1', 'failed', 'dry run interrupted by a restart; nothing was changed'],
      ['a2', 'failed', 'interrupted by a restart'],
    ])
  })
})
