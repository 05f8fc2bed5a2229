// What is still running on the machine, for tests that must prove they left nothing behind.
import { readdirSync, readFileSync } from 'node:fs'
import { isAlive } from '../../src/executor/signals.ts'

/** PIDs of live processes whose command line mentions `fragment` (zombies have none, so they never match). */
export function processesMentioning(fragment: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(fragment)
      } catch {
        return false
      }
    })
    .map(Number)
}

/**
 * Alive and not a zombie. Processes a command started are reparented when it exits, and whether their exit
 * status is collected at once depends on the machine's init: an exited-but-unreaped process runs nothing.
 */
export function running(pid: number): boolean {
  if (!isAlive(pid)) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
