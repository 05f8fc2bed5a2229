// Orchestration of --apply-kafka with a small in-memory port (metadata + createPartitions) and a fake executor:
// the order of the steps, what is journaled, dry-run changing nothing, and failures reported, not swallowed.
import { describe, expect, it } from 'vitest'
import type { PartitionChange } from '../../../src/analyzer/capacity/partitions.ts'
import { applyScaleOut } from '../../../src/cli/commands/plan-apply.ts'
import { AutopilotError } from '../../../src/errors.ts'
import type { ExecuteOptions, ReassignmentExecution } from '../../../src/executor/reassignment/index.ts'
import type { ExecutionResult, ProgressSnapshot } from '../../../src/executor/reassignment/types.ts'
import type { JournalEntryInput } from '../../../src/journal/journal.ts'
import type { ClusterMetadata, KafkaAdminPort } from '../../../src/kafka/port.ts'

const changes: PartitionChange[] = [
  { topic: 'orders', source: 'values+cluster', from: 2, to: 4, keyed: 'no', keyedReason: '' },
]

/** Three brokers; `orders` has every replica on brokers 0 and 1, and new partitions land there too. */
function fakePort(failCreate = false) {
  const calls: string[] = []
  let count = 2
  const meta = (): ClusterMetadata => ({
    clusterId: 'c',
    controllerId: 0,
    brokers: [0, 1, 2].map((id) => ({ id, host: '127.0.0.1', port: 9092 + id, rack: null })),
    topics: [
      {
        name: 'orders',
        id: 't',
        internal: false,
        partitions: Array.from({ length: count }, (_, partition) => ({
          partition,
          leader: 0,
          replicas: partition % 2 ? [1, 0] : [0, 1],
          isr: [0, 1],
          offlineReplicas: [],
        })),
      },
    ],
  })
  const port = {
    metadata: async () => meta(),
    createPartitions: async (topic: string, total: number) => {
      calls.push(`createPartitions ${topic} ${total}`)
      if (failCreate) throw new AutopilotError('AP_ERR_KAFKA', 'INVALID_PARTITIONS')
      count = total
    },
  } as unknown as KafkaAdminPort
  return { port, calls }
}

function fakeExecute(
  state: ExecutionResult['state'],
  seen: Array<{ plan: unknown; options: ExecuteOptions }>,
) {
  return async (
    _port: KafkaAdminPort,
    plan: unknown,
    options: ExecuteOptions,
  ): Promise<ReassignmentExecution> => {
    seen.push({ plan, options })
    const snapshot = {
      executionId: 'ra-test',
      state,
      at: 0,
      startedAt: 0,
      counts: { total: 1, pending: 0, inFlight: 0, done: state === 'completed' ? 1 : 0, notMoved: 0 },
      bytes: null,
      etaMs: null,
      moves: [],
    } as ProgressSnapshot
    await options.journal?.({
      kind: 'started',
      at: 1,
      executionId: 'ra-test',
      message: 'batch 1',
      batch: 1,
      moves: [],
    })
    const result: ExecutionResult = {
      executionId: 'ra-test',
      state,
      outcome: state === 'completed' ? null : 'unchanged',
      cancelReason: null,
      error: state === 'failed' ? { step: 'submit', code: 'AP_ERR_KAFKA', message: 'boom' } : null,
      warnings: [],
      election: null,
      throttles: { set: true, cleared: true },
      progress: snapshot,
    }
    return {
      id: 'ra-test',
      done: Promise.resolve(result),
      snapshot: () => snapshot,
      updates: async function* () {
        yield snapshot
      },
      cancel: async () => result,
    }
  }
}

function setup(opts: { failCreate?: boolean; state?: ExecutionResult['state']; dryRun?: boolean } = {}) {
  const { port, calls } = fakePort(opts.failCreate)
  const journal: JournalEntryInput[] = []
  const out: string[] = []
  const seen: Array<{ plan: unknown; options: ExecuteOptions }> = []
  const deps = {
    port,
    journal: opts.dryRun ? null : (e: JournalEntryInput) => journal.push(e),
    stdout: { write: (t: string) => out.push(t) },
    now: () => 42,
    execute: fakeExecute(opts.state ?? 'completed', seen),
  }
  const run = () =>
    applyScaleOut(changes, { dryRun: opts.dryRun ?? false, only: [], throttleBytesPerSec: 1000 }, deps)
  return { run, calls, journal, out, seen }
}

describe('applyScaleOut', () => {
  it('grows partitions, plans the rebalance on the grown topic and executes it with the throttle, journaling each step', async () => {
    const t = setup()
    const summary = await t.run()
    expect(t.calls).toEqual(['createPartitions orders 4'])
    expect(summary.increases).toEqual([{ topic: 'orders', from: 2, to: 4 }])
    expect(summary.outcome).toBe('completed')
    expect(summary.moves).toBeGreaterThan(0)
    const plan = t.seen[0]!.plan as { partitions: Array<{ replicas: number[] }> }
    expect(plan.partitions.some((p) => p.replicas.includes(2))).toBe(true)
    expect(t.seen[0]!.options.throttleBytesPerSec).toBe(1000)
    expect(t.journal.map((e) => e.reason)).toEqual([
      'partitions-increased',
      'rebalance-planned',
      'reassignment-started',
    ])
    expect(t.journal.every((e) => e.scaler === 'plan-scale-out')).toBe(true)
    expect(t.out.join('')).toContain('partitions: orders 2 → 4 (+2)')
  })

  it('--dry-run changes nothing and journals nothing', async () => {
    const t = setup({ dryRun: true })
    const summary = await t.run()
    expect(t.calls).toEqual([])
    expect(t.seen).toEqual([])
    expect(summary.outcome).toBe('dry-run')
    expect(t.out.join('')).toContain('would increase topic orders: 2 → 4 partitions')
  })

  const failures: Array<{
    name: string
    failCreate?: boolean
    state?: ExecutionResult['state']
    code: string
    reason: string
  }> = [
    {
      name: 'a refused partition increase',
      failCreate: true,
      code: 'AP_ERR_KAFKA',
      reason: 'partitions-increase-failed',
    },
    { name: 'a failed reassignment', state: 'failed', code: 'AP_ERR_KAFKA', reason: 'reassignment-started' },
    {
      name: 'a cancelled reassignment',
      state: 'cancelled',
      code: 'AP_ERR_CONFLICT',
      reason: 'reassignment-started',
    },
  ]
  for (const row of failures) {
    it(`reports ${row.name} as an error, journaled`, async () => {
      const t = setup({
        ...(row.failCreate ? { failCreate: true } : {}),
        ...(row.state ? { state: row.state } : {}),
      })
      const error = await t.run().catch((e: unknown) => e)
      expect(AutopilotError.is(error) && error.code).toBe(row.code)
      expect(t.journal.at(-1)?.reason).toBe(row.reason)
    })
  }
})
