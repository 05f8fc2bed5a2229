// `process` target, the embedded default: runs the consumer command N times on this machine. The pool in
// ../process/pool.ts does the process work; this file is options, messages and the ScaleTarget contract.
import { existsSync, mkdirSync } from 'node:fs'
import { basename } from 'node:path'
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import { checkReplicas, parseOptions } from '../options.ts'
import { ProcessPool } from '../process/pool.ts'
import type { ScaleOptions, ScaleResult, ScaleTarget, TargetDeps, TargetState } from '../target.ts'

const millis = (fallback: number, min: number) =>
  z
    .int({ error: 'must be an integer (milliseconds)' })
    .min(min, { error: `must be ≥ ${min}` })
    .default(fallback)

export const processOptionsSchema = z
  .strictObject({
    command: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }),
    args: z
      .array(z.union([z.string(), z.number()]).transform(String), { error: 'must be a list of strings' })
      .default([]),
    env: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String), {
        error: 'must be a map of NAME: value',
      })
      .default({}),
    cwd: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    onExit: z.enum(['keep', 'stop'], { error: 'must be keep or stop' }).default('stop'),
    logDir: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    readyLine: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    settleMs: millis(2_000, 0),
    stopTimeoutMs: millis(10_000, 1),
    backoffInitialMs: millis(1_000, 1),
    backoffMaxMs: millis(60_000, 1),
    backoffResetMs: millis(60_000, 1),
  })
  .superRefine((o, ctx) => {
    if (o.readyLine !== undefined && o.logDir === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['readyLine'],
        message: 'needs logDir: the ready line is read from the replica log, which outlives Autopilot',
      })
    }
    if (o.backoffMaxMs < o.backoffInitialMs) {
      ctx.addIssue({ code: 'custom', path: ['backoffMaxMs'], message: 'must be ≥ backoffInitialMs' })
    }
  })

export type ProcessTargetOptions = z.input<typeof processOptionsSchema>
type Options = z.output<typeof processOptionsSchema>

export class ProcessTarget implements ScaleTarget {
  readonly kind = 'process' as const
  readonly name: string
  /** The pool, for its events (spawn, ready, exit, restart) and PIDs. */
  readonly pool: ProcessPool
  readonly #options: Options
  readonly #field: string
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(options: Options, deps: TargetDeps) {
    this.#options = options
    this.#field = deps.field ?? 'target'
    const label = deps.label ?? basename(options.command)
    this.name = `process ${label}`
    this.pool = new ProcessPool({
      command: options.command,
      args: options.args,
      env: options.env,
      cwd: options.cwd,
      label: label.replace(/[^\w.-]+/g, '_'),
      logDir: options.logDir,
      readyLine: options.readyLine,
      onExit: options.onExit,
      settleMs: options.settleMs,
      stopTimeoutMs: options.stopTimeoutMs,
      backoff: {
        initialMs: options.backoffInitialMs,
        maxMs: options.backoffMaxMs,
        resetMs: options.backoffResetMs,
      },
    })
  }

  async describe(): Promise<TargetState> {
    return this.pool.counts()
  }

  async scale(replicas: number, options: ScaleOptions): Promise<ScaleResult> {
    checkReplicas(replicas)
    if (this.#closed) throw closedError(this.name)
    const run = this.#queue.then(() => this.#scale(replicas, options))
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Stops the replicas, or leaves them running with `keep`; `onExit` overrides the configured choice. */
  async close(options: { onExit?: 'keep' | 'stop' } = {}): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#queue
    await this.pool.close(options.onExit ?? this.#options.onExit)
  }

  async #scale(replicas: number, { dryRun, signal }: ScaleOptions): Promise<ScaleResult> {
    signal?.throwIfAborted()
    const previous = this.pool.size
    const base = { kind: this.kind, target: this.name, previous, replicas, dryRun }
    if (replicas === previous) return { ...base, applied: false, message: `already at ${replicas} replicas` }
    const change =
      replicas > previous
        ? `start replica${replicas - previous > 1 ? 's' : ''} ${range(previous, replicas)}`
        : `stop replica${previous - replicas > 1 ? 's' : ''} ${range(replicas, previous).split(', ').reverse().join(', ')}`
    if (dryRun) return { ...base, applied: false, message: `would ${change} (${previous} → ${replicas})` }
    if (replicas > previous) {
      if (this.#options.logDir) mkdirSync(this.#options.logDir, { recursive: true })
      await this.pool.grow(replicas).catch((err: unknown) => {
        throw this.#spawnError(err)
      })
    } else {
      // Stopping goes on if the caller stops waiting: a half-stopped replica helps nobody.
      await abortable(this.pool.shrink(replicas), signal)
    }
    return {
      ...base,
      applied: true,
      message: `${change.replace(/^start/, 'started').replace(/^stop/, 'stopped')} (${previous} → ${replicas})`,
    }
  }

  #spawnError(err: unknown): AutopilotError {
    const code = (err as NodeJS.ErrnoException).code
    const { cwd, command } = this.#options
    const badCwd = cwd !== undefined && !existsSync(cwd)
    return new AutopilotError(
      'AP_ERR_CONFIG',
      badCwd
        ? `${this.name}: working directory ${cwd} does not exist`
        : `${this.name}: cannot start ${command}: ${code ?? String(err)}`,
      {
        field: `${this.#field}.${badCwd ? 'cwd' : 'command'}`,
        hint:
          code === 'ENOENT' && !badCwd
            ? 'check the path, or that the command is on PATH (no shell is used)'
            : undefined,
        cause: err,
      },
    )
  }
}

function range(from: number, to: number): string {
  return Array.from({ length: to - from }, (_, i) => String(from + i)).join(', ')
}

function closedError(name: string): AutopilotError {
  return new AutopilotError('AP_ERR_INTERNAL', `${name} is closed`)
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

export function createProcessTarget(options: unknown, deps: TargetDeps = {}): ProcessTarget {
  return new ProcessTarget(
    parseOptions(processOptionsSchema, options, deps.field ?? 'target', 'process'),
    deps,
  )
}
