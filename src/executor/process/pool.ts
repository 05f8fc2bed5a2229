// A local pool of N copies of one command: the embedded default target. Replica i is started with env
// AUTOPILOT_REPLICA_INDEX=i, restarted with back-off when it crashes, and stopped SIGTERM → SIGKILL. Indexes
// stay dense (0..N-1): scale-down removes the highest, i.e. newest, so a replica keeps its index (and any
// identity derived from it, such as a static group.instance.id) for its whole life.
import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { closeSync, fstatSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { isAlive, signalGroup } from '../signals.ts'
import { type BackoffOptions, nextCrashCount, restartDelayMs } from './backoff.ts'
import { watchForLine } from './ready-line.ts'

export interface PoolOptions {
  command: string
  args: string[]
  env: Record<string, string>
  cwd?: string
  /** File-name prefix for logs: `<logDir>/<label>-<index>.log`. */
  label: string
  /** Replica output goes here (appended); without it replicas share Autopilot's stdout/stderr. */
  logDir?: string
  /** Ready when a line containing this appears in the replica's output (needs logDir). */
  readyLine?: string
  /** Without readyLine: ready after running this long. */
  settleMs: number
  /** SIGTERM, then SIGKILL after this long. */
  stopTimeoutMs: number
  backoff: BackoffOptions
  /** What happens to replicas if Autopilot exits without close(): `stop` SIGTERMs them from an exit hook. */
  onExit: 'keep' | 'stop'
}

/** Pools not closed yet; one process 'exit' listener serves them all, however many scalers there are. */
const openPools = new Set<ProcessPool>()
function stopOpenPools(): void {
  for (const pool of openPools) pool.killAllNow()
}

/** After SIGKILL, how long to wait for the kernel to report the exit before giving up on it. */
const KILL_WAIT_MS = 5_000

/** True if `child` exits within `ms` (or already has). */
function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      child.off('exit', onExit)
      resolve(false)
    }, ms)
    child.once('exit', onExit)
  })
}

export interface ReplicaEvent {
  index: number
  pid: number
}
export interface ExitEvent extends ReplicaEvent {
  code: number | null
  signal: NodeJS.Signals | null
  /** True when we stopped it (scale-down, close); false for a crash. */
  expected: boolean
}

/** Events: spawn, ready (ReplicaEvent); exit (ExitEvent); restart ({index, delayMs, crashes}); spawnError. */
export class ProcessPool extends EventEmitter {
  readonly #options: PoolOptions
  readonly #replicas: Replica[] = []

  constructor(options: PoolOptions) {
    super()
    this.#options = options
    // If Autopilot dies without close(), do not leave detached replicas running: SIGTERM them synchronously.
    openPools.add(this)
    if (openPools.size === 1) process.on('exit', stopOpenPools)
  }

  get size(): number {
    return this.#replicas.length
  }

