// Lease leader election through the real @kubernetes/client-node against the fake API server, with
// injected clocks: time only moves when a test moves it.
import { setImmediate } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Clock, LeaderElector } from '../../src/executor/leader-election.ts'
import { type FakeKubeApi as Api, FakeKubeApi, type RecordedRequest } from './fake-kube-api.ts'

const api = new FakeKubeApi()
beforeAll(async () => {
  await api.start()
})
afterAll(async () => {
  await api.stop()
})

/** Shared timeline; each elector's clock may be offset from it (skew) but runs at the same rate. */
let t = 0
const T0 = Date.parse('2025-06-01T12:00:00Z')
const clock = (offsetMs = 0): Clock => ({ now: () => T0 + t + offsetMs, sleep: async () => undefined })
const advance = (ms: number) => {
  t += ms
}

beforeEach(() => {
  t = 0
  api.reset()
})

function elector(identity: string, offsetMs = 0, server: Api = api): LeaderElector {
  return new LeaderElector({
    kubeConfig: server.kubeConfig('ops'),
    namespace: 'ops',
    name: 'autopilot',
    identity,
    clock: clock(offsetMs),
  })
}

const spec = () => api.leases.get('ops/autopilot')?.spec as Record<string, unknown> | undefined
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

describe('leader election: acquire and renew', () => {
  it('the first candidate creates the Lease (MicroTime fields) and leads', async () => {
    const a = elector('autopilot-a')
    expect(await a.tryAcquireOrRenew()).toBe(true)
    expect(a.isLeader()).toBe(true)
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/coordination.k8s.io/v1/namespaces/ops/leases/autopilot',
      'POST /apis/coordination.k8s.io/v1/namespaces/ops/leases',
    ])
    expect(spec()).toEqual({
      holderIdentity: 'autopilot-a',
      leaseDurationSeconds: 15,
      acquireTime: '2025-06-01T12:00:00.000000Z',
      renewTime: '2025-06-01T12:00:00.000000Z',
      leaseTransitions: 0,
    })
  })

  it('a renew moves renewTime, keeps acquireTime and transitions, and sends the resourceVersion it read', async () => {
    const a = elector('autopilot-a')
    await a.tryAcquireOrRenew()
    const rv = (api.leases.get('ops/autopilot')!.metadata as { resourceVersion: string }).resourceVersion
    advance(2_000)
    expect(await a.tryAcquireOrRenew()).toBe(true)
    const put = api.requests.find((r) => r.method === 'PUT')!
    expect((put.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(rv)
    expect(spec()).toMatchObject({
      acquireTime: '2025-06-01T12:00:00.000000Z',
      renewTime: '2025-06-01T12:00:02.000000Z',
      leaseTransitions: 0,
    })
    expect(spec()!.renewTime).toMatch(MICRO_TIME)
  })

  it('a follower takes over only after the record went unchanged for leaseDurationSeconds on its own clock', async () => {
    const a = elector('autopilot-a')
    const b = elector('autopilot-b')
    await a.tryAcquireOrRenew()
    expect(await b.tryAcquireOrRenew()).toBe(false)
    expect(b.leader).toBe('autopilot-a')
    advance(5_000)
    await a.tryAcquireOrRenew() // A's last renew
    advance(1_000)
    expect(await b.tryAcquireOrRenew()).toBe(false) // sees the renewed record: its 15 s start now
    advance(14_999)
    expect(await b.tryAcquireOrRenew()).toBe(false)
    expect(a.isLeader()).toBe(false) // 15.999 s since A's renew: past its 10 s renew deadline
    advance(1)
    expect(await b.tryAcquireOrRenew()).toBe(true)
    expect(spec()).toMatchObject({ holderIdentity: 'autopilot-b', leaseTransitions: 1 })
    expect(spec()!.acquireTime).toBe(spec()!.renewTime)
  })

  const skews = [
    { name: 'the holder clock runs an hour ahead', offsetMs: 3_600_000 },
    { name: 'the holder clock runs an hour behind', offsetMs: -3_600_000 },
  ]
  it.each(skews)('clock skew does not matter: $name', async ({ offsetMs }) => {
    const a = elector('autopilot-a', offsetMs)
    const b = elector('autopilot-b')
    await a.tryAcquireOrRenew()
    for (let i = 0; i < 10; i++) {
      expect(await b.tryAcquireOrRenew()).toBe(false) // a renewing holder keeps the lease
      advance(2_000)
      await a.tryAcquireOrRenew()
    }
    advance(15_000)
    expect(await b.tryAcquireOrRenew()).toBe(false) // first sight of A's last renew
    advance(15_000)
    expect(await b.tryAcquireOrRenew()).toBe(true)
  })

  it('a failed renew keeps leadership until the renew deadline, not longer', async () => {
    const a = elector('autopilot-a')
    await a.tryAcquireOrRenew()
    api.fail('PUT', /leases\/autopilot$/, {
      status: 500,
      body: '{"kind":"Status","code":500,"message":"etcdserver: request timed out"}',
    })
    advance(2_000)
    await expect(a.tryAcquireOrRenew()).rejects.toMatchObject({ code: 'AP_ERR_KUBERNETES', retryable: true })
    advance(7_999)
    expect(a.isLeader()).toBe(true)
    advance(1)
    expect(a.isLeader()).toBe(false)
  })

  it('release hands the lease over at once', async () => {
    const a = elector('autopilot-a')
    const b = elector('autopilot-b')
    await a.tryAcquireOrRenew()
    await b.tryAcquireOrRenew()
    await a.release()
    expect(a.isLeader()).toBe(false)
    expect(spec()).toMatchObject({ leaseDurationSeconds: 1, leaseTransitions: 0 })
    expect(spec()!.holderIdentity).toBeUndefined()
    expect(await b.tryAcquireOrRenew()).toBe(true)
    expect(spec()).toMatchObject({ holderIdentity: 'autopilot-b', leaseTransitions: 1 })
  })
})

