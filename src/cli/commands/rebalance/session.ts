// What the `rebalance` and `brokers` subcommands that talk to Kafka need from the outside world, injectable for
// tests: output streams, file reading, the admin port, Ctrl-C and exit. Defaults are the real process.
import { readFile } from 'node:fs/promises'
import type { ConnectionOptions, KafkaAdminPort } from '../../../kafka/port.ts'
import { type AdminPortFactory, openAdminPort } from '../../admin-port.ts'
import type { ProgressOutput } from '../../progress.ts'

export interface CommandDeps {
  stdout: ProgressOutput
  stderr: { write(text: string): unknown }
  readFile: (path: string) => Promise<string>
  openPort: AdminPortFactory
  /** Calls `handler` on every Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt: (handler: () => void) => () => void
  exit: (code: number) => void
}

export function onSigint(handler: () => void): () => void {
  process.on('SIGINT', handler)
  return () => process.off('SIGINT', handler)
}

/** Fills what the caller did not give with the real process. */
export function commandDeps(partial: Partial<CommandDeps> = {}): CommandDeps {
  return {
    stdout: partial.stdout ?? process.stdout,
    stderr: partial.stderr ?? process.stderr,
    readFile: partial.readFile ?? ((path) => readFile(path, 'utf8')),
    openPort: partial.openPort ?? openAdminPort,
    onInterrupt: partial.onInterrupt ?? onSigint,
    exit: partial.exit ?? ((code) => process.exit(code)),
  }
}

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130

/**
 * Ctrl-C for a command that changes the cluster: the first one calls `first` (which starts a clean stop), a
 * second one writes `exitNote` to stderr and exits at once (130), leaving the clean-up undone. Returns the
 * function that stops listening.
 */
export function onCtrlC(
  deps: Pick<CommandDeps, 'onInterrupt' | 'stderr' | 'exit'>,
  first: () => void,
  exitNote: string,
): () => void {
  let interrupts = 0
  return deps.onInterrupt(() => {
    if (++interrupts === 1) return first()
    deps.stderr.write(`${exitNote}\n`)
    deps.exit(EXIT_INTERRUPTED)
  })
}

export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`
}

/** Opens the admin port, runs `fn`, and always closes the port. */
export async function withPort<T>(
  deps: Pick<CommandDeps, 'openPort'>,
  connection: ConnectionOptions,
  fn: (port: KafkaAdminPort) => Promise<T>,
): Promise<T> {
  const port = await deps.openPort(connection)
  try {
    return await fn(port)
  } finally {
    await port.close().catch(() => {})
  }
}
