// Process handling for the local stack: start detached JVMs with their output in a log file, check that a
// PID is still ours (PIDs get reused), and stop by PID with a bounded SIGTERM → SIGKILL escalation.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'

export interface Spawned {
  pid: number
  /** Settles when the process exits while this Node process is still watching it. */
  exited: Promise<number | null>
}

export async function spawnDetached(command: string, args: string[], logFile: string): Promise<Spawned> {
  const log = await open(logFile, 'a')
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log.fd, log.fd] })
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code))
      child.once('error', () => resolve(-1))
    })
    if (child.pid === undefined) {
      const [err] = (await once(child, 'error')) as [Error]
      throw err
    }
    child.unref()
    return { pid: child.pid, exited }
  } finally {
    await log.close()
  }
}

/**
 * True when `pid` is alive and its command line contains `marker` (the node's config file), so a reused PID
 * of some other process is never mistaken for, or killed as, one of ours.
 */
export function isOurs(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    if (cmdline === '') return false // a zombie: exited, not yet reaped
    return cmdline.includes(marker)
  } catch {
    // No /proc (not Linux): trust the signal check.
    return true
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

/**
 * Sends SIGTERM to every process at once (combined KRaft nodes must stop together or the last ones wait
 * minutes for a quorum), waits up to `graceMs`, then SIGKILLs the rest. Returns the PIDs that needed SIGKILL.
 * These are not our children when a previous CLI run started them, so exit is observed by polling /proc.
 */
export async function stopProcesses(
  procs: Array<{ pid: number; marker: string }>,
  graceMs = 15_000,
): Promise<number[]> {
  const live = procs.filter((p) => isOurs(p.pid, p.marker))
  for (const p of live) signal(p.pid, 'SIGCONT') // a SIGSTOPped JVM cannot handle SIGTERM
  for (const p of live) signal(p.pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  let remaining = live
  while (remaining.length > 0 && Date.now() < deadline) {
    await delay(100)
    remaining = remaining.filter((p) => isOurs(p.pid, p.marker))
  }
  for (const p of remaining) signal(p.pid, 'SIGKILL')
  const killDeadline = Date.now() + 5_000
  let stubborn = remaining
  while (stubborn.length > 0 && Date.now() < killDeadline) {
    await delay(50)
    stubborn = stubborn.filter((p) => isOurs(p.pid, p.marker))
  }
  return remaining.map((p) => p.pid)
}
