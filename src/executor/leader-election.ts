// Lease-based leader election (coordination.k8s.io/v1 Lease), so that of several Autopilot replicas exactly
// one acts. @kubernetes/client-node has no elector; this follows client-go's leaderelection package:
//
// - A candidate reads the Lease. Missing (404): create it holding it; a 409 on create means another
//   candidate created it first. Held by another identity whose record has not changed for that holder's
//   leaseDurationSeconds, as measured on OUR clock since we first saw that record: stay a follower. Expiry
//   is judged by local observation, never by comparing the holder's renewTime with our clock, so clock skew
//   between machines does not matter (only clock rate does).
// - Otherwise write the Lease back (PUT) with the resourceVersion we read: optimistic concurrency, so of
//   two candidates racing for an expired lease the API server accepts one and answers 409 to the other.
// - The leader renews every retryPeriod. `isLeader()` turns false once renewDeadline has passed since the
//   start of the last successful renew, which is before any follower may take over (leaseDuration later),
//   and immediately when the Lease shows another holder. Callers check `isLeader()` right before each write.
// - The holder publishes where its HTTP API is reached (`advertiseUrl`) as the Lease annotation
//   autopilot.dev/leader-url, in the same write that takes or renews the Lease (so it is as fresh as the
//   holder, and a write that loses the race writes nothing). A new holder replaces or removes it; a release
//   removes it. Followers read it with the Lease (`leaderUrl`) to forward to the leader what they are sent.
import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node'
import { AutopilotError } from '../errors.ts'
import { asRecord, call, callOptions } from './kubernetes/client.ts'

/** The Lease annotation holding the leader's advertised API URL. */
export const LEADER_URL_ANNOTATION = 'autopilot.dev/leader-url'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
}

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig
  namespace: string
  /** Lease name, shared by every Autopilot replica of one deployment. */
  name: string
  /** This replica's identity (pod name); must differ between replicas. */
  identity: string
  /** client-go defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
  leaseDurationSeconds?: number
  renewDeadlineSeconds?: number
  retryPeriodSeconds?: number
  /** This replica's API URL, written on the Lease while it holds it; unset: none. */
  advertiseUrl?: string | undefined
  clock?: Clock
}

interface Observed {
  key: string
  at: number
  holder: string
  durationMs: number
}

/** Events: `leading` (we became leader), `following` (we stopped, or someone else leads: holder identity). */
export class LeaderElector extends EventEmitter {
  readonly identity: string
  readonly #api: CoordinationV1Api
  readonly #namespace: string
  readonly #name: string
  readonly #leaseSeconds: number
  readonly #renewDeadlineMs: number
  readonly #retryMs: number
  readonly #clock: Clock
  #observed: Observed | undefined
  #leading = false
  #lastRenewAt = Number.NEGATIVE_INFINITY
  #advertiseUrl: string | undefined
  #leaderUrl: string | undefined

