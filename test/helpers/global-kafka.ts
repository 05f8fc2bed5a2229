// Vitest global setup for the integration project: one real 3-node KRaft cluster for the whole run.
// Set AUTOPILOT_TEST_STACK_DIR to reuse a cluster already started with `autopilot stack up --dir DIR`
// (it is then left running); otherwise a fresh cluster is started here and stopped, by PID, afterwards.
import { mkdir, mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import 'vitest'
import type { TestProject } from 'vitest/node'
import { readState, startStack, stopStack } from '../../src/stack/cluster.ts'
import type { StackState } from '../../src/stack/types.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    kafka: StackState
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reuse = process.env.AUTOPILOT_TEST_STACK_DIR
  if (reuse) {
    project.provide('kafka', await readState(reuse))
    return async () => {}
  }
  await mkdir(join(process.cwd(), '.stack'), { recursive: true })
  const dir = await mkdtemp(join(process.cwd(), '.stack', 'test-'))
  const state = await startStack({ dir, brokers: 3 })
  project.provide('kafka', state)
  return async () => {
    await stopStack(dir)
  }
}
