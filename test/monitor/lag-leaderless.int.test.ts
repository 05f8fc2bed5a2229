// A partition without a leader is reported, not fatal. This test kills a broker, so it runs on its own cluster
// (started and stopped here, by PID), never on the shared one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GroupLag } from '../../src/analyzer/lag/types.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { pollUntil } from '../../src/kafka/wait.ts'
import type { StackState } from '../../src/stack/types.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'
import { runCli } from '../helpers/run-cli.ts'

const topic = 'noleader'
const group = 'noleader-group'
let dir: string
let state: StackState
let admin: KafkaAdminPort
let victim: number
let orphan: number

beforeAll(async () => {
  let bootstrapServers: string[]
  ;({
    dir,
    stack: state,
    servers: bootstrapServers,
    admin,
  } = await startPrivateStack('lag-noleader-', { brokers: 3 }))
  const producer = createProducerPort({ bootstrapServers })
  try {
    await admin.createTopic({ topic, partitions: 3, replicationFactor: 1 })
    await producer.send(Array.from({ length: 30 }, (_, i) => ({ topic, partition: i % 3, value: `v${i}` })))
  } finally {
    await producer.close()
  }
  await admin.alterGroupOffsets(
    group,
    [0, 1, 2].map((partition) => ({ topic, partition, offset: 4 })),
  )
  const meta = await admin.metadata({ topics: [topic] })
  const partitions = meta.topics.find((t) => t.name === topic)!.partitions
  // the victim leads one of the partitions; kill it (a combined node: 2 of 3 controllers keep the quorum)
  victim = partitions[0]!.leader
  orphan = partitions.find((p) => p.leader === victim)!.partition
  await admin.close()
  const node = state.nodes.find((n) => n.id === victim)!
  process.kill(node.pid, 'SIGKILL')
  const survivors = state.nodes.filter((n) => n.id !== victim).map((n) => `${n.host}:${n.port}`)
  admin = createAdminPort({ bootstrapServers: survivors })
  const leaderless = await pollUntil(
    async () => {
      const m = await admin.metadata({ topics: [topic] }).catch(() => null)
      return (
        m?.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partition === orphan)?.leader === -1
      )
    },
    60_000,
    500,
  )
  expect(leaderless).toBe(true)
})

afterAll(async () => {
  await stopPrivateStack(dir, admin)
})

describe('a partition without a leader', () => {
  it('is reported with unknown lag, the rest of the group is computed, exit 0', async () => {
    const survivors = state.nodes
      .filter((n) => n.id !== victim)
      .map((n) => `${n.host}:${n.port}`)
      .join(',')
    let result: { code: number; group: GroupLag | undefined } = { code: -1, group: undefined }
    // the group's coordinator may have been on the killed broker: wait (bounded) for the offsets to be readable
    const ok = await pollUntil(
      async () => {
        const res = await runCli(['lag', '--bootstrap-server', survivors, '--json', '--group', group])
        result = { code: res.code, group: res.code === 0 ? JSON.parse(res.stdout).groups[0] : undefined }
        return result.group !== undefined && result.group.error === null
      },
      60_000,
      1000,
    )
    expect(ok).toBe(true)
    const g = result.group!
    const parts = g.topics[0]!.partitions
    const lost = parts.find((p) => p.partition === orphan)!
    expect([lost.lag, lost.lagSeconds, lost.flags]).toEqual([null, null, ['offsets-unavailable']])
    expect(lost.error).toBeTruthy()
    const others = parts.filter((p) => p.partition !== orphan)
    expect(others.every((p) => p.lag === 6 && p.flags.length === 0)).toBe(true)
    expect([g.totalLag, g.unavailablePartitions]).toEqual([6 * others.length, 1])
  })
})
