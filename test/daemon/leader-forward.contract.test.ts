// Alerts sent to a follower reach the leader: two self-healing replicas in Kubernetes (POD_IP set, so each
// advertises http://POD_IP:port) elect a leader with the real Lease elector and client against the in-process
// fake API server (test/executor/fake-kube-api.ts), each API listening on 127.0.0.1. The leader writes its URL
// on the Lease; an alert posted to the follower (as through a Service that picks one pod) is forwarded and acted
// on once by the leader (a custom exec action appending the replica's name to a file), the follower answering
// with the leader's answer. A request another replica forwarded is never forwarded again. A leader that
// crashed (Lease not released, not yet expired) cannot be reached: the follower answers 503 with Retry-After,
// which Alertmanager retries.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FORWARDED_BY_HEADER, FORWARDED_TO_HEADER } from '../../src/alerts/forward.ts'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { LEADER_URL_ANNOTATION } from '../../src/executor/leader-election.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from '../alerts/fixtures.ts'
import { FakeKubeApi } from '../executor/fake-kube-api.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'
import { fakeRecovery } from './fakes.ts'

const TOKEN = 'leader-forward-token'
const api = new FakeKubeApi()
const dir = mkdtempSync(join(tmpdir(), 'autopilot-leader-forward-'))
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
  auth: { type: bearer, token: ${TOKEN} }
  actions:
    mark:
      type: exec
      command: [/bin/sh, -c, 'echo "$POD_NAME {{labels.instance}}" >> "${acted}"']
  healthWatch: { enabled: false }
`)

async function daemon(identity: string) {
  const journal = new SqliteJournal({ path: ':memory:' })
  journals.push(journal)
  const recovery = fakeRecovery()
  const d = await createDaemon(config, {
    journal,
    kubeConfig: api.kubeConfig('autopilot'),
    env: {
      POD_NAME: identity,
      POD_IP: '127.0.0.1',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    },
    server: { host: '127.0.0.1', port: 0 },
    openAdminPort: () => new FakeAdminPort(),
    startRecovery: recovery.start,
  })
  daemons.push(d)
  const url = await d.listen()
  d.start()
  return { d, journal, recovery, url }
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

/** Alertmanager's POST: an alert whose command annotation runs `mark`, through real HTTP. */
function post(url: string, fingerprint: string, headers: Record<string, string> = {}) {
  const body = firingWebhook()
  body.alerts[0]!.annotations.command = 'mark'
  body.alerts[0]!.fingerprint = fingerprint
  body.alerts[0]!.labels.instance = fingerprint
  return fetch(`${url}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(8_000),
  })
}

const leaseAnnotations = () =>
  (api.leases.get('autopilot/kafka-autopilot')?.metadata as { annotations?: Record<string, string> })
    ?.annotations
const actionCount = (journal: SqliteJournal) =>
  journal.list({ kind: 'action', limit: 200 }).filter((e) => e.outcome === 'started').length

describe('leader election: a follower forwards the alerts it is sent to the leader', () => {
  it('forwards to the leader, never forwards twice, and answers 503 when the leader is gone', async () => {
    // 1. pod-a leads and writes its URL on the Lease; pod-b follows and reads it
    const a = await daemon('pod-a')
    await until('pod-a leads', () => a.d.readiness().role === 'leader')
    expect(leaseAnnotations()).toEqual({ [LEADER_URL_ANNOTATION]: a.url })
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const b = await daemon('pod-b')
    await until('pod-b sees pod-a lead', () => b.d.readiness().leader === 'pod-a')
    expect(b.d.readiness().role).toBe('follower')

    // 2. an alert to the follower: forwarded, acted on once by the leader, the leader's answer passed back
    const toB = await post(b.url, 'f1')
    expect(toB.status).toBe(200)
    expect(toB.headers.get(FORWARDED_TO_HEADER)).toBe('pod-a')
    expect(await toB.json()).toMatchObject({ accepted: 1, actions: [expect.any(String)] })
    await until('pod-a acted on f1', () => lines().length >= 1)
    await until('pod-a journals the action verified', () =>
      a.journal.list({ kind: 'action', limit: 50 }).some((e) => e.outcome === 'verified'),
    )
    expect(lines()).toEqual(['pod-a f1'])
    expect(b.journal.list({ kind: 'action' })).toEqual([])
    expect(b.journal.list({ limit: 50 }).find((e) => e.reason === 'Forwarded')).toMatchObject({
      outcome: 'follower',
      inputs: { alerts: 1, leader: 'pod-a', url: a.url, status: 200 },
    })
    // sent again (Alertmanager's group_interval): forwarded again, and the leader dedupes it
    const again = await post(b.url, 'f1')
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 })
    expect(actionCount(a.journal)).toBe(1)

    // 3. a request another replica forwarded is not forwarded again: 503, and the leader never saw it
    const looped = await post(b.url, 'f2', { [FORWARDED_BY_HEADER]: 'pod-c' })
    expect(looped.status).toBe(503)
    expect(looped.headers.get('retry-after')).toBe('5')
    expect(looped.headers.get(FORWARDED_TO_HEADER)).toBeNull()
    expect(((await looped.json()) as { error: { message: string } }).error.message).toMatch(
      /forwarded by pod-c and is not forwarded again/,
    )
    expect(actionCount(a.journal)).toBe(1)
    expect(b.journal.list({ limit: 50 }).find((e) => e.reason === 'NotLeader')).toMatchObject({
      inputs: { alerts: 1, leader: 'pod-a' },
    })

    // 4. pod-a crashes: its Lease is not released (the release write fails) and has not expired
    api.fail(
      'PUT',
      /\/leases\/kafka-autopilot$/,
      { status: 500, body: '{"kind":"Status","status":"Failure","code":500,"reason":"InternalError"}' },
      20,
    )
    await a.d.stop()
    expect(api.leases.get('autopilot/kafka-autopilot')?.spec).toMatchObject({ holderIdentity: 'pod-a' })
    const orphaned = await post(b.url, 'f3')
    expect(orphaned.status).toBe(503)
    expect(orphaned.headers.get('retry-after')).toBe('5')
    const answer = (await orphaned.json()) as { error: { message: string } }
    expect(answer).toMatchObject({ leader: 'pod-a', forwarded: false })
    expect(answer.error.message).toContain(`leader (pod-a): ${a.url}`)
    expect(b.d.readiness()).toMatchObject({ role: 'follower', leader: 'pod-a' })
    const notLeader = b.journal.list({ limit: 50 }).filter((e) => e.reason === 'NotLeader')
    expect(notLeader[0]).toMatchObject({ outcome: 'follower', inputs: { leader: 'pod-a', url: a.url } })
    expect(lines()).toEqual(['pod-a f1'])
  }, 30_000)
})
