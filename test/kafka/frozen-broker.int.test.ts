// Any-broker reads keep answering while the first bootstrap broker is frozen (SIGSTOP). Its TCP connection stays
// open, so a request to it only times out: the read must move on to another broker within the same call, the
// frozen broker must be tried last afterwards, and timeouts of calls addressed to one broker (ListOffsets to a
// leader that is frozen) must not push a healthy broker last. Destructive, so on its own 3-broker cluster.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdminPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { pauseBroker } from '../../src/stack/cluster.ts'
import type { StackState } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'

const topic = 'frozen-orders'
const TIMEOUT_MS = 5_000

let dir: string
let stack: StackState
let admin: KafkaAdminPort
let paused: number | null = null
let victim: number

beforeAll(async () => {
  ;({ dir, stack } = await startPrivateStack('frozen-', { brokers: 3 }))
  // The frozen broker is the first bootstrap server but not the active controller: while the active controller
  // is frozen, every broker forwarding ListPartitionReassignments to it hangs until its controller channel
  // gives up (~30 s), which no choice of broker on the client side can avoid (READ_ATTEMPTS in src/kafka/session.ts).
  victim = stack.nodes.find((n) => n.id !== activeController())!.id
  const byVictimFirst = [...stack.nodes].sort((a, b) => Number(b.id === victim) - Number(a.id === victim))
  admin = createAdminPort({
    bootstrapServers: byVictimFirst.map((n) => `${n.host}:${n.port}`),
    timeoutMs: TIMEOUT_MS,
  })
  await admin.createTopic({ topic, partitions: 6, replicationFactor: 3 })
})

afterAll(async () => {
  if (paused !== null) await pauseBroker(dir, paused, false).catch(() => {})
  await stopPrivateStack(dir, admin)
})

/** The node that last became the KRaft quorum leader (the active controller), from the nodes' logs. */
function activeController(): number {
  let latest = ''
  let id = stack.nodes[0]!.id
  for (const node of stack.nodes) {
    const log = readFileSync(node.logFile, 'utf8')
    for (const m of log.matchAll(
      /^\[([^\]]+)\] INFO \[RaftManager id=(\d+)\] Completed transition to Leader/gm,
    )) {
      if (m[1]! > latest) {
        latest = m[1]!
        id = Number(m[2])
      }
    }
  }
  return id
}

/** Metadata and ListPartitionReassignments together, as the health watch and upScale ask them; ms taken. */
async function reads(): Promise<number> {
  const started = Date.now()
  const [metadata, reassignments] = await Promise.all([admin.metadata(), admin.listPartitionReassignments()])
  expect(metadata.brokers.length).toBeGreaterThan(0)
  expect(reassignments).toEqual([])
  return Date.now() - started
}

describe('any-broker reads with a frozen first bootstrap broker', () => {
  it('keep answering: the first call moves on within its deadline, later calls skip the frozen broker', async () => {
    const partitions = Array.from({ length: 6 }, (_, partition) => ({ topic, partition }))
    // connections to every broker are open (the frozen one's stays open), leaders known
    await reads()
    await admin.partitionOffsets(partitions)

    await pauseBroker(dir, victim, true)
    paused = victim

    // the first reads wait out one timeout on the frozen broker, then another broker answers
    expect(await reads()).toBeLessThan(2 * TIMEOUT_MS)
    for (let round = 0; round < 3; round++) {
      // calls to the partition leaders: those led by the frozen broker time out; that must not demote others
      await admin.partitionOffsets(partitions).catch(() => undefined)
      // the frozen broker is tried last now: no read waits for it again
      expect(await reads()).toBeLessThan(TIMEOUT_MS)
    }
  })
})
