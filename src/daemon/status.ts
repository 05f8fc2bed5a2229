// What the daemon knows about each scaler right now, for /api/v1/scalers, /readyz and the dashboard. Plain
// JSON; the journal holds the history, this only the latest.
import type { ReasonCode } from '../analyzer/scaling/reasons.ts'
import type { TargetState } from '../executor/target.ts'

export type Role = 'standalone' | 'leader' | 'follower'

export interface DecisionSummary {
  at: number
  current: number
  desired: number
  reason: ReasonCode
  message: string
  /** Lag above activationLagThreshold; null when lag could not be read. */
  active: boolean | null
  totalLag: number | null
  /** hold | scale | follower | dry-run */
  outcome: string
}

export interface ActionSummary {
  at: number
  from: number
  to: number
  /** applied | noop | dry-run | failed | aborted */
  outcome: string
  message: string
}

export interface ScalerStatus {
  name: string
  /** As the target names itself: `process orders`, `Deployment shop/orders`. */
  target: string
  group: string
  topics: string[]
  /** Bootstrap servers of the cluster it reads. */
  cluster: string
  pollingIntervalSeconds: number
  minReplicaCount: number
  maxReplicaCount: number
  /** The target's counts at the last tick; null before the first successful read. */
  replicas: TargetState | null
  lastDecision: DecisionSummary | null
  lastAction: ActionSummary | null
  /** A scale in progress (at most one per target). */
  actionInFlight: { to: number; since: number } | null
  /** Why the last tick could not decide (target unreadable), or null. */
  error: string | null
  /** Learned records/s per replica (slo policy); null until learned. */
  throughputPerReplica: number | null
}

export interface ClusterStatus {
  cluster: string
  scalers: string[]
  /** A snapshot has been read at least once. */
  ready: boolean
  lastSuccessAt: number | null
  lastError: string | null
}

export interface Readiness {
  ready: boolean
  role: Role
  /** The leader's identity under leader election, when known. */
  leader: string | null
  clusters: ClusterStatus[]
}
