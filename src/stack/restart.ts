// A controlled restart of ONE node of the local stack, the others untouched: SIGTERM (KRaft controlled shutdown:
// the broker asks the controller to move its leaderships away before it stops), a bounded wait for the exit
// (SIGKILL after it), then the same JVM with the same config file and ports, and a bounded wait for its
// "started" line in the part of the log this run wrote. The new PID goes into state.json at once, so
// `stack down` stops the new process even when the wait fails.
//
// Combined broker+controller nodes: the stack has a static quorum of up to 3 voters; restarting one of 3 leaves
// a majority of 2, so the quorum (and the metadata it serves) stays available throughout. A 1-node stack has
// no such majority: its only node comes back as the whole cluster.
import { readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { AutopilotError } from '../errors.ts'
import { launch, nodeAlive, readState, STARTED, stackNode, writeState } from './cluster.ts'
import { stopProcesses } from './process.ts'
import { waitForLogLine } from './readiness.ts'
import type { StackNode } from './types.ts'

export interface RestartOptions {
  /** Bound on the controlled shutdown before SIGKILL, ms (default 60000). */
  stopTimeoutMs?: number
  /** Bound on the start, ms (default 120000). */
  readyTimeoutMs?: number
  /** Data dirs the node has after the restart (its config file must already say so). Default: unchanged. */
  dataDirs?: string[]
}

export interface RestartResult {
  node: StackNode
  previousPid: number
  /** The controlled shutdown did not finish within stopTimeoutMs and the JVM was killed. */
  killed: boolean
}

/** `-Xmx512m` from a JVM's command line, so the node restarts with the heap it had. */
export function heapFromCmdline(cmdline: string): number | undefined {
  for (const arg of cmdline.split('\0')) {
    const m = /^-Xmx(\d+)m$/.exec(arg)
    if (m) return Number(m[1])
  }
  return undefined
}

function heapOf(pid: number): number | undefined {
  try {
    return heapFromCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))
  } catch {
    return undefined
  }
}

async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  )
}

export async function runningNode(dir: string, id: number): Promise<StackNode> {
  const node = stackNode(await readState(dir), id)
  if (!nodeAlive(node)) {
    throw new AutopilotError('AP_ERR_STACK', `broker ${id} is not running (pid ${node.pid})`, {
      field: '--id',
      hint: 'a controlled restart needs a running node; `autopilot stack status` shows which are up',
    })
  }
  return node
}

export async function restartNode(
  dir: string,
  id: number,
  options: RestartOptions = {},
): Promise<RestartResult> {
  const state = await readState(dir)
  const node = await runningNode(dir, id)
  const heapMb = heapOf(node.pid)
  const fromOffset = await sizeOf(node.logFile)
  const killed = await stopProcesses(
    [{ pid: node.pid, marker: node.configFile }],
    options.stopTimeoutMs ?? 60_000,
  )
  const proc = await launch(state, node, heapMb)
  const restarted: StackNode = { ...node, pid: proc.pid, dataDirs: options.dataDirs ?? node.dataDirs }
  // Re-read: another command may have changed the state file meanwhile; only this node's entry changes.
  const latest = await readState(dir)
  latest.nodes = latest.nodes.map((n) => (n.id === id ? restarted : n))
  await writeState(latest)
  await waitForLogLine({
    file: node.logFile,
    text: STARTED,
    timeoutMs: options.readyTimeoutMs ?? 120_000,
    exited: proc.exited,
    what: `node ${id} (restarted)`,
    fromOffset,
  })
  return { node: restarted, previousPid: node.pid, killed: killed.length > 0 }
}
