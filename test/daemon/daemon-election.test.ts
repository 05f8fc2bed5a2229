// How createDaemon applies the election decision: a self-healing-only config in a pod elects (logging why
// and where the Lease is), `enabled: false` runs standalone, and a kubeconfig that cannot be loaded is a
// config error naming leaderElection.enabled. Nothing here reaches an API server (the daemon is not started).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { createDaemon, type DaemonDeps } from '../../src/daemon/daemon.ts'
import { AutopilotError } from '../../src/errors.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'
import { fakeRecovery } from './fakes.ts'

const IN_POD = { POD_NAME: 'autopilot-0', KUBERNETES_SERVICE_HOST: '10.96.0.1' }
const SELF_HEALING = `clusters:
  main: { bootstrapServers: "127.0.0.1:19092", backend: { type: local, dir: .stack/none } }
alerts: { mode: dry-run }
`
const stops: Array<() => unknown> = []
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s()
  vi.unstubAllEnvs()
})

function kubeConfig(namespace: string): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace }],
    currentContext: 'x',
  })
  return kc
}

async function daemon(text: string, deps: Partial<DaemonDeps>) {
  const journal = new SqliteJournal({ path: ':memory:' })
  stops.push(() => journal.close())
  const logs: string[] = []
  const d = await createDaemon(parseConfig(text, 'test.yaml').config, {
    journal,
    openAdminPort: () => new FakeAdminPort(),
    startRecovery: fakeRecovery().start,
    log: (line) => logs.push(line),
    ...deps,
  })
  stops.push(() => d.stop())
  return { d, logs }
}

describe('createDaemon: leader election', () => {
  it('clusters and alerts only, in a pod: elects, in the service account namespace, and says why', async () => {
    const { d, logs } = await daemon(SELF_HEALING, { env: IN_POD, kubeConfig: kubeConfig('kafka-ops') })
    expect(d.readiness().role).toBe('follower')
    expect(logs.join('\n')).toMatch(
      /leader election on \(running in Kubernetes \(KUBERNETES_SERVICE_HOST is set\)\): Lease kafka-ops\/kafka-autopilot, identity autopilot-0/,
    )
  })

  it('leaderElection.enabled: false in a pod runs standalone: every replica acts', async () => {
    const { d, logs } = await daemon(`${SELF_HEALING}leaderElection: { enabled: false }\n`, {
      env: IN_POD,
      kubeConfig: kubeConfig('kafka-ops'),
    })
    expect(d.readiness().role).toBe('standalone')
    expect(logs.join('\n')).not.toMatch(/leader election on/)
  })

  it('outside Kubernetes with a local backend: standalone, as before', async () => {
    const { d } = await daemon(SELF_HEALING, { env: {} })
    expect(d.readiness().role).toBe('standalone')
  })

  it('a kubeconfig that cannot be loaded is AP_ERR_CONFIG on leaderElection.enabled, with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-kubeconfig-'))
    stops.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'config')
    writeFileSync(file, 'clusters: [this is: not, a kubeconfig\n')
    vi.stubEnv('KUBECONFIG', file)
    const err = await daemon(`${SELF_HEALING}leaderElection: { enabled: true }\n`, { env: {} }).catch(
      (e) => e,
    )
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFIG', field: 'leaderElection.enabled' })
    expect(err.hint).toMatch(/enabled is true/)
  })
})
