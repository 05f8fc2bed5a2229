// When the restart recovery runs (standalone at start; elected: only while leading) and how the broker actions
// wait for it, on a fake recovery the test ends by hand. The real recovery runs in recovery.test.ts.
import { describe, expect, it } from 'vitest'
import type { ActionContext, ActionHandlers } from '../../src/alerts/handlers.ts'
import type { ActionRecord } from '../../src/analyzer/actions/types.ts'
import type { RecoveryCluster, RecoveryDeps } from '../../src/daemon/recovery.ts'
import { afterRecovery, RecoveryRunner } from '../../src/daemon/recovery-runner.ts'
import { FakeElector, fakeRecovery } from './fakes.ts'

const CLUSTERS: RecoveryCluster[] = [
  { name: 'main', bootstrapServers: ['127.0.0.1:1'] },
  { name: 'other', bootstrapServers: ['127.0.0.1:2'] },
]
const DEPS = {} as RecoveryDeps

const tick = () => new Promise((r) => setImmediate(r))

function action(cluster: string): ActionRecord {
  return { id: 'a1', action: 'upScale', cluster, params: {}, rule: 'r' } as unknown as ActionRecord
}

function context(signal = new AbortController().signal) {
  const lines: string[] = []
  const ctx: ActionContext = { signal, progress: (m) => lines.push(m) }
  return { ctx, lines }
}

function recorded() {
  const calls: string[] = []
  const handlers: ActionHandlers = {
    upScale: async (a) => {
      calls.push(a.cluster)
      return { ok: true, message: 'added a broker' }
    },
  }
  return { calls, handlers }
}

const clock = { now: () => 0 }

describe('afterRecovery', () => {
  it("an upScale waits for its cluster's recovery, journals the wait, then runs", async () => {
    const fake = fakeRecovery()
    const runner = new RecoveryRunner({ clusters: CLUSTERS, deps: DEPS, start: fake.start })
    const { calls, handlers } = recorded()
    const wrapped = afterRecovery(handlers, runner, clock)
    runner.start()
    const { ctx, lines } = context()
    const outcome = wrapped.upScale!(action('main'), ctx)
    await tick()
    expect(calls).toEqual([])
    expect(lines).toEqual([expect.stringMatching(/waiting for the restart recovery of cluster main/)])
    fake.runs[0]!.end('other') // another cluster's end does not release it
    await tick()
    expect(calls).toEqual([])
    fake.runs[0]!.end('main')
    expect(await outcome).toEqual({ ok: true, message: 'added a broker' })
    expect(calls).toEqual(['main'])
    expect(lines[1]).toMatch(/waited 0 s for the restart recovery of cluster main/)
  })

  it('does not wait once the recovery ended, nor for a cluster without recovery', async () => {
    const fake = fakeRecovery()
    const runner = new RecoveryRunner({ clusters: CLUSTERS.slice(0, 1), deps: DEPS, start: fake.start })
    const { calls, handlers } = recorded()
    const wrapped = afterRecovery(handlers, runner, clock)
    runner.start()
    const other = context()
    await wrapped.upScale!(action('other'), other.ctx)
    expect(other.lines).toEqual([])
    fake.runs[0]!.end('main')
    await tick()
    const main = context()
    await wrapped.upScale!(action('main'), main.ctx)
    expect(main.lines).toEqual([])
    expect(calls).toEqual(['other', 'main'])
  })

  it('an action that arrives before start() waits too (the API listens first)', async () => {
    const fake = fakeRecovery()
    const runner = new RecoveryRunner({ clusters: CLUSTERS, deps: DEPS, start: fake.start })
    const { calls, handlers } = recorded()
    const outcome = afterRecovery(handlers, runner, clock).upScale!(action('main'), context().ctx)
    await tick()
    runner.start()
    await tick()
    expect(calls).toEqual([])
    fake.runs[0]!.end('main')
    await outcome
    expect(calls).toEqual(['main'])
  })

  it("the wait is bounded by the action's signal: aborted, the action fails and changes nothing", async () => {
    const fake = fakeRecovery()
    const runner = new RecoveryRunner({ clusters: CLUSTERS, deps: DEPS, start: fake.start })
    const { calls, handlers } = recorded()
    runner.start()
    const abort = new AbortController()
    const outcome = afterRecovery(handlers, runner, clock).upScale!(action('main'), context(abort.signal).ctx)
    await tick()
    abort.abort()
    expect(await outcome).toMatchObject({ ok: false, message: expect.stringMatching(/nothing was changed/) })
    expect(calls).toEqual([])
  })

  it('stop() stops the recovery and releases the waiting actions', async () => {
    const fake = fakeRecovery()
    const runner = new RecoveryRunner({ clusters: CLUSTERS, deps: DEPS, start: fake.start })
    const { calls, handlers } = recorded()
    runner.start()
    const outcome = afterRecovery(handlers, runner, clock).upScale!(action('main'), context().ctx)
    await tick()
    await runner.stop()
    await outcome
    expect(fake.runs[0]!.stopped).toBe(true)
    expect(calls).toEqual(['main'])
    expect(runner.pending('main')).toBeNull()
  })
})

describe('RecoveryRunner with leader election', () => {
  it('recovers only while leading: starts on leading, stops on following, starts again on the next term', async () => {
    const fake = fakeRecovery()
    const elector = new FakeElector()
    const runner = new RecoveryRunner({ clusters: CLUSTERS, deps: DEPS, elector, start: fake.start })
    runner.start()
    await tick()
    expect(fake.runs).toHaveLength(0)
    expect(runner.pending('main')).toBeNull() // a follower's action does not wait for a recovery that never runs

    elector.set(true)
    expect(runner.pending('main')).not.toBeNull() // armed at once, before the recovery is started
    await tick()
    expect(fake.runs).toHaveLength(1)
    expect(runner.running).toBe(true)

    elector.set(false, 'pod-b')
    await tick()
    await tick()
    expect(fake.runs[0]!.stopped).toBe(true)
    expect(runner.running).toBe(false)
    expect(runner.pending('main')).toBeNull()

    elector.set(true)
    await tick()
    expect(fake.runs).toHaveLength(2)
    fake.runs[1]!.end('main')
    fake.runs[1]!.end('other')
    await tick()
    expect(runner.running).toBe(false)
    expect(fake.runs[1]!.stopped).toBe(false)
    await runner.stop()
  })

  it('a replica already leading when started recovers at once', async () => {
    const fake = fakeRecovery()
    const elector = new FakeElector()
    elector.set(true)
    const runner = new RecoveryRunner({ clusters: CLUSTERS, deps: DEPS, elector, start: fake.start })
    runner.start()
    await tick()
    expect(fake.runs).toHaveLength(1)
    await runner.stop()
    expect(fake.runs[0]!.stopped).toBe(true)
  })
})
