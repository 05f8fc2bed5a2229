// The contract every broker backend implements: add brokers, remove (drain first) brokers, add a disk to one
// broker, and read where things stand. One backend per way a Kafka cluster is run: Cruise Control alone, a
// Strimzi KafkaNodePool, a Koperator KafkaCluster, or the local stack. Each lives in its own file here and is
// listed in registry.ts. The action engine (later) picks a backend by `kind` from the configuration.
import type { KubeConfig } from '@kubernetes/client-node'

/** A backend's kind: its key in the registry and its `type` in the configuration. */
export type BrokerBackendKind = 'cruise-control' | 'koperator' | 'local' | 'strimzi'

export type BrokerOperation = 'addBrokers' | 'removeBrokers' | 'addDisk' | 'rebalance' | 'stop'

/** One step of an operation, for the journal: what was sent, what the other side answered, what we wait for. */
export interface BrokerEvent {
  backend: BrokerBackendKind
  /** The backend's target, as in `BrokerResult.target`. */
  target: string
  operation: BrokerOperation
  /** `request`, `accepted`, `progress`, `state`, `approve`, `retry`, `done`, … */
  step: string
  message: string
  details?: Record<string, unknown>
}

export interface BrokerOperationOptions {
  /**
   * Change nothing. Kubernetes backends send every write with `dryRun=All` and wait for nothing; Cruise Control
   * asks for a proposal (`dryrun=true`), which computes but moves no data; the local stack does nothing.
   */
  dryRun: boolean
  /** Aborts requests and waits. An aborted operation may have been applied in part: call `status`. */
  signal?: AbortSignal
  /** Called synchronously for every step; must not throw. */
  journal?: (event: BrokerEvent) => void
}

/** A disk for one broker. */
export interface DiskSpec {
  /** Kubernetes quantity: `500Gi`. */
  size: string
  /** Koperator only: where the volume is mounted in the broker pod (a new log dir). */
  mountPath?: string
  /** StorageClass of the new claim; the cluster default when omitted. */
  storageClass?: string
}

export interface BrokerResult {
  kind: BrokerBackendKind
  target: string
  operation: BrokerOperation
  /** The brokers the operation was about (new ids for addBrokers, drained ids for removeBrokers). */
  brokers: number[]
  /** False on a dry run or when nothing had to change. */
  applied: boolean
  dryRun: boolean
  /** One line for a human. */
  message: string
  /** Machine-readable extras for the journal: proposal summary, task id, resource names. */
  details?: Record<string, unknown>
}

export interface BrokerInfo {
  id: number
  /** Backend words: a Koperator `cruiseControlState`, `running`/`stopped` for the local stack, … */
  state: string
}

export interface BrokerStatus {
  kind: BrokerBackendKind
  target: string
  /** An operation is under way (ours or someone else's): a new one would be refused or queued. */
  busy: boolean
  /** The brokers the backend manages; null when it cannot list them (Cruise Control alone). */
  brokers: BrokerInfo[] | null
  message: string
  details?: Record<string, unknown>
}

/**
 * Contract:
 * - `addBrokers(count)` lets the backend choose new ids; `addBrokers([ids])` asks for those ids. Backends that
 *   cannot create brokers (Cruise Control) need ids of brokers that already run; the local stack takes a count.
 * - `removeBrokers` drains first and removes only after the drain succeeded. A failed or timed-out drain never
 *   removes anything. Backends with `movesData` drain themselves; the others refuse a broker that still holds
 *   replicas (the caller drains it first).
 * - Operations on one backend are serialised; `stop` and `status` are not (they must work while one runs).
 * - An operation a backend does not support rejects with `AP_ERR_CONFIG` (`operations` lists the supported
 *   ones, so the caller can check first).
 * - Failures are `AutopilotError`s: `AP_ERR_INPUT` (bad ids or disk), `AP_ERR_CONFLICT` (busy, not the leader,
 *   retryable), `AP_ERR_UNSAFE` (refused), `AP_ERR_TIMEOUT`, `AP_ERR_KUBERNETES`, `AP_ERR_KAFKA` (Cruise
 *   Control answered with an error). An aborted signal rejects with the signal's reason.
 */
export interface BrokerBackend {
  readonly kind: BrokerBackendKind
  /** Human label: `KafkaNodePool kafka/brokers`, `Cruise Control http://cc:9090`. */
  readonly name: string
  readonly operations: ReadonlySet<BrokerOperation>
  /**
   * `addBrokers` rebalances onto the new brokers and `removeBrokers` drains before removing, by themselves
   * (Cruise Control does it: a Strimzi KafkaRebalance, Koperator's GracefulUpscale/Downscale, `add_broker` /
   * `remove_broker`). The broker operations then leave the data movement to the backend instead of moving the
   * same replicas a second time with the built-in planner. False: the backend only starts and stops brokers.
   */
  readonly movesData: boolean
  addBrokers(brokers: number | number[], options: BrokerOperationOptions): Promise<BrokerResult>
  removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult>
  addDisk(brokerId: number, disk: DiskSpec, options: BrokerOperationOptions): Promise<BrokerResult>
  /** A full rebalance (`disk: true`: between the log dirs of each broker, after a disk was added). */
  rebalance(request: { disk?: boolean }, options: BrokerOperationOptions): Promise<BrokerResult>
  /** Stops the data movement under way, if any. */
  stop(options: BrokerOperationOptions): Promise<BrokerResult>
  status(signal?: AbortSignal): Promise<BrokerStatus>
  close(): Promise<void>
}

/** What a factory may need from the composition root beyond its options. All optional. */
export interface BrokerBackendDeps {
  /** The config path of the backend's options, for error fields. Default `brokers`. */
  field?: string
  /** Kubernetes backends: a ready KubeConfig (tests build one in code). Default: `loadFromDefault()`. */
  kubeConfig?: KubeConfig
  /** Writes are refused unless this says we lead (see ../leader-election.ts). Dry runs are allowed. */
  leader?: { isLeader(): boolean }
  /** Environment for `passwordEnv` lookups. Default `process.env`. */
  env?: Record<string, string | undefined>
}

export type BrokerBackendFactory = (options: unknown, deps?: BrokerBackendDeps) => BrokerBackend