  constructor(options: LeaderElectionOptions) {
    super()
    this.#leaseSeconds = options.leaseDurationSeconds ?? 15
    const renew = options.renewDeadlineSeconds ?? 10
    const retry = options.retryPeriodSeconds ?? 2
    checkTimings(this.#leaseSeconds, renew, retry)
    if (!options.identity) {
      throw new AutopilotError('AP_ERR_CONFIG', 'leader election needs an identity', { field: 'identity' })
    }
    this.identity = options.identity
    this.#api = options.kubeConfig.makeApiClient(CoordinationV1Api)
    this.#namespace = options.namespace
    this.#name = options.name
    this.#renewDeadlineMs = renew * 1000
    this.#retryMs = retry * 1000
    this.#clock = options.clock ?? systemClock
    this.#advertiseUrl = options.advertiseUrl || undefined
  }

  /** Changes the URL written on the Lease from the next renew on (the daemon learns its port at listen). */
  advertise(url: string | undefined): void {
    this.#advertiseUrl = url || undefined
  }

  /** The advertised API URL of the holder we last saw (annotation autopilot.dev/leader-url), if any. */
  get leaderUrl(): string | undefined {
    return this.#observed?.holder ? this.#leaderUrl : undefined
  }

  /** True while we hold the lease and renewed it within renewDeadline. Check right before acting. */
  isLeader(): boolean {
    return this.#leading && this.#clock.now() < this.#lastRenewAt + this.#renewDeadlineMs
  }

  /** The holder we last saw, if any (may be us). */
  get leader(): string | undefined {
    return this.#observed?.holder || undefined
  }

  /** One acquire-or-renew attempt. True when we hold the lease afterwards. */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const now = this.#clock.now()
    const lease = await this.#read(signal)
    if (lease === undefined) return this.#won(now, await this.#create(now, signal))
    const spec = asRecord(lease.spec) ?? {}
    const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : ''
    const transitions = typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0
    const durationSeconds =
      typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : this.#leaseSeconds
    const key = `${holder}|${timeText(spec.renewTime)}|${transitions}|${durationSeconds}`
    if (this.#observed?.key !== key)
      this.#observed = { key, at: now, holder, durationMs: durationSeconds * 1000 }
    this.#leaderUrl = holder ? leaderUrlOf(lease) : undefined
    const held = holder !== '' && holder !== this.identity
    if (held && now < this.#observed.at + this.#observed.durationMs) return this.#lost(holder)
    const mine = holder === this.identity
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...lease.metadata,
        name: this.#name,
        namespace: this.#namespace,
        annotations: withLeaderUrl(lease.metadata?.annotations, this.#advertiseUrl),
      },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.#leaseSeconds,
        acquireTime: mine && spec.acquireTime ? microTime(spec.acquireTime) : new V1MicroTime(now),
        renewTime: new V1MicroTime(now),
        leaseTransitions: mine ? transitions : transitions + 1,
      },
    }
    return this.#won(now, await this.#replace(body, signal))
  }

