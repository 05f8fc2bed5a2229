// A private Kafka cluster for one test file, for the tests that stop, pause, add or remove brokers (the others
// use the run's shared cluster): a fresh folder under .stack/, the stack started in it, its bootstrap list and
// an admin port on it. stopPrivateStack closes what the test opened on it, stops the stack by PID (the stack
// manager's stopStack) and removes the folder.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createAdminPort, type KafkaAdminPort } from '../../src/kafka/index.ts'
import { type StartOptions, startStack, stopStack } from '../../src/stack/cluster.ts'
import type { StackState } from '../../src/stack/types.ts'

export interface PrivateStackOptions extends Omit<StartOptions, 'dir'> {
  /** Request timeout of the admin port, ms (the port's default otherwise). */
  adminTimeoutMs?: number
}

export interface PrivateStack {
  dir: string
  stack: StackState
  /** The stack's bootstrap servers, as a list. */
  servers: string[]
  /** An admin port on every broker, opened on first use; the test closes it (stopPrivateStack(dir, admin)). */
  readonly admin: KafkaAdminPort
}

interface Closable {
  close(): Promise<unknown>
}

/** Starts a cluster in a new `.stack/<prefix>XXXXXX` folder; on failure nothing is left running. */
export async function startPrivateStack(
  prefix: string,
  { adminTimeoutMs, ...options }: PrivateStackOptions = {},
): Promise<PrivateStack> {
  mkdirSync(join(process.cwd(), '.stack'), { recursive: true })
  const dir = mkdtempSync(join(process.cwd(), '.stack', prefix))
  let stack: StackState
  try {
    stack = await startStack({ dir, ...options })
  } catch (err) {
    await stopStack(dir).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
    // the stack manager's hint (which log to read) with the message, in the test report
    const { message, hint } = err as { message?: string; hint?: string }
    throw hint ? new Error(`${message}\n${hint}`, { cause: err }) : err
  }
  const servers = stack.bootstrapServers.split(',')
  let admin: KafkaAdminPort | null = null
  return {
    dir,
    stack,
    servers,
    get admin() {
      admin ??= createAdminPort({
        bootstrapServers: servers,
        ...(adminTimeoutMs === undefined ? {} : { timeoutMs: adminTimeoutMs }),
      })
      return admin
    },
  }
}

/**
 * Closes `open` (the test's ports and clients on the cluster), then stops the cluster in `dir` and removes the
 * folder; the cluster is stopped even when a close fails (the first failure is thrown after). Does nothing to a folder that was never made.
 */
export async function stopPrivateStack(
  dir: string | undefined,
  ...open: Array<Closable | null | undefined>
): Promise<void> {
  const failures: unknown[] = []
  for (const item of open) await item?.close().catch((err: unknown) => failures.push(err))
  if (dir) {
    await stopStack(dir)
    rmSync(dir, { recursive: true, force: true })
  }
  if (failures.length > 0) throw failures[0]
}
