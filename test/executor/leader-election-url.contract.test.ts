// The leader's advertised API URL on the Lease (annotation autopilot.dev/leader-url), through the real
// @kubernetes/client-node against the fake API server: written in the same create/PUT that takes or renews the
// Lease (with the resourceVersion read, so a losing write writes nothing), read by followers, replaced by a new
// holder, removed on release; other annotations are kept.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Clock, LEADER_URL_ANNOTATION, LeaderElector } from '../../src/executor/leader-election.ts'
import { FakeKubeApi } from './fake-kube-api.ts'

const api = new FakeKubeApi()
beforeAll(async () => {
  await api.start()
})
afterAll(async () => {
  await api.stop()
})

let t = 0
const T0 = Date.parse('2025-06-01T12:00:00Z')
const clock: Clock = { now: () => T0 + t, sleep: async () => undefined }

beforeEach(() => {
  t = 0
  api.reset()
})

function elector(identity: string, advertiseUrl?: string): LeaderElector {
  return new LeaderElector({
    kubeConfig: api.kubeConfig('ops'),
    namespace: 'ops',
    name: 'autopilot',
    identity,
    advertiseUrl,
    clock,
  })
}

const meta = () =>
  api.leases.get('ops/autopilot')?.metadata as
    | { resourceVersion: string; annotations?: Record<string, string> }
    | undefined
const writes = () => api.requests.filter((r) => r.method === 'POST' || r.method === 'PUT')
const annotationsOf = (body: unknown) =>
  (body as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations

describe('leader election: the leader URL on the Lease', () => {
  it('the creating write carries the URL; a renew PUTs it again with the resourceVersion it read', async () => {
    const a = elector('pod-a', 'http://10.0.0.1:9477')
    expect(await a.tryAcquireOrRenew()).toBe(true)
    expect(writes().map((r) => [r.method, annotationsOf(r.body)])).toEqual([
      ['POST', { [LEADER_URL_ANNOTATION]: 'http://10.0.0.1:9477' }],
    ])
    expect(a.leaderUrl).toBe('http://10.0.0.1:9477')
    const rv = meta()!.resourceVersion
    t += 2_000
    a.advertise('http://10.0.0.1:9999')
    expect(await a.tryAcquireOrRenew()).toBe(true)
    const put = writes().at(-1)!
    expect(put.method).toBe('PUT')
    expect((put.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(rv)
    expect(annotationsOf(put.body)).toEqual({ [LEADER_URL_ANNOTATION]: 'http://10.0.0.1:9999' })
    expect(meta()!.annotations).toEqual({ [LEADER_URL_ANNOTATION]: 'http://10.0.0.1:9999' })
    expect(meta()!.resourceVersion).not.toBe(rv)
  })

  it('a follower reads the holder and its URL; a new holder replaces the URL, or removes it when it has none', async () => {
    const a = elector('pod-a', 'http://10.0.0.1:9477')
    const b = elector('pod-b', 'http://10.0.0.2:9477')
    const c = elector('pod-c')
    await a.tryAcquireOrRenew()
    expect(await b.tryAcquireOrRenew()).toBe(false)
    expect(b.leader).toBe('pod-a')
    expect(b.leaderUrl).toBe('http://10.0.0.1:9477')
    // a stops renewing; after the lease duration on b's clock, b takes over and writes its own URL
    t += 16_000
    expect(await b.tryAcquireOrRenew()).toBe(true)
    expect(meta()!.annotations).toEqual({ [LEADER_URL_ANNOTATION]: 'http://10.0.0.2:9477' })
    expect(await c.tryAcquireOrRenew()).toBe(false)
    expect(c.leaderUrl).toBe('http://10.0.0.2:9477')
    // c, advertising nothing, takes over in turn: the stale URL of b goes with b
    t += 16_000
    expect(await c.tryAcquireOrRenew()).toBe(true)
    expect(meta()!.annotations?.[LEADER_URL_ANNOTATION]).toBeUndefined()
    expect(await a.tryAcquireOrRenew()).toBe(false)
    expect(a.leader).toBe('pod-c')
    expect(a.leaderUrl).toBeUndefined()
  })

  it('release removes the URL with the holder and keeps other annotations', async () => {
    const a = elector('pod-a', 'http://10.0.0.1:9477')
    const b = elector('pod-b')
    await a.tryAcquireOrRenew()
    // someone else (kubectl annotate) adds an annotation: the holder keeps it on renew and release
    const lease = api.leases.get('ops/autopilot')!
    ;(lease.metadata as { annotations: Record<string, string> }).annotations.team = 'kafka'
    api.touch(lease)
    t += 2_000
    await a.tryAcquireOrRenew()
    expect(meta()!.annotations).toEqual({ team: 'kafka', [LEADER_URL_ANNOTATION]: 'http://10.0.0.1:9477' })
    await a.release()
    expect(meta()!.annotations).toEqual({ team: 'kafka' })
    expect(await b.tryAcquireOrRenew()).toBe(true)
    expect(b.leaderUrl).toBeUndefined()
  })

  it('of two candidates racing for an expired lease, only the winner’s URL is on the Lease', async () => {
    const a = elector('pod-a', 'http://10.0.0.1:9477')
    const b = elector('pod-b', 'http://10.0.0.2:9477')
    const c = elector('pod-c', 'http://10.0.0.3:9477')
    await a.tryAcquireOrRenew()
    await b.tryAcquireOrRenew()
    await c.tryAcquireOrRenew()
    t += 16_000
    const results = await Promise.all([b.tryAcquireOrRenew(), c.tryAcquireOrRenew()])
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = results[0] ? 'http://10.0.0.2:9477' : 'http://10.0.0.3:9477'
    expect(meta()!.annotations).toEqual({ [LEADER_URL_ANNOTATION]: winner })
    const loser = results[0] ? c : b
    await loser.tryAcquireOrRenew()
    expect(loser.leaderUrl).toBe(winner)
  })
})
