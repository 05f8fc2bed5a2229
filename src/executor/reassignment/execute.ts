// executePlan: checks everything that can be checked before touching the cluster (the plan, the options, topics,
// partitions and target brokers, no reassignment already running, no throttle already set on what this plan
// throttles) and throws an AutopilotError if anything is off. Once it returns, changes may be under way and
// `done` always resolves with a result (it never rejects): completed, cancelled or failed, with what the cluster
// was left with.
import { AutopilotError } from '../../errors.ts'
import type { KafkaAdminPort } from '../../kafka/port.ts'
import { summary } from './events.ts'
import { buildMoves, sizesFromLogDirs } from './moves.ts'
import { type ExecuteOptions, executeSettings } from './options.ts'
import { parsePlan } from './plan-input.ts'
import { track } from './progress.ts'
import { Run } from './runner.ts'
import { scanThrottles } from './throttle-io.ts'
import { describe, isEmpty, throttleConfigs } from './throttles.ts'
import type { ExecutionResult, Move, ProgressSnapshot } from './types.ts'

export interface ReassignmentExecution {
  readonly id: string
  /** Resolves when the run has ended and cleaned up; never rejects. */
  readonly done: Promise<ExecutionResult>
  /** The latest progress. */
  snapshot(): ProgressSnapshot
  /** Progress snapshots as they change (latest only when the reader is slow); ends after the final one. */
  updates(): AsyncIterable<ProgressSnapshot>
  /** Stops submitting, reverts in-flight moves (Kafka restores their original replicas), clears throttles. */
  cancel(): Promise<ExecutionResult>
}

export function handleOf(run: Run): ReassignmentExecution {
  return {
    id: run.id,
    done: run.done,
    snapshot: () => run.snapshot(),
    updates: () => run.updates(),
    cancel: () => run.requestCancel('requested'),
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function plannedMessage(moves: readonly Move[], bytes: number | null): string {
  const copy = moves.filter((m) => m.kind === 'copy').length
  const meta = moves.filter((m) => m.kind === 'metadata').length
  const noop = moves.length - copy - meta
  const parts = [`${plural(copy, 'partition')} to copy`]
  if (meta > 0) parts.push(`${meta} reordered or shrunk`)
  if (noop > 0) parts.push(`${noop} already at target`)
  if (bytes !== null) parts.push(`${(bytes / 1048576).toFixed(1)} MiB`)
  return parts.join(', ')
}

export async function executePlan(
  port: KafkaAdminPort,
  rawPlan: unknown,
  options: ExecuteOptions = {},
): Promise<ReassignmentExecution> {
  const settings = executeSettings(options)
  const plan = parsePlan(rawPlan)
  const metadata = await port.metadata()
  const sizes = settings.trackBytes
    ? sizesFromLogDirs(await port.describeLogDirs().catch(() => []))
    : new Map()
  const moves = buildMoves(plan, metadata, sizes)
  const ongoing = await port.listPartitionReassignments()
  if (ongoing.length > 0) {
    const names = ongoing.slice(0, 5).map((r) => `${r.topic}-${r.partition}`)
    throw new AutopilotError(
      'AP_ERR_CONFLICT',
      `${plural(ongoing.length, 'partition')} already being reassigned (${names.join(', ')}${ongoing.length > 5 ? ', …' : ''})`,
      {
        hint: 'wait for it to finish, or take it over with recover() / cancel it with cancel()',
        details: { ongoing: ongoing.map((r) => ({ topic: r.topic, partition: r.partition })) },
      },
    )
  }
  const live = new Set(metadata.brokers.map((b) => b.id))
  let throttlesToSet = null
  let throttleInfo: { notLive: number[]; replaced?: Record<string, Record<string, string>> } | undefined
  if (settings.throttleBytesPerSec !== null) {
    const { notLive, ...configs } = throttleConfigs(moves, settings.throttleBytesPerSec, live)
    const existing = await scanThrottles(
      port,
      configs.brokers.map((b) => b.id),
      configs.topics.map((t) => t.name),
    )
    if (!isEmpty(existing) && settings.existingThrottles === 'fail') {
      const where = Object.keys(describe(existing))
      throw new AutopilotError(
        'AP_ERR_CONFLICT',
        `replication throttles are already set on ${where.join(', ')}`,
        {
          field: 'existingThrottles',
          hint:
            'left by an interrupted run: run recover() first; set by hand: pass existingThrottles "replace" ' +
            '(they are overwritten, then deleted at the end)',
          details: { existing: describe(existing) },
        },
      )
    }
    throttlesToSet = configs
    throttleInfo = { notLive, ...(isEmpty(existing) ? {} : { replaced: describe(existing) }) }
  }
  const tracked = moves.map(track)
  const copy = moves.filter((m) => m.kind === 'copy')
  const bytes = copy.every((m) => m.sizeBytes !== null)
    ? copy.reduce((sum, m) => sum + m.sizeBytes! * m.adding.length, 0)
    : null
  const run = new Run({
    port,
    settings,
    limits: settings.limits,
    tracked,
    throttlesToSet,
    ...(throttleInfo ? { throttleInfo } : {}),
    throttlesFound: null,
    planned: {
      message: plannedMessage(moves, bytes),
      mode: 'execute',
      moves: moves.map(summary),
      limits: settings.limits,
      throttleBytesPerSec: settings.throttleBytesPerSec,
      bytes,
    },
  })
  return handleOf(run)
}