  counts(): { desired: number; current: number; ready: number } {
    const live = this.#replicas.filter((r) => r.child !== undefined)
    return { desired: this.#replicas.length, current: live.length, ready: live.filter((r) => r.ready).length }
  }

  /** PIDs of live replicas by index (undefined while a replica waits to restart). */
  pids(): Array<number | undefined> {
    return this.#replicas.map((r) => r.child?.pid)
  }

  /** Starts replicas up to `count`; rejects (and rolls back the new ones) if one cannot be started. */
  async grow(count: number): Promise<void> {
    const added: Replica[] = []
    while (this.#replicas.length < count) {
      const replica = new Replica(this.#replicas.length)
      this.#replicas.push(replica)
      added.push(replica)
      try {
        await this.#start(replica)
      } catch (err) {
        this.#replicas.splice(this.#replicas.length - added.length)
        await Promise.all(added.map((r) => this.#stop(r)))
        throw err
      }
    }
  }

  /** Stops the newest replicas down to `count`; resolves when they have exited. */
  async shrink(count: number): Promise<void> {
    const removed = this.#replicas.splice(count).reverse()
    await Promise.all(removed.map((r) => this.#stop(r)))
  }

  /** `stop`: stop every replica and wait. `keep`: leave them running, detached from us. */
  async close(onExit: 'keep' | 'stop'): Promise<void> {
    openPools.delete(this)
    if (openPools.size === 0) process.off('exit', stopOpenPools)
    if (onExit === 'stop') {
      await this.shrink(0)
      return
    }
    for (const replica of this.#replicas.splice(0)) {
      replica.cancelTimers()
      replica.child?.removeAllListeners('exit')
      replica.child?.unref()
    }
  }

  #start(replica: Replica): Promise<void> {
    const starting = this.#spawn(replica)
    replica.starting = starting.catch(() => undefined)
    return starting
  }

  async #spawn(replica: Replica): Promise<void> {
    const { command, args, cwd, env, logDir, readyLine } = this.#options
    let logFd: number | undefined
    let offset = 0
    const logFile = logDir ? join(logDir, `${this.#options.label}-${replica.index}.log`) : undefined
    if (logFile) {
      logFd = openSync(logFile, 'a')
      offset = fstatSync(logFd).size
    }
    const out = logFd ?? 'inherit'
    let child: ChildProcess
    try {
      child = spawn(command, args, {
        cwd,
        env: { ...process.env, ...env, AUTOPILOT_REPLICA_INDEX: String(replica.index) },
        stdio: ['ignore', out, out],
        // Own process group: Ctrl-C on Autopilot's terminal does not reach replicas (we stop them in order,
        // or keep them), and a stop signal reaches whatever the command forked.
        detached: true,
      })
      // Rejects with the spawn error (ENOENT, EACCES) if the command cannot be started.
      await once(child, 'spawn')
    } finally {
      // The child has its own copy of the descriptor.
      if (logFd !== undefined) closeSync(logFd)
    }
    // Later 'error' events (a failed kill) must not crash Autopilot; 'exit' drives the state.
    child.on('error', () => undefined)
    const pid = child.pid!
    replica.child = child
    replica.ready = false
    replica.startedAt = Date.now()
    child.once('exit', (code, signal) => this.#onExit(replica, child, code, signal))
    this.emit('spawn', { index: replica.index, pid })
    const markReady = () => {
      if (replica.child !== child) return
      replica.ready = true
      this.emit('ready', { index: replica.index, pid })
    }
    if (readyLine !== undefined && logFile !== undefined) {
      replica.stopWatch = watchForLine(logFile, offset, readyLine, markReady)
    } else {
      replica.settleTimer = setTimeout(markReady, this.#options.settleMs)
      replica.settleTimer.unref()
    }
  }

  #onExit(replica: Replica, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const pid = child.pid!
    replica.cancelTimers()
    if (replica.child === child) replica.child = undefined
    replica.ready = false
    const expected = replica.stopping
    this.emit('exit', { index: replica.index, pid, code, signal, expected } satisfies ExitEvent)
    if (!expected && this.#replicas.includes(replica))
      this.#scheduleRestart(replica, Date.now() - replica.startedAt)
  }

  #scheduleRestart(replica: Replica, ranMs: number): void {
    replica.crashes = nextCrashCount(replica.crashes, ranMs, this.#options.backoff)
    const delayMs = restartDelayMs(replica.crashes, this.#options.backoff)
    this.emit('restart', { index: replica.index, delayMs, crashes: replica.crashes })
    replica.restartTimer = setTimeout(() => {
      replica.restartTimer = undefined
      if (replica.stopping || !this.#replicas.includes(replica)) return
      this.#start(replica).catch((err: unknown) => {
        this.emit('spawnError', { index: replica.index, error: err })
        this.#scheduleRestart(replica, 0)
      })
    }, delayMs)
    replica.restartTimer.unref()
  }

  async #stop(replica: Replica): Promise<void> {
    replica.stopping = true
    replica.cancelTimers()
    // A restart may be spawning right now: let it finish so its process is stopped too, not orphaned.
    await replica.starting
    replica.cancelTimers()
    const child = replica.child
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return
    signalGroup(child.pid, 'SIGTERM')
    if (await exitWithin(child, this.#options.stopTimeoutMs)) return
    signalGroup(child.pid, 'SIGKILL')
    await exitWithin(child, KILL_WAIT_MS)
  }

  /** Last resort from process.on('exit'): synchronous, no waiting. */
  killAllNow(): void {
    if (this.#options.onExit === 'keep') return
    for (const replica of this.#replicas) {
      const pid = replica.child?.pid
      if (pid !== undefined && isAlive(pid)) signalGroup(pid, 'SIGTERM')
    }
  }
}

class Replica {
  readonly index: number
  child: ChildProcess | undefined
  ready = false
  stopping = false
  startedAt = 0
  crashes = 0
  settleTimer: NodeJS.Timeout | undefined
  restartTimer: NodeJS.Timeout | undefined
  stopWatch: (() => void) | undefined
  starting: Promise<void> | undefined

  constructor(index: number) {
    this.index = index
  }

  cancelTimers(): void {
    clearTimeout(this.settleTimer)
    clearTimeout(this.restartTimer)
    this.stopWatch?.()
    this.settleTimer = this.restartTimer = this.stopWatch = undefined
  }
}
