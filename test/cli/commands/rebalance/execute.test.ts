// `rebalance execute --dry-run` with a plain-data port: the moves are computed from the metadata and printed,
// and nothing but reads is asked of Kafka (the fake has no write methods: a write would throw).
import { describe, expect, it } from 'vitest'
import { type ExecuteFlags, runRebalanceExecute } from '../../../../src/cli/commands/rebalance/execute.ts'
import { commandDeps } from '../../../../src/cli/commands/rebalance/session.ts'
import type { ClusterMetadata, KafkaAdminPort, LogDirDescription } from '../../../../src/kafka/port.ts'

const META: ClusterMetadata = {
  clusterId: 'c',
  controllerId: 1,
  brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
  topics: [
    {
      name: 't',
      id: 't',
      internal: false,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
        { partition: 1, leader: 1, replicas: [1, 3], isr: [1, 3], offlineReplicas: [] },
        { partition: 2, leader: 1, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
      ],
    },
  ],
}
const LOG_DIRS: LogDirDescription[] = [
  { broker: 1, logDir: '/d', error: null, partitions: [{ topic: 't', partition: 0, size: 2 * 1024 * 1024 }] },
]
const PLAN = JSON.stringify({ version: 1, partitions: [{ topic: 't', partition: 0, replicas: [3, 1] }] })

async function dryRun(flags: Partial<ExecuteFlags>) {
  const out: string[] = []
  const calls: string[] = []
  const port = {
    metadata: async () => {
      calls.push('metadata')
      return META
    },
    describeLogDirs: async () => {
      calls.push('describeLogDirs')
      return LOG_DIRS
    },
    close: async () => {
      calls.push('close')
    },
  } as unknown as KafkaAdminPort
  const deps = commandDeps({
    stdout: { write: (t: string) => out.push(t) },
    openPort: () => port,
    readFile: async () => PLAN,
    onInterrupt: () => {
      throw new Error('a dry run installs no Ctrl-C handler')
    },
  })
  const code = await runRebalanceExecute({ bootstrapServer: '127.0.0.1:9001', dryRun: true, ...flags }, deps)
  return { code, text: out.join(''), calls }
}

describe('rebalance execute --dry-run', () => {
  it('prints the moves of a plan file with their kind and size, and the throttle', async () => {
    const { code, text, calls } = await dryRun({ plan: 'p.json', throttle: 1024 * 1024 })
    expect(code).toBe(0)
    expect(text).toBe(
      'Dry run: nothing is changed. 1 partitions in the plan, 1 to copy, throttle 1.0 MiB/s\n' +
        '  t-0: [1,2] → [3,1] (copy, 2.0 MiB)\n',
    )
    expect(calls.at(-1)).toBe('close')
  })

  it('--json prints one dry-run object with the plan and moves; --throttle none is unthrottled', async () => {
    const { text } = await dryRun({ plan: 'p.json', throttle: null, json: true })
    const doc = JSON.parse(text) as Record<string, unknown>
    expect(doc).toMatchObject({ kind: 'dry-run', throttleBytesPerSec: null, plan: JSON.parse(PLAN) })
    expect(doc.moves).toEqual([
      expect.objectContaining({ topic: 't', partition: 0, kind: 'copy', adding: [3] }),
    ])
  })

  it('plans from the live metadata when no --plan is given', async () => {
    const { code, text } = await dryRun({ topic: ['t'] })
    expect(code).toBe(0)
    expect(text).toMatch(/^Planned from the live cluster: \d+ replica moves/)
    expect(text).toMatch(/Dry run: nothing is changed/)
  })
})
