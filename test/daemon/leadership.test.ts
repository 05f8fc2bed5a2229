// When the daemon elects a leader (leaderElection.enabled: auto | true | false) and in which namespace its
// Lease lives: pure functions of the config and the environment.
import { describe, expect, it } from 'vitest'
import { daemonSettings } from '../../src/config/daemon.ts'
import { parseConfig } from '../../src/config/load.ts'
import { advertiseUrl, electionDecision, leaseNamespace } from '../../src/daemon/leadership.ts'

const SCALER = `scalers:
  - name: orders
    target: { type: TARGET }
    trigger: { type: kafka, metadata: { bootstrapServers: "127.0.0.1:9092", consumerGroup: orders, topic: orders, lagThreshold: 10 } }
`
const PROCESS = SCALER.replace('{ type: TARGET }', '{ type: process, command: node }')
const KUBE = SCALER.replace('{ type: TARGET }', '{ type: kubernetes, name: orders, namespace: shop }')
const cluster = (backend: string) =>
  `clusters:\n  main: { bootstrapServers: "127.0.0.1:19092", backend: ${backend} }\n`
const LOCAL = cluster('{ type: local, dir: .stack/dev }')
const STRIMZI = cluster('{ type: strimzi, cluster: main, namespace: kafka }')
const KOPERATOR = cluster('{ type: koperator, cluster: main }')
const CRUISE = cluster('{ type: cruise-control, url: "http://127.0.0.1:9090" }')
const ALERTS = 'alerts: { mode: auto }\n'
const IN_CLUSTER = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }

function decide(text: string, env: NodeJS.ProcessEnv = {}) {
  const { config } = parseConfig(text, 'test.yaml')
  return electionDecision(config, daemonSettings(config).leaderElection, env)
}

describe('electionDecision (leaderElection.enabled)', () => {
  const rows: Array<{ name: string; text: string; env?: NodeJS.ProcessEnv; elect: boolean; reason: RegExp }> =
    [
      {
        name: 'auto, in a pod, clusters and alerts only',
        text: LOCAL + ALERTS,
        env: IN_CLUSTER,
        elect: true,
        reason: /KUBERNETES_SERVICE_HOST/,
      },
      {
        name: 'auto, in a pod, a process scaler',
        text: PROCESS,
        env: IN_CLUSTER,
        elect: true,
        reason: /running in Kubernetes/,
      },
      {
        name: 'auto, outside, a kubernetes target',
        text: KUBE,
        elect: true,
        reason: /scaler orders has a kubernetes target/,
      },
      {
        name: 'auto, outside, a strimzi backend',
        text: STRIMZI + ALERTS,
        elect: true,
        reason: /clusters\.main has a strimzi backend/,
      },
      {
        name: 'auto, outside, a koperator backend',
        text: KOPERATOR + ALERTS,
        elect: true,
        reason: /koperator backend/,
      },
      {
        name: 'auto, outside, a local backend',
        text: LOCAL + ALERTS,
        elect: false,
        reason: /not in Kubernetes/,
      },
      {
        name: 'auto, outside, a cruise-control backend',
        text: CRUISE + ALERTS,
        elect: false,
        reason: /not in Kubernetes/,
      },
      { name: 'auto, outside, a process scaler', text: PROCESS, elect: false, reason: /not in Kubernetes/ },
      {
        name: 'auto, an empty KUBERNETES_SERVICE_HOST is not a pod',
        text: PROCESS,
        env: { KUBERNETES_SERVICE_HOST: '' },
        elect: false,
        reason: /not in Kubernetes/,
      },
      {
        name: 'explicit auto is the default',
        text: `${LOCAL + ALERTS}leaderElection: { enabled: auto }\n`,
        env: IN_CLUSTER,
        elect: true,
        reason: /running in Kubernetes/,
      },
      {
        name: 'true, outside, local backend only',
        text: `${LOCAL + ALERTS}leaderElection: { enabled: true }\n`,
        elect: true,
        reason: /enabled is true/,
      },
      {
        name: 'false, in a pod with a kubernetes target',
        text: `${KUBE}leaderElection: { enabled: false }\n`,
        env: IN_CLUSTER,
        elect: false,
        reason: /enabled is false/,
      },
    ]
  for (const row of rows) {
    it(`${row.name}: ${row.elect ? 'elects' : 'does not elect'}`, () => {
      const decision = decide(row.text, row.env)
      expect(decision.elect).toBe(row.elect)
      expect(decision.reason).toMatch(row.reason)
    })
  }
})

describe('leaseNamespace', () => {
  const ns = (text: string, env: NodeJS.ProcessEnv = {}, context?: string) => {
    const { config } = parseConfig(text, 'test.yaml')
    return leaseNamespace(config, daemonSettings(config).leaderElection, env, context)
  }
  it('the configured namespace wins over everything', () => {
    expect(
      ns(`${KUBE}leaderElection: { namespace: ops }\n`, { ...IN_CLUSTER, POD_NAMESPACE: 'pod' }, 'sa'),
    ).toBe('ops')
  })
  it("in a pod: POD_NAMESPACE, else the service account's (the in-cluster context's)", () => {
    expect(ns(KUBE, { ...IN_CLUSTER, POD_NAMESPACE: 'pod' }, 'sa')).toBe('pod')
    expect(ns(KUBE, IN_CLUSTER, 'sa')).toBe('sa')
  })
  it('outside: the first kubernetes target, then a kubernetes backend, then the context, then default', () => {
    expect(ns(KUBE + STRIMZI, {}, 'mine')).toBe('shop')
    expect(ns(STRIMZI + ALERTS, {}, 'mine')).toBe('kafka')
    expect(ns(KOPERATOR + ALERTS, {}, 'mine')).toBe('mine')
    expect(ns(LOCAL + ALERTS, {})).toBe('default')
  })
})

describe('advertiseUrl (the URL the leader writes on the Lease)', () => {
  const none = {}
  it('leaderElection.advertiseUrl wins over POD_IP', () => {
    expect(advertiseUrl({ advertiseUrl: 'https://ap.example:8443' }, { POD_IP: '10.1.2.3' }, 9477)).toBe(
      'https://ap.example:8443',
    )
  })
  it('else http://POD_IP:port, an IPv6 address in brackets, with the port as bound', () => {
    expect(advertiseUrl(none, { POD_IP: '10.1.2.3' }, 9477)).toBe('http://10.1.2.3:9477')
    expect(advertiseUrl(none, { POD_IP: 'fd00::12' }, 9477)).toBe('http://[fd00::12]:9477')
    expect(advertiseUrl(none, { POD_IP: '10.1.2.3' }, 0)).toBeUndefined()
  })
  it('else none: outside a pod nobody can tell where this replica is reached', () => {
    expect(advertiseUrl(none, {}, 9477)).toBeUndefined()
    expect(advertiseUrl(none, { POD_IP: ' ' }, 9477)).toBeUndefined()
  })
})
