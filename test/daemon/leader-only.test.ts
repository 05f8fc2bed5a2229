// LeaderOnly runs its work from start() to stop() when standalone, and only while this replica leads when
// elected: fresh work each term, stopped on following and at the stop.
import { describe, expect, it } from 'vitest'
import { LeaderOnly } from '../../src/daemon/leader-only.ts'
import { FakeElector } from './fakes.ts'

function work() {
  const terms: Array<{ stopped: boolean }> = []
  const begin = () => {
    const term = { stopped: false }
    terms.push(term)
    return {
      stop: async () => {
        term.stopped = true
      },
    }
  }
  return { terms, begin }
}

describe('LeaderOnly', () => {
  it('standalone: runs from start() until stop()', async () => {
    const w = work()
    const only = new LeaderOnly(w.begin)
    expect(w.terms).toHaveLength(0)
    only.start()
    only.start()
    expect(w.terms).toEqual([{ stopped: false }])
    await only.stop()
    expect(w.terms).toEqual([{ stopped: true }])
  })

  it('elected: nothing while following; a fresh run per term; stopped on following and at the stop', async () => {
    const w = work()
    const elector = new FakeElector()
    const only = new LeaderOnly(w.begin, elector)
    only.start()
    expect(only.running).toBe(false)
    elector.set(true)
    expect(w.terms).toEqual([{ stopped: false }])
    elector.set(false, 'pod-b')
    expect(only.running).toBe(false)
    await only.stop()
    expect(w.terms).toEqual([{ stopped: true }])
    // stopped for good: a later term starts nothing
    elector.set(true)
    expect(w.terms).toHaveLength(1)
  })

  it('elected and already leading at start(): runs at once; leading again starts a second term', async () => {
    const w = work()
    const elector = new FakeElector()
    elector.set(true)
    const only = new LeaderOnly(w.begin, elector)
    only.start()
    expect(w.terms).toHaveLength(1)
    elector.set(false, 'pod-b')
    elector.set(true)
    expect(w.terms).toEqual([{ stopped: true }, { stopped: false }])
    await only.stop()
    expect(w.terms[1]?.stopped).toBe(true)
  })
})
