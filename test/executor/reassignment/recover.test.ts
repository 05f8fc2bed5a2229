// recover / cancel / status on an in-memory cluster: which reassignments and throttle keys count as "ours"
// (everything, or a scope), and what each mode does with them. The real restart runs in recover.int.test.ts.
import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { ReassignmentEvent } from '../../../src/executor/reassignment/events.ts'
import { cancel, recover, status, toJournalEntry } from '../../../src/executor/reassignment/index.ts'
import { FakeCluster } from './fake-cluster.ts'

const RATES = { 'leader.replication.throttled.rate': '1024', 'follower.replication.throttled.rate': '1024' }

/** Topic a is being moved (a-0: [1,2] → [3,1]) with throttles; topic b has a throttle list of its own. */
async function leftover(): Promise<FakeCluster> {
  const c = new FakeCluster({ a: [[1, 2]], b: [[2, 4]] })
  c.pollsToComplete = 3
  await c.port.alterPartitionReassignments([{ topic: 'a', partition: 0, replicas: [3, 1] }])
  for (const b of [1, 2, 3]) c.configs.set(`broker ${b}`, { ...RATES })
  c.configs.set('broker 4', { ...RATES })
  c.configs.set('topic a', {
    'leader.replication.throttled.replicas': '0:1,0:2',
    'follower.replication.throttled.replicas': '0:3',
  })
  c.configs.set('topic b', { 'follower.replication.throttled.replicas': '0:4' })
  c.calls = []
  return c
}

describe('recover', () => {
  it('complete (default): waits for the reassignment, then clears every throttle key in the cluster', async () => {
    const c = await leftover()
    const clearedWhileMoving: string[] = []
    c.fault = (method) => {
      if (method === 'incrementalAlterConfigs' && c.ongoing.size > 0) clearedWhileMoving.push(method)
      return undefined
    }
    const events: ReassignmentEvent[] = []
    const recovery = await recover(c.port, {
      clock: c.clock,
      readBackMs: 0,
      journal: (e) => void events.push(e),
    })
    expect(recovery.found.reassignments.map((r) => `${r.topic}-${r.partition}`)).toEqual(['a-0'])
    expect(recovery.found.throttles.brokers.map((b) => b.id)).toEqual([1, 2, 3, 4])
    expect(recovery.found.throttles.topics.map((t) => t.name)).toEqual(['a', 'b'])
    const result = await recovery.execution!.done
    expect(result).toMatchObject({ state: 'completed', throttles: { cleared: true } })
    expect(events.map((e) => e.kind)).toEqual(['planned', 'progress', 'throttles-cleared', 'verified'])
    expect(events[0]).toMatchObject({ mode: 'recover', moves: [{ topic: 'a', from: [1, 2], to: [3, 1] }] })
    expect(c.partition('a', 0)!.replicas).toEqual([3, 1])
    expect(c.configLines()).toEqual([])
    expect(clearedWhileMoving).toEqual([])
  })

  it('a scope limits it to the plan’s partitions, topics and brokers', async () => {
    const c = await leftover()
    const recovery = await recover(c.port, {
      clock: c.clock,
      readBackMs: 0,
      scope: { partitions: [{ topic: 'a', partition: 0 }], brokers: [1, 2, 3] },
    })
    await recovery.execution!.done
    expect(c.configLines()).toEqual([
      'broker 4 follower.replication.throttled.rate=1024',
      'broker 4 leader.replication.throttled.rate=1024',
      'topic b follower.replication.throttled.replicas=0:4',
    ])
  })

  it('cancel: reverts the reassignment, then clears the throttles', async () => {
    const c = await leftover()
    const events: ReassignmentEvent[] = []
    const recovery = await cancel(c.port, {
      clock: c.clock,
      readBackMs: 0,
      journal: (e) => void events.push(e),
    })
    const result = await recovery.execution!.done
    expect(result).toMatchObject({ state: 'cancelled', cancelReason: 'requested', outcome: 'unchanged' })
    expect(events.map((e) => e.kind)).toEqual(['planned', 'throttles-cleared', 'cancelled'])
    expect(events.at(-1)).toMatchObject({ reverted: [{ topic: 'a', partition: 0 }] })
    expect(c.partition('a', 0)!.replicas).toEqual([1, 2])
    expect(c.configLines()).toEqual([])
  })

  it('only throttles left (the run died after its moves finished): cleared at once', async () => {
    const c = new FakeCluster({ a: [[3, 1]] })
    c.configs.set('broker 3', { ...RATES })
    const recovery = await recover(c.port, { clock: c.clock, readBackMs: 0 })
    expect(recovery.found.reassignments).toEqual([])
    expect(await recovery.execution!.done).toMatchObject({ state: 'completed', throttles: { cleared: true } })
    expect(c.configLines()).toEqual([])
  })

  it.each([
    { name: 'a bad mode', options: { mode: 'finish' as 'complete' }, field: 'mode' },
    {
      name: 'a scope without partitions',
      options: { scope: { brokers: [1] } as never },
      field: 'scope.partitions',
    },
  ])('refuses $name', async ({ options, field }) => {
    const c = new FakeCluster({ a: [[1, 2]] })
    const error = await recover(c.port, options).catch((e) => e)
    expect(AutopilotError.is(error) && [error.code, error.field]).toEqual(['AP_ERR_INPUT', field])
  })
})

describe('status', () => {
  it('shows the ongoing reassignment, the throttles and how far a plan is, changing nothing', async () => {
    const c = await leftover()
    const s = await status(c.port, {
      plan: { version: 1, partitions: [{ topic: 'a', partition: 0, replicas: [3, 1] }] },
    })
    expect(s.ongoing).toMatchObject([{ topic: 'a', partition: 0, from: [1, 2], to: [3, 1], adding: [3] }])
    expect(Object.keys(s.throttles)).toEqual(['broker 1', 'broker 2', 'broker 3', 'topic a'])
    expect(s.verification).toMatchObject({ complete: false, partitions: [{ state: 'moving' }] })
    expect(
      c.calls.some(
        (x) => x.method === 'incrementalAlterConfigs' || x.method === 'alterPartitionReassignments',
      ),
    ).toBe(false)
  })
})

describe('toJournalEntry', () => {
  it.each([
    { kind: 'planned', journalKind: 'decision', outcome: null },
    { kind: 'started', journalKind: 'action', outcome: 'applied' },
    { kind: 'progress', journalKind: 'event', outcome: null },
    { kind: 'failed', journalKind: 'event', outcome: 'failed' },
    { kind: 'cancelled', journalKind: 'action', outcome: 'aborted' },
  ])('$kind → $journalKind', ({ kind, journalKind, outcome }) => {
    const event = { kind, at: 5, executionId: 'ra-1', message: 'm' } as unknown as ReassignmentEvent
    expect(toJournalEntry(event)).toEqual({
      at: 5,
      kind: journalKind,
      scaler: null,
      target: 'reassignment ra-1',
      reason: `reassignment-${kind}`,
      message: 'm',
      inputs: event,
      outcome,
    })
  })
})
