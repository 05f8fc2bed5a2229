// `exec` target: applies a replica count by running a user command (argv form, no shell), for systems
// Autopilot has no target for (Nomad, a cloud CLI, an internal API). The count reaches the command as a
// templated argument (`{{replicas}}`) and as env AUTOPILOT_REPLICAS.
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import { checkReplicas, parseOptions } from '../options.ts'
import { runCommand, tail } from '../run-command.ts'
import type { ScaleOptions, ScaleResult, ScaleTarget, TargetDeps, TargetState } from '../target.ts'

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g
const KNOWN_PLACEHOLDERS = new Set(['replicas'])

const argList = z
  .array(z.union([z.string(), z.number()]).transform(String), { error: 'must be a list of strings' })
  .default([])

export const execOptionsSchema = z
  .strictObject({
    command: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }),
    args: argList.meta({ description: 'Arguments; `{{replicas}}` is replaced by the desired count.' }),
    env: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String), {
        error: 'must be a map of NAME: value',
      })
      .default({}),
    cwd: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    timeoutMs: z
      .int({ error: 'must be an integer (milliseconds)' })
      .positive({ error: 'must be > 0' })
      .default(60_000),
    statusCommand: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .optional(),
    statusArgs: argList,
  })
  .superRefine((options, ctx) => {
    const check = (values: string[], key: string, allowed: Set<string>) => {
      values.forEach((value, i) => {
        for (const match of value.matchAll(PLACEHOLDER)) {
          if (!allowed.has(match[1]!)) {
            ctx.addIssue({
              code: 'custom',
              path: [key, i],
              message: `unknown placeholder ${match[0]}${allowed.size > 0 ? ' (known: {{replicas}})' : ' (none allowed here)'}`,
            })
          }
        }
      })
    }
    check(options.args, 'args', KNOWN_PLACEHOLDERS)
    check(options.statusArgs, 'statusArgs', new Set())
    if (options.statusArgs.length > 0 && options.statusCommand === undefined) {
      ctx.addIssue({ code: 'custom', path: ['statusArgs'], message: 'needs statusCommand' })
    }
  })

export type ExecTargetOptions = z.input<typeof execOptionsSchema>
type Options = z.output<typeof execOptionsSchema>

/** `['--count', '{{replicas}}']` with 3 → `['--count', '3']`. */
export function renderArgs(args: string[], replicas: number): string[] {
  return args.map((arg) => arg.replace(PLACEHOLDER, () => String(replicas)))
}

/** A status command prints one integer, or a JSON object with `desired` and optionally `current`/`ready`. */
export function parseStatus(stdout: string): TargetState | string {
  const text = stdout.trim()
  if (/^\d+$/.test(text)) {
    const n = Number(text)
    return { desired: n, current: n, ready: n }
  }
  const expected = `expected an integer ≥ 0 or a JSON object, got ${JSON.stringify(tail(text, 1, 80))}`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return expected
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return expected
  const record = value as Record<string, unknown>
  const count = (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined)
  const desired = count(record.desired)
  if (desired === undefined) return 'JSON status needs "desired" as a non-negative integer'
  const current = record.current === undefined ? desired : count(record.current)
  const ready = record.ready === undefined ? (current ?? desired) : count(record.ready)
  if (current === undefined || ready === undefined)
    return '"current" and "ready" must be non-negative integers'
  return { desired, current, ready }
}

class ExecTarget implements ScaleTarget {
  readonly kind = 'exec' as const
  readonly name: string
  readonly #options: Options
  readonly #field: string
  #last: number | undefined
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: Options, deps: TargetDeps) {
    this.#options = options
    this.#field = deps.field ?? 'target'
    this.name = `exec ${deps.label ?? options.command}`
  }

  async describe(signal?: AbortSignal): Promise<TargetState> {
    const { statusCommand, statusArgs } = this.#options
    if (statusCommand === undefined) {
      if (this.#last === undefined) {
        throw new AutopilotError(
          'AP_ERR_NOT_FOUND',
          `${this.name}: replica count unknown until the first scale`,
          {
            field: `${this.#field}.statusCommand`,
            hint: 'set statusCommand to a command that prints the current count',
          },
        )
      }
      return { desired: this.#last, current: this.#last, ready: this.#last }
    }
    const stdout = await this.#run(statusCommand, statusArgs, {}, 'statusCommand', signal)
    const state = parseStatus(stdout)
    if (typeof state === 'string') {
      throw new AutopilotError('AP_ERR_INPUT', `${this.name}: statusCommand output: ${state}`, {
        field: `${this.#field}.statusCommand`,
      })
    }
    return state
  }

  async scale(replicas: number, options: ScaleOptions): Promise<ScaleResult> {
    checkReplicas(replicas)
    const run = this.#queue.then(() => this.#scale(replicas, options))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    await this.#queue
  }

  async #scale(replicas: number, { dryRun, signal }: ScaleOptions): Promise<ScaleResult> {
    const args = renderArgs(this.#options.args, replicas)
    const shown = [this.#options.command, ...args].join(' ')
    const previous = this.#last ?? null
    const base = { kind: this.kind, target: this.name, previous, replicas, dryRun }
    if (dryRun) return { ...base, applied: false, message: `would run: ${shown}` }
    await this.#run(this.#options.command, args, { AUTOPILOT_REPLICAS: String(replicas) }, 'command', signal)
    this.#last = replicas
    return { ...base, applied: true, message: `ran: ${shown}` }
  }

  /** Runs one of the two commands; any failure is an AutopilotError naming that command's field. */
  async #run(
    command: string,
    args: string[],
    env: Record<string, string>,
    key: 'command' | 'statusCommand',
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const field = `${this.#field}.${key}`
    const { timeoutMs, cwd } = this.#options
    let result: Awaited<ReturnType<typeof runCommand>>
    try {
      result = await runCommand({
        command,
        args,
        env: { ...this.#options.env, ...env },
        cwd,
        timeoutMs,
        signal,
      })
    } catch (err) {
      if (signal?.aborted) throw err
      const code = (err as NodeJS.ErrnoException).code
      throw new AutopilotError(
        'AP_ERR_CONFIG',
        `${this.name}: cannot run ${command}: ${code ?? String(err)}`,
        {
          field,
          hint:
            code === 'ENOENT'
              ? 'check the path, or that the command is on PATH (no shell is used)'
              : undefined,
          cause: err,
        },
      )
    }
    const stderr = tail(result.stderr)
    if (result.timedOut) {
      throw new AutopilotError(
        'AP_ERR_TIMEOUT',
        `${this.name}: ${command} did not finish within ${timeoutMs} ms`,
        {
          field,
          retryable: true,
          details: { stderr },
        },
      )
    }
    if (result.code !== 0) {
      const how =
        result.code === null ? `was killed by ${result.exitSignal}` : `exited with code ${result.code}`
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `${this.name}: ${command} ${how}${stderr ? `: ${stderr}` : ''}`,
        {
          field,
          retryable: true,
          details: { exitCode: result.code, signal: result.exitSignal, stderr },
        },
      )
    }
    return result.stdout
  }
}

export function createExecTarget(options: unknown, deps: TargetDeps = {}): ScaleTarget {
  return new ExecTarget(parseOptions(execOptionsSchema, options, deps.field ?? 'target', 'exec'), deps)
}
