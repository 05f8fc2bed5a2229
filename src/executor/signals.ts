// Signalling processes we started. Children are spawned in their own process group (`detached: true`), so
// the group id is the PID we hold: signalling `-pid` reaches the command and anything it forked (a shell
// wrapper's JVM), and never a process we did not start.

/** Sends `sig` to the process group led by `pid`, or to `pid` alone if it has no group. False if gone. */
export function signalGroup(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, sig)
    return true
  } catch {
    try {
      process.kill(pid, sig)
      return true
    } catch {
      return false
    }
  }
}

/** True while `pid` exists (a zombie counts until it is reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
