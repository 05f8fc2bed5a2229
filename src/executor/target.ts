// The contract every scale target implements: the only thing the executor knows about what it scales.
// Three methods, as KEDA's Scaler has: read the state, change the replica count, release resources.
// Each target lives in its own file in targets/ and is listed in registry.ts.
import type { KubeConfig } from '@kubernetes/client-node'

/** A target's kind, which is also its key in the registry and its `type` in the configuration. */
export type TargetKind = 'exec' | 'kubernetes' | 'process'

/** Replica counts as the target itself reports them. */
export interface TargetState {
  /** The replica count the target was last asked for (Kubernetes `spec.replicas`). */
  desired: number
  /** Replicas that exist now, ready or not (Kubernetes `status.replicas`). */
  current: number
  /** Replicas that are up and serving (Kubernetes `status.readyReplicas`). */
  ready: number
}

export interface ScaleOptions {
  /**
   * Validate and report without changing anything. Kubernetes sends the write with `dryRun=All`; targets
   * that cannot dry-run remotely (process, exec) do nothing and say what they would have done.
   */
  dryRun: boolean
  /** Aborts waits and requests. An aborted scale may have been applied in part: call `describe` again. */
  signal?: AbortSignal
}

export interface ScaleResult {
  kind: TargetKind
  /** The target, for logs and the journal: `process consumer`, `Deployment shop/orders-consumer`. */
  target: string
  /** Desired count before the call, when the target knows it. */
  previous: number | null
  /** The count asked for. */
  replicas: number
  /** False on a dry run or when the target already had that count. */
  applied: boolean
  dryRun: boolean
  /** One line for a human: what was done or would have been done. */
  message: string
}

/**
 * A thing whose replica count Autopilot sets.
 *
 * Contract:
 * - `describe` is read-only and safe to call at any time, also concurrently with `scale`.
 * - `scale` is idempotent: asking for the current count is a no-op that returns `applied: false`.
 *   Calls on one target are serialised by the target; the executor still keeps one in flight per target.
 * - `replicas` is a non-negative integer; min/max clamping is the policy's job, not the target's.
 * - Failures are `AutopilotError`s (`AP_ERR_CONFLICT` when someone else owns the target,
 *   `AP_ERR_KUBERNETES`, `AP_ERR_TIMEOUT`, …); an aborted signal rejects with the signal's reason.
 * - After `close`, no method may be called again. `close` never throws for a target that is already gone.
 */
export interface ScaleTarget {
  readonly kind: TargetKind
  /** Human label, as in `ScaleResult.target`. */
  readonly name: string
  describe(signal?: AbortSignal): Promise<TargetState>
  scale(replicas: number, options: ScaleOptions): Promise<ScaleResult>
  close(): Promise<void>
}

/** What a factory may need from the composition root beyond its options. All optional. */
export interface TargetDeps {
  /** The config path of the target's options, for error fields (`scalers[0].target`). Default `target`. */
  field?: string
  /** Short label for the target in messages and results (the scaler's name). */
  label?: string
  /** Kubernetes only: a ready KubeConfig (tests build one in code). Default: `loadFromDefault()`. */
  kubeConfig?: KubeConfig
  /** Kubernetes only: writes are refused unless this says we lead (see leader-election.ts). */
  leader?: { isLeader(): boolean }
}

/** Builds a target from its unvalidated options; throws AP_ERR_CONFIG naming the field on bad input. */
export type TargetFactory = (options: unknown, deps?: TargetDeps) => ScaleTarget
