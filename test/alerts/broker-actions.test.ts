// The broker action handlers: the cluster an action names picks the operations, an unknown one fails clearly,
// parameters map to the operations, refusals end the action as failed with the reason, every step is
// journaled with the action id, and broker counts come from the cached metadata.
import { describe, expect, it } from 'vitest'
import { BrokerCounts, createBrokerActions, summarize } from '../../src/alerts/broker-actions.ts'
import type { ActionRecord } from '../../src/analyzer/actions/types.ts'
import type { BrokerOpsContext, ClusterOps } from '../../src/executor/operations/index.ts'
import type { JournalEntryInput } from '../../src/journal/journal.ts'
import { FakeBackend } from '../executor/operations/fake-backend.ts'
import { FakeCluster } from '../executor/reassignment/fake-cluster.ts'

function opsOf(cluster: FakeCluster, backend: FakeBackend): ClusterOps {
  const base = {
    reassignment: { pollIntervalMs: 10 },
    waits: { pollMs: 5, brokerJoinMs: 1_000, fenceMs: 100, verifyMs: 1_000 },
  }
  return {
    name: 'dev',
    admin: cluster.port,
    backend,
    reassignment: base.reassignment,
    context: (extra = {}): BrokerOpsContext => ({
      ...base,
      ...extra,
      cluster: 'dev',
      admin: cluster.port,
      backend,
    }),
    close: async () => {},
  }
}

function action(name: string, params: Record<string, string> = {}, cluster = 'dev'): ActionRecord {
  return {
    id: 'a1',
    action: name,
    cluster,
    target: `${name} ${cluster}`,
    disruptive: true,
    params,
    labels: {},
    annotations: {},
    fingerprints: ['f'],
    alertname: 'X',
    rule: 'urp',
    state: 'running',
    createdAt: 0,
    updatedAt: 0,
  }
}

function setup(options: { minBrokers?: number; dryRun?: boolean } = {}) {
  const cluster = new FakeCluster({
    t: [
      [1, 2, 4],
      [2, 4, 3],
      [4, 3, 1],
      [3, 1, 2],
    ],
  })
  const backend = new FakeBackend(cluster)
  const entries: JournalEntryInput[] = []
  const finished: string[] = []
  const handlers = createBrokerActions({
    clusters: new Map([['dev', opsOf(cluster, backend)]]),
    journal: { append: (e) => entries.push(e) as never },
    ...options,
    onFinished: (c) => finished.push(c),
  })
  const progress: string[] = []
  const context = { signal: new AbortController().signal, progress: (m: string) => progress.push(m) }
  return { cluster, backend, entries, handlers, context, finished }
}

