// verify catches a dead broker: brokers-up, under-replicated and offline partitions all fail, exit 1. This
// test kills a broker, so it runs on its own cluster (started and stopped here, by PID), never the shared one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdminPort } from '../../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../../src/kafka/port.ts'
import { pollUntil } from '../../../src/kafka/wait.ts'
import type { StackState } from '../../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../../helpers/private-stack.ts'
import { runCli } from '../../helpers/run-cli.ts'

let dir: string
let state: StackState
let admin: KafkaAdminPort
let victim: number
let survivors: string

beforeAll(async () => {
  ;({ dir, stack: state, admin } = await startPrivateStack('verify-down-', { brokers: 3 }))
  await admin.createTopic({ topic: 'replicated', partitions: 3, replicationFactor: 3 })
  await admin.createTopic({ topic: 'single', partitions: 3, replicationFactor: 1 })
  const meta = await admin.metadata({ topics: ['single'] })
  victim = meta.topics[0]!.partitions[0]!.leader // leads a partition that has no other replica
  await admin.close()
  survivors = state.nodes
    .filter((n) => n.id !== victim)
    .map((n) => `${n.host}:${n.port}`)
    .join(',')
  admin = createAdminPort({ bootstrapServers: survivors.split(',') })
})

afterAll(async () => {
  await stopPrivateStack(dir, admin)
})

describe('autopilot verify with a broker down', () => {
  it('passes before, then fails brokers-up, under-replicated and offline-partitions once the broker is fenced', async () => {
    // 1. healthy
    const before = await runCli(['verify', '--bootstrap-server', state.bootstrapServers, '--brokers', '3'])
    expect(before.stdout).toContain('verify: passed')
    expect(before.code).toBe(0)

    // 2. kill one combined node (2 of 3 controllers keep the quorum) and wait, bounded, for the fencing
    process.kill(state.nodes.find((n) => n.id === victim)!.pid, 'SIGKILL')
    const fenced = await pollUntil(
      async () => {
        const m = await admin.metadata().catch(() => null)
        return m !== null && !m.brokers.some((b) => b.id === victim)
      },
      60_000,
      500,
    )
    expect(fenced).toBe(true)

    // 3. verify reports it
    const after = await runCli(['verify', '--bootstrap-server', survivors, '--json'])
    expect(after.code).toBe(1)
    const doc = JSON.parse(after.stdout) as {
      passed: boolean
      checks: Array<{ check: string; status: string; summary: string }>
    }
    const status = Object.fromEntries(doc.checks.map((c) => [c.check, c.status]))
    expect(status).toEqual({
      'brokers-up': 'fail',
      'under-replicated': 'fail',
      'offline-partitions': 'fail',
      'consumer-lag': 'skip',
      alerts: 'skip',
    })
    expect(doc.checks[0]!.summary).toContain(`broker ${victim} is down`)
  })
})
