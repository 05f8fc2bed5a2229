// `autopilot lag`: consumer lag per group, topic and partition, in records and in seconds, once or every
// --watch seconds (rates appear from the second poll on) until Ctrl-C.
import type { Command } from 'commander'
import { formatError } from '../../errors.ts'
import { LagMonitor } from '../../monitor/lag-monitor.ts'
import { type AdminPortFactory, openAdminPort } from '../admin-port.ts'
import {
  addLagSelectionOptions,
  connectionOptions,
  type LagSelectionFlags,
  positiveNumber,
} from '../lag-options.ts'
import { lagJson, lagTable } from '../render/lag-table.ts'

export interface LagFlags extends LagSelectionFlags {
  json?: boolean
  watch?: number
}

export interface LagDeps {
  openPort: AdminPortFactory
  stdout: { write(text: string): unknown; isTTY?: boolean }
  stderr: { write(text: string): unknown }
  /** Ends --watch. */
  signal?: AbortSignal
}

export async function runLag(flags: LagFlags, deps: LagDeps): Promise<void> {
  const port = await deps.openPort(connectionOptions(flags, 'autopilot-lag'))
  try {
    const monitor = new LagMonitor(port, {
      groups: flags.group,
      topics: flags.topic,
      policy: flags.offsetReset,
      strict: true,
    })
    // The first poll's errors (unreachable brokers, unknown group) end the command.
    const print = (snapshot: Awaited<ReturnType<LagMonitor['poll']>>) => {
      if (flags.json) {
        const doc = lagJson(snapshot)
        deps.stdout.write(
          `${flags.watch === undefined ? JSON.stringify(doc, null, 2) : JSON.stringify(doc)}\n`,
        )
      } else {
        if (flags.watch !== undefined) {
          deps.stdout.write(
            `${deps.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${new Date(snapshot.at).toISOString()}\n\n`,
          )
        }
        deps.stdout.write(lagTable(snapshot))
      }
    }
    print(await monitor.poll())
    if (flags.watch === undefined) return
    const intervalMs = flags.watch * 1000
    while (!deps.signal?.aborted) {
      if (!(await sleep(intervalMs, deps.signal))) break
      try {
        print(await monitor.poll())
      } catch (err) {
        // Later failures (a broker restarting) are shown and retried on the next tick.
        deps.stderr.write(`${formatError(err)}\n`)
      }
    }
  } finally {
    await port.close()
  }
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export function registerLag(program: Command, deps: Partial<LagDeps> = {}): void {
  addLagSelectionOptions(
    program
      .command('lag')
      .description('show consumer lag in records and seconds, per group, topic and partition'),
  )
    .option('--json', 'print JSON (one document per line with --watch)')
    .option('--watch <seconds>', 'poll again every N seconds until Ctrl-C', positiveNumber('--watch'))
    .action(async (flags: LagFlags) => {
      const controller = new AbortController()
      const stop = () => controller.abort()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      try {
        await runLag(flags, {
          openPort: deps.openPort ?? openAdminPort,
          stdout: deps.stdout ?? process.stdout,
          stderr: deps.stderr ?? process.stderr,
          signal: deps.signal ?? controller.signal,
        })
      } finally {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
      }
    })
}