/** Holds requests matching `match` until `count` of them are waiting, then lets them all go. */
function barrier(match: (r: RecordedRequest) => boolean, count: number) {
  const waiting: Array<() => void> = []
  return (r: RecordedRequest) => {
    if (!match(r)) return
    return new Promise<void>((resolve) => {
      waiting.push(resolve)
      if (waiting.length === count) for (const go of waiting.splice(0)) go()
    })
  }
}

describe('leader election: races', () => {
  it('two candidates creating the Lease at once: one wins, the other gets 409 AlreadyExists and follows', async () => {
    const a = elector('autopilot-a')
    const b = elector('autopilot-b')
    api.gate = barrier((r) => r.method === 'GET', 2) // both see 404, both POST
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2)
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1)
  })

  it('two candidates taking an expired lease at once: one PUT wins, the stale resourceVersion gets 409', async () => {
    const old = elector('autopilot-old')
    await old.tryAcquireOrRenew()
    const a = elector('autopilot-a')
    const b = elector('autopilot-b')
    await a.tryAcquireOrRenew()
    await b.tryAcquireOrRenew()
    advance(15_000)
    api.requests.length = 0
    api.gate = barrier((r) => r.method === 'GET', 2) // both read the same resourceVersion
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(2)
    expect(spec()).toMatchObject({ leaseTransitions: 1 })
    expect([a.isLeader(), b.isLeader(), old.isLeader()].filter(Boolean)).toHaveLength(1)
  })

  it('never two leaders: a seeded random run of attempts, clock jumps and API failures', async () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const electors = [elector('a', 0), elector('b', 40_000), elector('c', -7_000)]
    const leaders = new Set<string>()
    for (let step = 0; step < 300; step++) {
      const r = random()
      if (r < 0.6) {
        const e = electors[Math.floor(random() * electors.length)]!
        if (random() < 0.1)
          api.fail(random() < 0.5 ? 'GET' : 'PUT', /leases/, { status: 503, body: 'unavailable' })
        await e.tryAcquireOrRenew().catch(() => undefined)
      } else {
        advance(Math.floor(random() * 6_000))
      }
      const now = electors.filter((e) => e.isLeader())
      expect(now.length).toBeLessThanOrEqual(1)
      for (const e of now) leaders.add(e.identity)
    }
    // The run is only meaningful if leadership actually changed hands.
    expect(leaders.size).toBeGreaterThan(1)
  })
})

describe('leader election: run loop and options', () => {
  it('run() leads, and releases the lease when its signal aborts', async () => {
    const sleepy: Clock = {
      now: () => T0 + t,
      sleep: async (ms) => {
        advance(ms)
        await setImmediate()
      },
    }
    const a = new LeaderElector({
      kubeConfig: api.kubeConfig(),
      namespace: 'ops',
      name: 'autopilot',
      identity: 'a',
      clock: sleepy,
    })
    const controller = new AbortController()
    a.once('leading', () => controller.abort())
    await a.run(controller.signal)
    expect(a.isLeader()).toBe(false)
    expect(spec()!.holderIdentity).toBeUndefined()
  })

  const rows = [
    {
      name: 'renew deadline not below the lease',
      options: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 },
      field: 'renewDeadlineSeconds',
    },
    {
      name: 'retry period not below the deadline',
      options: { retryPeriodSeconds: 10 },
      field: 'retryPeriodSeconds',
    },
    {
      name: 'fractional lease duration',
      options: { leaseDurationSeconds: 15.5 },
      field: 'leaseDurationSeconds',
    },
    { name: 'no identity', options: { identity: '' }, field: 'identity' },
  ]
  it.each(rows)('$name → AP_ERR_CONFIG on $field', ({ options, field }) => {
    expect(
      () =>
        new LeaderElector({
          kubeConfig: api.kubeConfig(),
          namespace: 'ops',
          name: 'autopilot',
          identity: 'a',
          ...options,
        }),
    ).toThrow(expect.objectContaining({ code: 'AP_ERR_CONFIG', field }))
  })
})
