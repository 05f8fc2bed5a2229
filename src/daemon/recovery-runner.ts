// When the restart recovery (recovery.ts) runs, and what waits for it. Standalone, it runs once when the daemon
// starts. With leader election, only the leader recovers: it starts when this replica becomes leader and is
// stopped (reverted, throttles cleared) when leadership is lost; a later term recovers again. The broker actions
// of a cluster wait for that cluster's recovery (`afterRecovery`): an upScale arriving while left-over throttles
// are being cleared would otherwise be refused because throttles exist.
import type { ActionHandler, ActionHandlers } from '../alerts/handlers.ts'
import { describeCause } from '../errors.ts'
import type { DaemonClock } from './clock.ts'
import type { Elector } from './leadership.ts'
import {
  type RecoveryCluster,
  type RecoveryDeps,
  type RecoveryHandle,
  startRecovery as startRecoveryDefault,
} from './recovery.ts'

export interface RecoveryRunnerOptions {
  clusters: RecoveryCluster[]
  deps: RecoveryDeps
  /** With an elector, recovery runs only while this replica leads. */
  elector?: Pick<Elector, 'isLeader' | 'on'>
  /** Tests: a fake recovery. */
  start?: (clusters: RecoveryCluster[], deps: RecoveryDeps) => RecoveryHandle
}

interface Gate {
  promise: Promise<void>
  open: () => void
}

function gate(): Gate {
  let open = () => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

export class RecoveryRunner {
  readonly #options: RecoveryRunnerOptions
  /** Per cluster: open once the recovery that runs (or is about to run) for it has ended. */
  readonly #gates = new Map<string, Gate>()
  #handle: RecoveryHandle | null = null
  /** Start and stop, one after the other (a term ending while the next begins). */
  #chain: Promise<void> = Promise.resolve()
  #started = false
  #stopped = false

  constructor(options: RecoveryRunnerOptions) {
    this.#options = options
    // Standalone: the recovery will run at start(); an action that arrives before (the API listens first) waits.
    if (!options.elector) this.#arm()
  }

  /** Standalone: recovers now. Elected: recovers whenever this replica becomes leader, stops when it follows. */
  start(): void {
    if (this.#started || this.#stopped) return
    this.#started = true
    const elector = this.#options.elector
    if (!elector) {
      this.#begin()
      return
    }
    elector.on('leading', () => this.#begin())
    elector.on('following', () => void this.#end())
    if (elector.isLeader()) this.#begin()
  }

  /** Stops a recovery still running (it reverts and clears its throttles, bounded) and releases every waiter. */
  stop(): Promise<void> {
    this.#stopped = true
    const ended = this.#end()
    for (const g of this.#gates.values()) g.open()
    this.#gates.clear()
    return ended
  }

  /** Whether a recovery of this cluster is running or about to; resolves when it ended. Null: nothing to wait for. */
  pending(cluster: string): Promise<void> | null {
    return this.#gates.get(cluster)?.promise ?? null
  }

  /** True while a recovery runs (tests, status). */
  get running(): boolean {
    return this.#handle !== null
  }

  #arm(): void {
    for (const c of this.#options.clusters) if (!this.#gates.has(c.name)) this.#gates.set(c.name, gate())
  }

  #begin(): void {
    if (this.#stopped || this.#options.clusters.length === 0) return
    this.#arm()
    this.#chain = this.#chain.then(() => {
      if (this.#stopped || this.#handle) return
      if (this.#options.elector && !this.#options.elector.isLeader()) {
        this.#release()
        return
      }
      const start = this.#options.start ?? startRecoveryDefault
      const handle = start(this.#options.clusters, this.#options.deps)
      this.#handle = handle
      for (const [name, done] of handle.clusters) {
        const g = this.#gates.get(name)
        void done.finally(() => {
          if (this.#gates.get(name) === g) this.#gates.delete(name)
          g?.open()
        })
      }
      void handle.done.finally(() => {
        if (this.#handle === handle) this.#handle = null
      })
    })
  }

  #end(): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      const handle = this.#handle
      this.#handle = null
      if (handle) {
        try {
          await handle.stop()
        } catch (err) {
          this.#options.deps.log?.(`recovery: stopping: ${describeCause(err)}`)
        }
      }
      this.#release()
    })
    return this.#chain
  }

  /** No recovery runs: nothing to wait for (a follower's actions are refused by the leader check). */
  #release(): void {
    if (this.#handle) return
    for (const g of this.#gates.values()) g.open()
    this.#gates.clear()
  }
}

/**
 * The broker action handlers, each first waiting for its cluster's recovery (bounded by the action's signal).
 * The wait is journaled as the action's progress: when it began and how long it took.
 */
export function afterRecovery(
  handlers: ActionHandlers,
  recovery: Pick<RecoveryRunner, 'pending'>,
  clock: Pick<DaemonClock, 'now'>,
): ActionHandlers {
  const out: ActionHandlers = {}
  for (const [name, handler] of Object.entries(handlers)) out[name] = waiting(handler, recovery, clock)
  return out
}

function waiting(
  handler: ActionHandler,
  recovery: Pick<RecoveryRunner, 'pending'>,
  clock: Pick<DaemonClock, 'now'>,
): ActionHandler {
  return async (action, context) => {
    const pending = recovery.pending(action.cluster)
    if (pending) {
      const since = clock.now()
      context.progress(
        `waiting for the restart recovery of cluster ${action.cluster} to end (in-flight reassignments, throttles)`,
      )
      const ended = await until(pending, context.signal)
      const waited = `${Math.round((clock.now() - since) / 1000)} s`
      if (!ended) {
        return {
          ok: false,
          message: `${action.action}: stopped after ${waited} waiting for the restart recovery of cluster ${action.cluster}; nothing was changed`,
        }
      }
      context.progress(`waited ${waited} for the restart recovery of cluster ${action.cluster}`)
    }
    return handler(action, context)
  }
}

/** True when `promise` settled, false when `signal` aborted first. */
function until(promise: Promise<void>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const onAbort = () => resolve(false)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort)
        resolve(true)
      },
      () => {
        signal.removeEventListener('abort', onAbort)
        resolve(true)
      },
    )
  })
}
