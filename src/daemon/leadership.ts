// Who acts. Replicas of one deployment elect a leader with a Lease (src/executor/leader-election.ts) whenever
// Autopilot runs in Kubernetes or drives Kubernetes objects (`leaderElection.enabled: auto`, see
// electionDecision): only the leader scales, runs alert actions, watches cluster health and recovers; followers
// keep deciding and journaling scalers, marked "follower", so a takeover starts with warm state. The leader
// writes its API URL on the Lease (advertiseUrl) so a follower can forward the alerts it is sent to it (see
// src/alerts/forward.ts). Without election there is one Autopilot and it always acts ("standalone").
import { hostname } from 'node:os'
import type { DaemonMetrics } from '../api/daemon-metrics.ts'
import type { AutopilotConfig, LeaderElectionConfig } from '../config/schema.ts'
import { describeCause } from '../errors.ts'
import type { Journal } from '../journal/journal.ts'
import type { Leadership } from './scaler-controller.ts'
import type { Role } from './status.ts'

/** What the daemon needs of a leader elector; LeaderElector satisfies it (tests inject others). */
export interface Elector {
  readonly identity: string
  readonly leader: string | undefined
  /** The leader's advertised API URL, as written on the Lease; undefined when unknown. */
  readonly leaderUrl?: string | undefined
  /** Sets the API URL written on the Lease while this replica leads (the daemon knows its port at listen). */
  advertise?(url: string | undefined): void
  isLeader(): boolean
  /** Acquires and renews until `signal` aborts, then releases. */
  run(signal: AbortSignal): Promise<void>
  on(event: 'leading' | 'following' | 'failure', listener: (arg: unknown) => void): unknown
}

export const standalone: Leadership = {
  acting: () => true,
  role: () => 'standalone',
  leader: () => null,
}

/** Leadership under election, with what a follower needs to forward alerts to the leader. */
export interface ElectedLeadership extends Leadership {
  identity(): string
  leaderUrl(): string | null
}

export function electedLeadership(elector: Elector): ElectedLeadership {
  return {
    acting: () => elector.isLeader(),
    role: (): Role => (elector.isLeader() ? 'leader' : 'follower'),
    leader: () => elector.leader ?? null,
    identity: () => elector.identity,
    leaderUrl: () => elector.leaderUrl ?? null,
  }
}

/** Broker backends that drive Kubernetes objects: running several Autopilots against them needs a leader. */
const KUBERNETES_BACKENDS: ReadonlySet<string> = new Set(['strimzi', 'koperator'])

export interface ElectionDecision {
  elect: boolean
  /** Why, for the start-up log and the journal. */
  reason: string
}

/** In a pod: the kubelet sets KUBERNETES_SERVICE_HOST in every container. */
export function inCluster(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST)
}

/**
 * Whether this daemon elects a leader. `leaderElection.enabled`: false never, true always; auto (default) when
 * it runs in Kubernetes, where a Deployment may run several replicas, or when it drives Kubernetes objects (a
 * kubernetes scaler target, a strimzi or koperator cluster backend) from wherever it runs.
 */
export function electionDecision(
  config: AutopilotConfig,
  settings: Pick<LeaderElectionConfig, 'enabled'>,
  env: NodeJS.ProcessEnv,
): ElectionDecision {
  if (settings.enabled === false) return { elect: false, reason: 'leaderElection.enabled is false' }
  if (settings.enabled === true) return { elect: true, reason: 'leaderElection.enabled is true' }
  if (inCluster(env)) return { elect: true, reason: 'running in Kubernetes (KUBERNETES_SERVICE_HOST is set)' }
  const scaler = config.scalers.find((s) => s.target.type === 'kubernetes')
  if (scaler) return { elect: true, reason: `scaler ${scaler.name} has a kubernetes target` }
  for (const [name, cluster] of Object.entries(config.clusters ?? {})) {
    if (KUBERNETES_BACKENDS.has(cluster.backend.type)) {
      return { elect: true, reason: `clusters.${name} has a ${cluster.backend.type} backend` }
    }
  }
  return { elect: false, reason: 'not in Kubernetes, no kubernetes target or backend' }
}

/** POD_NAME in Kubernetes (downward API); elsewhere host name and PID, unique per process. */
export function electionIdentity(env: NodeJS.ProcessEnv): string {
  return env.POD_NAME || `${hostname()}-${process.pid}`
}

/**
 * The URL the leader advertises on the Lease for followers to forward alerts to: `leaderElection.advertiseUrl`;
 * else, in a pod whose POD_IP the downward API sets, http://POD_IP:port (the API's port, as bound); else none.
 */
export function advertiseUrl(
  settings: Pick<LeaderElectionConfig, 'advertiseUrl'>,
  env: NodeJS.ProcessEnv,
  port: number,
): string | undefined {
  if (settings.advertiseUrl) return settings.advertiseUrl
  const ip = env.POD_IP?.trim()
  if (!ip || port <= 0) return undefined
  return `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`
}

/**
 * The Lease's namespace: configured; else the pod's own (POD_NAMESPACE, or in a pod the service account's, which
 * is the in-cluster kubeconfig's namespace); else the first kubernetes target's or kubernetes backend's; else
 * the kubeconfig context's; else `default`.
 */
export function leaseNamespace(
  config: AutopilotConfig,
  settings: LeaderElectionConfig,
  env: NodeJS.ProcessEnv,
  contextNamespace?: string,
): string {
  if (settings.namespace) return settings.namespace
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE
  if (contextNamespace && inCluster(env)) return contextNamespace
  for (const s of config.scalers) if (s.target.type === 'kubernetes') return s.target.namespace
  for (const cluster of Object.values(config.clusters ?? {})) {
    const namespace = cluster.backend.namespace
    if (KUBERNETES_BACKENDS.has(cluster.backend.type) && typeof namespace === 'string') return namespace
  }
  return contextNamespace || 'default'
}

/** Journals and logs role changes, and keeps the autopilot_leader gauge in step. */
export function watchElector(
  elector: Elector,
  deps: { journal: Journal; metrics: DaemonMetrics; now: () => number; log: (line: string) => void },
): void {
  deps.metrics.role(false)
  const note = (reason: 'Leading' | 'Following', message: string) => {
    deps.metrics.role(reason === 'Leading')
    try {
      deps.journal.append({
        at: deps.now(),
        kind: 'event',
        reason,
        message,
        inputs: { identity: elector.identity },
      })
    } catch (err) {
      deps.log(`could not journal ${reason}: ${describeCause(err)}`)
    }
    deps.log(message)
  }
  elector.on('leading', () => note('Leading', `${elector.identity} is now the leader and acts`))
  elector.on('following', (holder) =>
    note(
      'Following',
      `${elector.identity} follows${holder ? ` (leader: ${String(holder)})` : ''}; not acting`,
    ),
  )
  elector.on('failure', (err) => deps.log(`leader election: ${describeCause(err)}`))
}
