// Two daemons with a kubernetes target, each with the real Lease elector and the real client, against the
// in-process fake API server (test/executor/fake-kube-api.ts): only the leader patches the Deployment, the
// follower decides and journals "follower"; when the leader stops it releases the Lease and the other takes
// over and acts.
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { FakeKubeApi } from '../executor/fake-kube-api.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'

const api = new FakeKubeApi()
const port = new FakeAdminPort()
const daemons: Daemon[] = []
const journals: SqliteJournal[] = []

beforeAll(async () => {
  await api.start()
  api.addScalable({ namespace: 'shop', name: 'orders', replicas: 1, statusReplicas: 1, readyReplicas: 1 })
  port.addTopic('orders', 8)
  for (let p = 0; p < 8; p++) port.produce('orders', p, 5, Date.now() - 10_000, 100)
  port.addGroup('orders', Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7].map((p) => [`orders/${p}`, 0])))
})

afterAll(async () => {
  for (const d of daemons) await d.stop()
  for (const j of journals) j.close()
  await api.stop()
})

// A long polling interval and a late first run keep the schedule out of the way: the test ticks by hand.
const { config } = parseConfig(`scalers:
  - name: orders
    target: { type: kubernetes, name: orders, namespace: shop }
    trigger:
      type: kafka
      metadata: { bootstrapServers: 127.0.0.1:9092, consumerGroup: orders, topic: orders, lagThreshold: 10 }
    pollingInterval: 60
    maxReplicaCount: 8
`)

async function daemon(identity: string): Promise<{ d: Daemon; journal: SqliteJournal }> {
  const journal = new SqliteJournal({ path: ':memory:' })
  journals.push(journal)
  const d = await createDaemon(config, {
    journal,
    kubeConfig: api.kubeConfig('shop'),
    env: { POD_NAME: identity },
    openAdminPort: () => port,
    random: () => 0.99,
  })
  daemons.push(d)
  return { d, journal }
}

async function until(what: string, check: () => boolean, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(50)
  }
}

const patches = () => api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/scale'))

describe('daemon with kubernetes targets: Lease leader election', () => {
  it('only the leader acts; the follower journals "follower"; on the leader stopping, the follower takes over', async () => {
    // 1. pod-a starts first and takes the Lease; pod-b follows
    const a = await daemon('pod-a')
    a.d.start()
    await until('pod-a leads', () => a.d.readiness().role === 'leader')
    const b = await daemon('pod-b')
    b.d.start()
    await until('pod-b sees pod-a lead', () => b.d.readiness().leader === 'pod-a')
    expect(b.d.readiness().role).toBe('follower')
    expect(api.leases.size).toBe(1)

    // 2. both decide 1 → 4 on lag 40; only the leader patches the Deployment
    await b.d.runOnce()
    await a.d.runOnce()
    await Promise.all([...a.d.controllers, ...b.d.controllers].map((c) => c.action))
    expect(api.get('shop', 'orders')?.replicas).toBe(4)
    expect(patches()).toHaveLength(1)
    expect(b.journal.list({ kind: 'decision' })[0]).toMatchObject({
      outcome: 'follower',
      inputs: { desired: 4 },
    })
    expect(b.journal.list({ kind: 'decision' })[0]?.message).toContain('leader is pod-a')
    expect(b.journal.list({ kind: 'action' })).toEqual([])
    expect(a.journal.list({ kind: 'action' })[0]).toMatchObject({
      outcome: 'applied',
      target: 'Deployment shop/orders',
    })

    // 3. pod-a stops and releases the Lease; pod-b takes over on its next attempt (2 s) and acts
    await a.d.stop()
    await until('pod-b leads', () => b.d.readiness().role === 'leader')
    for (let p = 0; p < 8; p++) port.produce('orders', p, 5, Date.now(), 100)
    await b.d.runOnce({ all: true })
    await Promise.all(b.d.controllers.map((c) => c.action))
    expect(api.get('shop', 'orders')?.replicas).toBe(8)
    expect(b.journal.list({ kind: 'event' }).map((e) => e.reason)).toContain('Leading')
    expect((await b.d.app.inject({ url: '/metrics' })).body).toContain('autopilot_leader 1')
  })
})