describe('broker action handlers', () => {
  it('answers every broker action', () => {
    expect(Object.keys(setup().handlers).sort()).toEqual(['addDisk', 'downScale', 'resizeDisk', 'upScale'])
  })
  it('an unknown cluster fails naming it and the configured ones, changing nothing', async () => {
    const { handlers, context, backend } = setup()
    const out = await handlers.upScale!(action('upScale', {}, 'prod'), context)
    expect(out).toEqual({
      ok: false,
      message: 'upScale: no cluster "prod" in the config (clusters: dev); nothing was changed',
    })
    expect(backend.calls).toEqual([])
  })
  it('downScale drains and removes brokerId, journaling each step with the action id', async () => {
    const { handlers, context, backend, entries, finished } = setup()
    const out = await handlers.downScale!(action('downScale', { brokerId: '4' }), context)
    expect(out.ok).toBe(true)
    expect(out.message).toMatch(/removed broker 4/)
    expect(backend.calls).toEqual(['removeBrokers 4'])
    expect(entries.length).toBeGreaterThan(3)
    for (const e of entries) expect(e).toMatchObject({ scaler: 'urp', inputs: { actionId: 'a1' } })
    expect(finished).toEqual(['dev'])
  })
  it('a refusal ends the action as failed with the code and reason', async () => {
    const { handlers, context } = setup({ minBrokers: 4 })
    const out = await handlers.downScale!(action('downScale'), context)
    expect(out.ok).toBe(false)
    expect(out.message).toMatch(/^downScale on dev failed: AP_ERR_UNSAFE: .*below minBrokers 4/)
  })
  it('the dryRun parameter plans only', async () => {
    const { handlers, context, backend, cluster } = setup()
    const out = await handlers.upScale!(action('upScale', { dryRun: 'true' }), context)
    expect(out).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^dry-run: would add broker\(s\) 5/),
    })
    expect(backend.calls).toEqual(['addBrokers 5 dry-run'])
    expect(cluster.brokers).toEqual([1, 2, 3, 4])
  })
  it("the engine's dry run (context.dryRun) plans only and reports the plan: moves, brokers, reassignment", async () => {
    const { handlers, context, backend, cluster } = setup()
    const out = await handlers.upScale!(action('upScale'), { ...context, dryRun: true })
    expect(out.ok).toBe(true)
    expect(out.message).toMatch(/^dry-run: would add broker\(s\) 5/)
    expect(backend.calls).toEqual(['addBrokers 5 dry-run'])
    expect(cluster.brokers).toEqual([1, 2, 3, 4])
    const details = out.details as {
      dryRun: boolean
      moves: number
      brokers: number[]
      reassignment: {
        partitions: number
        topics: number
        replicasByBroker: Record<string, number>
        sample: unknown[]
      }
    }
    expect(details).toMatchObject({ dryRun: true, brokers: [5], mode: 'rebalance' })
    expect(details.moves).toBeGreaterThan(0)
    expect(details.reassignment.topics).toBe(1)
    expect(details.reassignment.sample).toHaveLength(details.reassignment.partitions)
    // every changed partition lists its replicas; broker 5 receives the moves
    expect(details.reassignment.replicasByBroker['5']).toBe(details.moves)
    expect(details).not.toHaveProperty('plan')
  })
  it('addDisk maps diskSize, mountPath and rebalance; a bad brokerId is named', async () => {
    const { handlers, context, backend } = setup()
    backend.operations = new Set(['addBrokers', 'removeBrokers', 'addDisk', 'rebalance'])
    const out = await handlers.addDisk!(
      action('addDisk', { brokerId: '2', diskSize: '10Gi', mountPath: '/d2', rebalance: 'true' }),
      context,
    )
    expect(out.ok).toBe(true)
    expect(backend.calls).toEqual(['addDisk 2 10Gi', 'rebalance disk=true'])
    const bad = await handlers.addDisk!(action('addDisk', { brokerId: 'x', diskSize: '1Gi' }), context)
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/AP_ERR_INPUT: brokerId "x"/) })
  })
  it('resizeDisk on a backend without it fails clearly', async () => {
    const { handlers, context } = setup()
    const out = await handlers.resizeDisk!(action('resizeDisk', { brokerId: '1', diskSize: '20Gi' }), context)
    expect(out).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not supported by the local backend/),
    })
  })
})

describe('summarize', () => {
  it('counts a large plan and lists only a sample of it', () => {
    const partitions = Array.from({ length: 50 }, (_, i) => ({
      topic: `t${i % 3}`,
      partition: i,
      replicas: [1, 2 + (i % 2)],
    }))
    const out = summarize({
      ok: true,
      message: 'm',
      brokers: [3],
      moves: 25,
      dryRun: true,
      details: { plan: { version: 1, partitions }, warnings: [] },
    })
    expect(out).toMatchObject({
      dryRun: true,
      moves: 25,
      brokers: [3],
      warnings: [],
      reassignment: { partitions: 50, topics: 3, replicasByBroker: { 1: 50, 2: 25, 3: 25 }, notListed: 30 },
    })
    expect((out.reassignment as { sample: unknown[] }).sample).toHaveLength(20)
  })
})

describe('BrokerCounts', () => {
  it('reads the broker count per cluster, unknown until read and after a failed read', async () => {
    const cluster = new FakeCluster({ t: [[1]] })
    const counts = new BrokerCounts(new Map([['dev', opsOf(cluster, new FakeBackend(cluster))]]))
    expect(counts.get('dev')).toBeUndefined()
    await counts.refresh()
    expect(counts.get('dev')).toBe(4)
    cluster.fault = (m) => (m === 'metadata' ? new Error('down') : undefined)
    await counts.refresh('dev')
    expect(counts.get('dev')).toBeUndefined()
    expect(counts.get('other')).toBeUndefined()
  })
})
