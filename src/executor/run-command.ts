// Runs a user command in argv form (no shell) and collects its output. Written by hand rather than with
// child_process.execFile because execFile sends one kill signal on timeout and then waits forever for a
// command that ignores it; here a timeout or an abort escalates SIGTERM → SIGKILL on the whole process group.
import { spawn } from 'node:child_process'
import { signalGroup } from './signals.ts'

export interface RunOptions {
  command: string
  args: string[]
  env?: Record<string, string>
  cwd?: string
  timeoutMs: number
  /** Time between SIGTERM and SIGKILL once the command must stop. */
  killGraceMs?: number
  signal?: AbortSignal
}

export interface RunResult {
  /** Exit code, or null when a signal ended the command. */
  code: number | null
  exitSignal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Output kept per stream: enough for a count or an error tail, bounded for a chatty command. */
const MAX_KEPT = 64 * 1024
/** After exit, how long to wait for the pipes to drain (a backgrounded grandchild may hold them open). */
const DRAIN_MS = 1_000

function keepTail(current: string, chunk: Buffer): string {
  const next = current + chunk.toString('utf8')
  return next.length > MAX_KEPT ? next.slice(next.length - MAX_KEPT) : next
}

/**
 * Resolves with the outcome once the command has exited, whatever its exit code. Rejects only when it
 * could not be started (the spawn error: ENOENT, EACCES) or when `signal` aborts (after killing it).
 */
export function runCommand(options: RunOptions): Promise<RunResult> {
  const { signal } = options
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let aborted = false
    let killTimer: NodeJS.Timeout | undefined
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = keepTail(stdout, chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = keepTail(stderr, chunk)
    })

    const terminate = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
      signalGroup(child.pid, 'SIGTERM')
      killTimer = setTimeout(
        () => child.pid && signalGroup(child.pid, 'SIGKILL'),
        options.killGraceMs ?? 5_000,
      )
    }
    const timer = setTimeout(() => {
      timedOut = true
      terminate()
    }, options.timeoutMs)
    const onAbort = () => {
      aborted = true
      terminate()
    }
    signal?.addEventListener('abort', onAbort, { once: true })

    const cleanup = () => {
      clearTimeout(timer)
      clearTimeout(killTimer)
      signal?.removeEventListener('abort', onAbort)
    }
    child.once('error', (err) => {
      cleanup()
      reject(err)
    })
    child.once('exit', (code, exitSignal) => {
      cleanup()
      const finish = () => {
        if (aborted) reject(signal?.reason)
        else resolve({ code, exitSignal, stdout, stderr, timedOut })
      }
      if (child.stdout.readableEnded && child.stderr.readableEnded) return finish()
      const drain = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        finish()
      }, DRAIN_MS)
      child.once('close', () => {
        clearTimeout(drain)
        finish()
      })
    })
  })
}

/** The last lines of a command's output, for an error message. */
export function tail(text: string, lines = 10, chars = 2_000): string {
  const kept = text.trimEnd().split('\n').slice(-lines).join('\n')
  return kept.length > chars ? `…${kept.slice(kept.length - chars)}` : kept
}
