// Backends that move data themselves (`movesData`: Strimzi, Koperator, Cruise Control): scaleOut leaves the
// rebalance onto the new broker to the backend unless brokers must be healed, scaleIn leaves the drain to the
// backend's removeBrokers after the same refusals. The fake backend plays such a backend when movesData is set,
// moving replicas in the fake cluster without any reassignment call, so a built-in move shows in cluster.calls.
// Which real backends move data: the registry's factories.
import { KubeConfig } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { BROKER_BACKENDS } from '../../../src/executor/brokers/registry.ts'
import { scaleIn, scaleOut } from '../../../src/executor/operations/index.ts'
import { setup as bench, holding, urp } from './setup.ts'

const setup = (topics: Record<string, number[][]>, brokers: number[]) =>
  bench(topics, brokers, { movesData: true })
const six = () => ({
  t: [
    [1, 2],
    [2, 3],
    [3, 1],
    [1, 2],
    [2, 3],
    [3, 1],
  ],
})

describe('movesData of the real backends', () => {
  // Never contacted: building a backend makes no request.
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  })
  it.each([
    ['cruise-control', { url: 'http://127.0.0.1:9090' }, true],
    ['koperator', { cluster: 'kafka' }, true],
    ['strimzi', { nodePool: 'brokers' }, true],
    ['local', { dir: '/tmp/nowhere' }, false],
  ] as const)('%s: %o → movesData %s', (kind, options, moves) => {
    expect(BROKER_BACKENDS[kind].create(options, { kubeConfig }).movesData).toBe(moves)
  })
})

describe('scaleOut on a backend that moves data', () => {
  it('healthy cluster: the backend rebalanced onto the new broker, no built-in rebalance, then verified', async () => {
    const { cluster, backend, ctx, reasons, reassigned } = setup(six(), [1, 2, 3])
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result).toMatchObject({ ok: true, brokers: [4], moves: 0, dryRun: false })
    expect(result.details).toMatchObject({ mode: 'rebalance by local', backend: { moved: 3 } })
    expect(backend.calls).toEqual(['addBrokers 4'])
    expect(reassigned()).toBe(false)
    expect(holding(cluster, 4)).toBe(3)
    expect(reasons()).toEqual(expect.arrayContaining(['BackendRebalanced', 'Verified', 'ScaleOutDone']))
    expect(reasons()).not.toContain('ReassignmentPlanned')
  })

  it('an offline broker is still healed with the built-in planner, and the journal says why', async () => {
    const { cluster, ctx, reasons, reassigned } = setup(
      {
        t: [
          [1, 2, 3],
          [2, 3, 1],
          [3, 1, 2],
          [1, 2, 3],
        ],
      },
      [1, 2],
    )
    for (const p of cluster.topics.get('t')!) p.isr = p.replicas.filter((b) => b !== 3)
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result.ok, result.message).toBe(true)
    expect(result.details?.mode).toMatch(/heal \(broker 3 offline\)/)
    expect(reassigned()).toBe(true)
    expect(holding(cluster, 3)).toBe(0)
    expect(urp(cluster)).toBe(0)
    const heal = reasons().indexOf('BuiltInHeal')
    expect(heal).toBeGreaterThan(-1)
    expect(reasons().indexOf('ReassignmentPlanned')).toBeGreaterThan(heal)
  })

  it('dry run: asks the backend for a dry run only, plans no built-in moves, changes nothing', async () => {
    const { cluster, backend, ctx, journal, reassigned } = setup(six(), [1, 2, 3])
    const result = await scaleOut(ctx, { dryRun: true })
    expect(result).toMatchObject({ ok: true, dryRun: true, brokers: [4], moves: 0 })
    expect(result.message).toMatch(/would rebalance onto them/)
    expect(backend.calls).toEqual(['addBrokers 4 dry-run'])
    expect(reassigned()).toBe(false)
    expect(cluster.brokers).toEqual([1, 2, 3])
    expect(journal.find((e) => e.reason === 'BackendRebalanced')?.outcome).toBe('dry-run')
  })
})

describe('scaleIn on a backend that moves data', () => {
  const topics = () => ({
    t: [
      [1, 2, 4],
      [2, 4, 3],
      [4, 3, 1],
      [3, 1, 2],
    ],
  })

  it('the backend drains and removes: no built-in drain, then the broker holds nothing and nothing is URP', async () => {
    const { cluster, backend, ctx, reasons, reassigned } = setup(topics(), [1, 2, 3, 4])
    const result = await scaleIn(ctx, { dryRun: false })
    expect(result).toMatchObject({ ok: true, brokers: [4], moves: 0, details: { drainedBy: 'local' } })
    expect(backend.calls).toEqual(['removeBrokers 4'])
    expect(reassigned()).toBe(false)
    expect(holding(cluster, 4)).toBe(0)
    expect(cluster.brokers).toEqual([1, 2, 3])
    expect(reasons()).toEqual(expect.arrayContaining(['DrainPlanned', 'BackendDrained', 'Verified']))
    expect(reasons().at(-1)).toBe('ScaleInDone')
  })

  it('the refusals still come first: below minBrokers the backend is never called', async () => {
    const { backend, ctx } = setup(topics(), [1, 2, 3, 4])
    await expect(scaleIn({ ...ctx, minBrokers: 4 }, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_UNSAFE',
      message: expect.stringMatching(/below minBrokers 4/),
    })
    expect(backend.calls).toEqual([])
  })

  it('dry run: the backend is asked for a dry run, nothing moves', async () => {
    const { cluster, backend, ctx, reassigned } = setup(topics(), [1, 2, 3, 4])
    const result = await scaleIn(ctx, { dryRun: true })
    expect(result).toMatchObject({ ok: true, dryRun: true, brokers: [4], moves: 0 })
    expect(backend.calls).toEqual(['removeBrokers 4 dry-run'])
    expect(reassigned()).toBe(false)
    expect(holding(cluster, 4)).toBe(3)
  })

  it('a failed backend drain says what the cluster was left with', async () => {
    const { ctx, backend } = setup(topics(), [1, 2, 3, 4])
    backend.removeBrokers = async () => {
      throw new Error('KafkaRebalance remove-brokers NotReady')
    }
    const result = await scaleIn(ctx, { dryRun: false })
    expect(result).toMatchObject({
      ok: false,
      details: { step: 'drain', left: 'not removed, still holding 3 partitions' },
    })
    expect(result.message).toMatch(/failed to drain and remove it: .*NotReady/)
  })
})
