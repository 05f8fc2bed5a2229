// Shared plumbing of the broker operations: journaling a step, bounded metadata waits, and the planner input
// read from Kafka.
import type { PartitionReplicas, RebalanceBroker, RebalanceInput } from '../../analyzer/rebalance/index.ts'
import { withLogDirSizes } from '../../analyzer/rebalance/index.ts'
import { AutopilotError, describeCause } from '../../errors.ts'
import type { ClusterMetadata } from '../../kafka/port.ts'
import { poll } from '../../kafka/wait.ts'
import type { BrokerOpsContext, OperationResult } from './types.ts'

export const DEFAULT_WAITS = {
  brokerJoinMs: 180_000,
  fenceMs: 30_000,
  verifyMs: 120_000,
  pollMs: 1_000,
  kafkaRetryMs: 60_000,
}

export type Waits = typeof DEFAULT_WAITS

export function waitsOf(ctx: BrokerOpsContext): Waits {
  return { ...DEFAULT_WAITS, ...ctx.waits }
}

export type OperationName = 'scaleOut' | 'scaleIn' | 'addDisk' | 'resizeDisk'

/** Journals one step of an operation (and says it on `progress` for human-facing steps). */
export function stepper(ctx: BrokerOpsContext, operation: OperationName) {
  const now = ctx.now ?? Date.now
  return (
    reason: string,
    message: string,
    options: {
      inputs?: Record<string, unknown>
      outcome?: string | null
      kind?: 'decision' | 'action' | 'event'
    } = {},
  ) => {
    try {
      ctx.journal?.({
        at: now(),
        kind: options.kind ?? 'action',
        scaler: null,
        target: `${operation} ${ctx.cluster}`,
        reason,
        message,
        inputs: { cluster: ctx.cluster, operation, backend: ctx.backend.kind, ...(options.inputs ?? {}) },
        outcome: options.outcome ?? null,
      })
    } catch {
      // a journal that fails must not stop the work half-way
    }
    try {
      ctx.progress?.(message)
    } catch {
      // same
    }
  }
}

export type Step = ReturnType<typeof stepper>

/** Polls metadata until `check` returns a value; AP_ERR_TIMEOUT naming `what` when `ms` pass. */
export async function waitForMetadata<T>(
  ctx: BrokerOpsContext,
  what: string,
  ms: number,
  check: (metadata: ClusterMetadata) => T | undefined,
): Promise<T> {
  const polled = await poll(async () => check(await ctx.admin.metadata()), {
    timeoutMs: ms,
    intervalMs: waitsOf(ctx).pollMs,
    until: (value) => value !== undefined,
    tolerateErrors: true,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  })
  if (polled.ok) return polled.value as T
  throw new AutopilotError(
    'AP_ERR_TIMEOUT',
    `timed out after ${Math.round(ms / 1000)} s waiting for ${what}`,
    {
      ...(polled.lastError ? { hint: describeCause(polled.lastError) } : {}),
    },
  )
}

/** The planner's input from the metadata: live brokers (with racks), `extra` brokers, every partition. */
export function plannerInput(metadata: ClusterMetadata, extra: RebalanceBroker[] = []): RebalanceInput {
  const brokers: RebalanceBroker[] = metadata.brokers.map((b) => ({ id: b.id, rack: b.rack }))
  for (const b of extra) if (!brokers.some((x) => x.id === b.id)) brokers.push(b)
  const partitions: PartitionReplicas[] = []
  for (const t of metadata.topics) {
    for (const p of t.partitions)
      partitions.push({ topic: t.name, partition: p.partition, replicas: [...p.replicas] })
  }
  return { brokers: brokers.sort((a, b) => a.id - b.id), partitions }
}

/** Adds partition sizes from DescribeLogDirs of the live brokers; without them when the read fails. */
export async function withSizes(
  ctx: BrokerOpsContext,
  input: RebalanceInput,
  live: number[],
): Promise<RebalanceInput> {
  try {
    return { ...input, partitions: withLogDirSizes(input.partitions, await ctx.admin.describeLogDirs(live)) }
  } catch {
    return input
  }
}

export function result(
  ok: boolean,
  message: string,
  brokers: number[],
  moves: number,
  dryRun: boolean,
  details?: Record<string, unknown>,
): OperationResult {
  return { ok, message, brokers, moves, dryRun, ...(details ? { details } : {}) }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
