// Plain-data fakes for the daemon's unit tests: a scale target that records calls and can be held, failed
// or made unreadable; an elector whose role the test sets; a restart recovery the test ends; and a config
// builder over the real parser.
import { EventEmitter } from 'node:events'
import { parseConfig } from '../../src/config/load.ts'
import type { AutopilotConfig } from '../../src/config/schema.ts'
import type { Elector } from '../../src/daemon/leadership.ts'
import type { ClusterRecovery, RecoveryCluster } from '../../src/daemon/recovery.ts'
import { AutopilotError } from '../../src/errors.ts'
import type { ScaleOptions, ScaleResult, ScaleTarget, TargetState } from '../../src/executor/target.ts'

export class FakeTarget implements ScaleTarget {
  readonly kind = 'process' as const
  readonly name: string
  desired: number
  readonly calls: Array<{ replicas: number; dryRun: boolean }> = []
  /** When set, scale() waits for release() (or its signal). */
  hold = false
  failWith: Error | null = null
  describeError: Error | null = null
  closed = false
  #releases: Array<() => void> = []

  constructor(name: string, desired = 0) {
    this.name = `fake ${name}`
    this.desired = desired
  }

  async describe(): Promise<TargetState> {
    if (this.describeError) throw this.describeError
    return { desired: this.desired, current: this.desired, ready: this.desired }
  }

  async scale(replicas: number, options: ScaleOptions): Promise<ScaleResult> {
    this.calls.push({ replicas, dryRun: options.dryRun })
    if (this.hold) {
      await new Promise<void>((resolve, reject) => {
        this.#releases.push(resolve)
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })
      })
    }
    if (this.failWith) throw this.failWith
    const previous = this.desired
    const base = { kind: this.kind, target: this.name, previous, replicas, dryRun: options.dryRun }
    if (options.dryRun) return { ...base, applied: false, message: `would scale ${previous} → ${replicas}` }
    this.desired = replicas
    return { ...base, applied: previous !== replicas, message: `scaled ${previous} → ${replicas}` }
  }

  release(): void {
    for (const r of this.#releases.splice(0)) r()
  }

  async close(): Promise<void> {
    this.closed = true
  }
}

export class FakeElector extends EventEmitter implements Elector {
  readonly identity: string
  leader: string | undefined
  leading = false
  runs = 0
  released = false

  constructor(identity = 'pod-a') {
    super()
    this.identity = identity
  }

  isLeader(): boolean {
    return this.leading
  }

  set(leading: boolean, leader?: string): void {
    this.leading = leading
    this.leader = leader ?? (leading ? this.identity : undefined)
    this.emit(leading ? 'leading' : 'following', this.leader)
  }

  async run(signal: AbortSignal): Promise<void> {
    this.runs++
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
    this.released = true
  }
}

export interface ScalerSpec {
  name: string
  group?: string
  topic?: string
  servers?: string
  extra?: string
}

/** A parsed config: each scaler on the fake cluster, lagThreshold 10, polling 1 s unless `extra` says. */
export function config(scalers: ScalerSpec[], top = ''): AutopilotConfig {
  const text = `scalers:
${scalers
  .map(
    (s) => `  - name: ${s.name}
    target: { type: process, command: node }
    trigger:
      type: kafka
      metadata:
        bootstrapServers: ${s.servers ?? '127.0.0.1:9092'}
        consumerGroup: ${s.group ?? s.name}
        ${s.topic === '' ? '' : `topic: ${s.topic ?? 'orders'}`}
        lagThreshold: "10"
${(s.extra ?? 'pollingInterval: 1').replace(/^/gm, '    ')}`,
  )
  .join('\n')}
${top}`
  return parseConfig(text, 'test.yaml').config
}

export function kafkaDown(): AutopilotError {
  return new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', 'brokers unreachable')
}

interface FakeRun {
  /** Ends one cluster's recovery. */
  end(cluster: string): void
  stopped: boolean
}

/** A recovery per start() call, each cluster ended by the test (or by stop()). */
export function fakeRecovery() {
  const runs: FakeRun[] = []
  const start = (clusters: RecoveryCluster[]) => {
    const enders = new Map<string, () => void>()
    const each = new Map<string, Promise<ClusterRecovery>>()
    for (const c of clusters) {
      each.set(
        c.name,
        new Promise((resolve) =>
          enders.set(c.name, () => resolve({ cluster: c.name, status: 'nothing', result: null })),
        ),
      )
    }
    const done = Promise.all(each.values())
    const run: FakeRun = { end: (name) => enders.get(name)?.(), stopped: false }
    runs.push(run)
    return {
      done,
      clusters: each,
      async stop() {
        run.stopped = true
        for (const end of enders.values()) end()
        await done
      },
    }
  }
  return { start, runs }
}
