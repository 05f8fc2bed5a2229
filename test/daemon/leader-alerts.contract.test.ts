// A self-healing-only deployment (clusters and alerts, no scalers) of two replicas in Kubernetes: with
// leaderElection at its default (auto) and KUBERNETES_SERVICE_HOST set, the daemons elect one leader with the
// real Lease elector and client against the in-process fake API server (test/executor/fake-kube-api.ts),
// in the pod's namespace. Only the leader acts on an alert sent to both (a custom exec action that appends the
// replica's name to a file, so no Kafka is touched), only the leader's health watch runs and acts, and only the
// leader recovers; the follower, which cannot forward (no POD_IP, no advertiseUrl: the leader's URL is
// unknown), answers the webhook 503 with Retry-After, naming the leader, so the sender retries. When the leader
// stops, the other replica takes over and acts. Forwarding itself: leader-forward.contract.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from '../alerts/fixtures.ts'
import { FakeKubeApi } from '../executor/fake-kube-api.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'
import { fakeRecovery } from './fakes.ts'

/** A cluster whose broker 2 is gone: partition t/0 is under-replicated, so the health watch fires. */
class DegradedPort extends FakeAdminPort {
  override listPartitionReassignments =
    (async () => []) as unknown as FakeAdminPort['listPartitionReassignments']
  override async metadata() {
    const md = await super.metadata()
    const partition = { partition: 0, leader: 1, replicas: [1, 2], isr: [1], offlineReplicas: [2] }
    return { ...md, topics: [{ name: 't', id: 't', internal: false, partitions: [partition] }] }
  }
}

const api = new FakeKubeApi()
const dir = mkdtempSync(join(tmpdir(), 'autopilot-leader-alerts-'))
const acted = join(dir, 'acted')
const daemons: Daemon[] = []
const journals: SqliteJournal[] = []

beforeAll(async () => {
  await api.start()
})

afterAll(async () => {
  for (const d of daemons) await d.stop()
  for (const j of journals) j.close()
  await api.stop()
  rmSync(dir, { recursive: true, force: true })
})

const { config } = parseConfig(`clusters:
  main: { bootstrapServers: "127.0.0.1:19092", backend: { type: local, dir: .stack/none } }
alerts:
  mode: auto
  actions:
    mark:
      type: exec
      command: [/bin/sh, -c, 'echo "$POD_NAME {{labels.alertname}}" >> "${acted}"']
  healthWatch: { intervalSeconds: 1, forSeconds: 0, actions: { UnderReplicatedPartitions: mark } }
`)

async function daemon(identity: string) {
  const journal = new SqliteJournal({ path: ':memory:' })
  journals.push(journal)
  const recovery = fakeRecovery()
  const d = await createDaemon(config, {
    journal,
    // the pod's service account namespace comes with the in-cluster kubeconfig's context
    kubeConfig: api.kubeConfig('autopilot'),
    env: { POD_NAME: identity, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
    openAdminPort: () => new DegradedPort(),
    startRecovery: recovery.start,
  })
  daemons.push(d)
  return { d, journal, recovery }
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(50)
  }
}

const lines = (): string[] => {
  try {
    return readFileSync(acted, 'utf8').trim().split('\n').filter(Boolean)
  } catch {
    return []
  }
}

const alert = (fingerprint: string) => {
  const body = firingWebhook()
  body.alerts[0]!.annotations.command = 'mark'
  body.alerts[0]!.fingerprint = fingerprint
  body.alerts[0]!.labels.instance = fingerprint
  return body
}

const healthWatchEntries = (journal: SqliteJournal) =>
  journal
    .list({ limit: 500 })
    .filter((e) => (e.inputs as { source?: string } | null)?.source === 'health-watch')

describe('self-healing only, two replicas in Kubernetes: Lease leader election', () => {
  it('one leader acts on alerts and watches health; the follower answers but does nothing; it takes over', async () => {
    // 1. pod-a takes the Lease in the pod's namespace; pod-b follows
    const a = await daemon('pod-a')
    a.d.start()
    await until('pod-a leads', () => a.d.readiness().role === 'leader')
    const b = await daemon('pod-b')
    b.d.start()
    await until('pod-b sees pod-a lead', () => b.d.readiness().leader === 'pod-a')
    expect(b.d.readiness().role).toBe('follower')
    expect(api.leases.get('autopilot/kafka-autopilot')).toBeDefined()
    expect(api.leases.size).toBe(1)

    // 2. the same alert to both replicas (Alertmanager with one URL per pod): only pod-a acts; pod-b, which
    // does not know where pod-a listens, answers 503 so that the alert is re-sent rather than dropped
    const toB = await b.d.app.inject({ method: 'POST', url: '/alerts', payload: alert('f1') })
    const toA = await a.d.app.inject({ method: 'POST', url: '/alerts', payload: alert('f1') })
    expect(toB.statusCode).toBe(503)
    expect(toB.headers['retry-after']).toBe('5')
    expect(toB.json()).toMatchObject({ leader: 'pod-a', forwarded: false })
    expect(toB.json().error.message).toMatch(/leader \(pod-a\).*advertises no URL/)
    expect(toA.statusCode).toBe(200)
    expect(toA.json()).toMatchObject({ accepted: 1, actions: [expect.any(String)] })
    expect(toA.json().follower).toBeUndefined()

    // 3. pod-a's health watch fires UnderReplicatedPartitions and acts; pod-b's does not run
    await until('pod-a acted on both alerts', () => lines().length >= 2)
    await until(
      'pod-a journals both actions verified',
      () => a.journal.list({ kind: 'action', limit: 50 }).filter((e) => e.outcome === 'verified').length >= 2,
    )
    expect(lines().sort()).toEqual(['pod-a BrokerUnderReplicated', 'pod-a UnderReplicatedPartitions'])
    expect(b.journal.list({ kind: 'action' })).toEqual([])
    expect(healthWatchEntries(b.journal)).toEqual([])
    expect(b.journal.list({ limit: 50 }).find((e) => e.reason === 'NotLeader')).toMatchObject({
      outcome: 'follower',
      inputs: { alerts: 1, leader: 'pod-a', why: expect.stringMatching(/advertises no URL/) },
    })
    expect(a.recovery.runs).toHaveLength(1)
    expect(b.recovery.runs).toHaveLength(0)
    // a follower refuses approvals (409), naming the leader
    const approve = await b.d.app.inject({ method: 'POST', url: '/api/v1/actions/a1/approve' })
    expect(approve.statusCode).toBe(409)
    expect(approve.json().error.message).toMatch(/leader \(pod-a\)/)

    // 4. pod-a stops and releases the Lease; pod-b takes over: it recovers, watches, and acts
    a.recovery.runs[0]!.end('main')
    await a.d.stop()
    await until('pod-b leads', () => b.d.readiness().role === 'leader')
    expect(b.recovery.runs).toHaveLength(1)
    b.recovery.runs[0]!.end('main')
    const again = await b.d.app.inject({ method: 'POST', url: '/alerts', payload: alert('f2') })
    expect(again.json()).toMatchObject({ accepted: 1, actions: [expect.any(String)] })
    await until('pod-b acted on the alert and on its own watch', () => lines().length >= 4)
    expect(lines().slice(2).sort()).toEqual([
      'pod-b BrokerUnderReplicated',
      'pod-b UnderReplicatedPartitions',
    ])
    expect(healthWatchEntries(b.journal).length).toBeGreaterThan(0)
  }, 30_000)
})
