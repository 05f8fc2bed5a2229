// Who acts. Without Kubernetes targets there is one Autopilot and it always acts ("standalone"). With any
// kubernetes target, replicas elect a leader with a Lease (src/executor/leader-election.ts): only the leader
// scales; followers keep deciding and journaling, marked "follower", so a takeover starts with warm state.
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

export function electedLeadership(elector: Elector): Leadership {
  return {
    acting: () => elector.isLeader(),
    role: (): Role => (elector.isLeader() ? 'leader' : 'follower'),
    leader: () => elector.leader ?? null,
  }
}

export function needsElection(config: AutopilotConfig): boolean {
  return config.scalers.some((s) => s.target.type === 'kubernetes')
}

/** POD_NAME in Kubernetes (downward API); elsewhere host name and PID, unique per process. */
export function electionIdentity(env: NodeJS.ProcessEnv): string {
  return env.POD_NAME || `${hostname()}-${process.pid}`
}

/** The Lease's namespace: configured, else the pod's own (POD_NAMESPACE), else the first kubernetes target's. */
export function leaseNamespace(
  config: AutopilotConfig,
  settings: LeaderElectionConfig,
  env: NodeJS.ProcessEnv,
) {
  if (settings.namespace) return settings.namespace
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE
  for (const s of config.scalers) if (s.target.type === 'kubernetes') return s.target.namespace
  return 'default'
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