  /** Acquires and renews until `signal` aborts, then releases the lease if we hold it. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tryAcquireOrRenew(signal)
      } catch (err) {
        if (signal.aborted) break
        // Keep leading until renewDeadline runs out (isLeader() says so); a blip must not flap leadership.
        this.emit('failure', err)
        if (this.#leading && !this.isLeader()) this.#stepDown(undefined)
      }
      await this.#clock.sleep(this.#retryMs, signal)
    }
    await this.release().catch((err: unknown) => this.emit('failure', err))
  }

  /** Gives the lease up at once (holder cleared, 1 s duration) so a follower need not wait out the lease. */
  async release(signal?: AbortSignal): Promise<void> {
    if (!this.#leading) return
    this.#stepDown(undefined)
    const lease = await this.#read(signal)
    const spec = asRecord(lease?.spec)
    if (!lease || spec?.holderIdentity !== this.identity) return
    const now = new V1MicroTime(this.#clock.now())
    await this.#replace(
      {
        ...lease,
        metadata: { ...lease.metadata, annotations: withLeaderUrl(lease.metadata?.annotations, undefined) },
        spec: {
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: spec.leaseTransitions as number,
        },
      },
      signal,
    )
  }

  #won(startedAt: number, lease: V1Lease | undefined): boolean {
    if (lease === undefined) {
      const holder = this.#observed?.holder
      return this.#lost(holder === this.identity ? '' : (holder ?? ''))
    }
    this.#lastRenewAt = startedAt
    this.#leaderUrl = leaderUrlOf(lease)
    const spec = asRecord(lease.spec) ?? {}
    this.#observed = {
      key: `${this.identity}|${timeText(spec.renewTime)}|${spec.leaseTransitions}|${spec.leaseDurationSeconds}`,
      at: startedAt,
      holder: this.identity,
      durationMs: this.#leaseSeconds * 1000,
    }
    if (!this.#leading) {
      this.#leading = true
      this.emit('leading', this.identity)
    }
    return true
  }

  #lost(holder: string): false {
    this.#stepDown(holder || undefined)
    return false
  }

  #stepDown(holder: string | undefined): void {
    if (this.#leading) {
      this.#leading = false
      this.emit('following', holder)
    }
  }

  async #read(signal: AbortSignal | undefined): Promise<V1Lease | undefined> {
    try {
      const lease = await call(`reading Lease ${this.#namespace}/${this.#name}`, signal, () =>
        this.#api.readNamespacedLease({ name: this.#name, namespace: this.#namespace }, callOptions(signal)),
      )
      if (!asRecord(lease)) throw badLease(this.#name)
      return lease
    } catch (err) {
      if (AutopilotError.is(err) && err.code === 'AP_ERR_NOT_FOUND') return undefined
      throw err
    }
  }

  /** The created Lease, or undefined when another candidate created it first (409). */
  async #create(now: number, signal: AbortSignal | undefined): Promise<V1Lease | undefined> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.#name,
        namespace: this.#namespace,
        annotations: withLeaderUrl(undefined, this.#advertiseUrl),
      },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.#leaseSeconds,
        acquireTime: new V1MicroTime(now),
        renewTime: new V1MicroTime(now),
        leaseTransitions: 0,
      },
    }
    return this.#conflictIsLoss(() =>
      call(`creating Lease ${this.#namespace}/${this.#name}`, signal, () =>
        this.#api.createNamespacedLease({ namespace: this.#namespace, body }, callOptions(signal)),
      ),
    )
  }

  /** The written Lease, or undefined when the resourceVersion was stale (409: someone else wrote first). */
  async #replace(body: V1Lease, signal: AbortSignal | undefined): Promise<V1Lease | undefined> {
    return this.#conflictIsLoss(() =>
      call(`updating Lease ${this.#namespace}/${this.#name}`, signal, () =>
        this.#api.replaceNamespacedLease(
          { name: this.#name, namespace: this.#namespace, body },
          callOptions(signal),
        ),
      ),
    )
  }

  async #conflictIsLoss(write: () => Promise<V1Lease>): Promise<V1Lease | undefined> {
    try {
      const lease = await write()
      if (!asRecord(lease)) throw badLease(this.#name)
      return lease
    } catch (err) {
      if (AutopilotError.is(err) && err.code === 'AP_ERR_CONFLICT') return undefined
      throw err
    }
  }
}

/** `annotations` with the leader URL set to `url`, or removed when `url` is unset. */
function withLeaderUrl(
  annotations: Record<string, string> | undefined,
  url: string | undefined,
): Record<string, string> {
  const { [LEADER_URL_ANNOTATION]: _previous, ...others } = annotations ?? {}
  return url ? { ...others, [LEADER_URL_ANNOTATION]: url } : others
}

function leaderUrlOf(lease: V1Lease): string | undefined {
  const url = asRecord(lease.metadata?.annotations)?.[LEADER_URL_ANNOTATION]
  return typeof url === 'string' && url !== '' ? url : undefined
}

function checkTimings(lease: number, renew: number, retry: number): void {
  const fail = (field: string, message: string) => {
    throw new AutopilotError('AP_ERR_CONFIG', `leader election: ${field} ${message}`, { field })
  }
  if (!Number.isSafeInteger(lease) || lease < 1) fail('leaseDurationSeconds', 'must be an integer ≥ 1')
  if (!(renew > 0) || renew >= lease) fail('renewDeadlineSeconds', 'must be > 0 and < leaseDurationSeconds')
  if (!(retry > 0) || retry >= renew) fail('retryPeriodSeconds', 'must be > 0 and < renewDeadlineSeconds')
}

function badLease(name: string): AutopilotError {
  return new AutopilotError(
    'AP_ERR_KUBERNETES',
    `the API server's answer for Lease ${name} is not an object`,
    {
      retryable: true,
    },
  )
}

/** The client hands MicroTime back as the raw string (it has no deserializer for it) or a Date. */
function timeText(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  return typeof value === 'string' ? value : ''
}

function microTime(value: unknown): V1MicroTime {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value))
  return new V1MicroTime(Number.isFinite(ms) ? ms : 0)
}
