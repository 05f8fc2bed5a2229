// Runs a planner's reassignment through the throttled executor (throttles set before, always cleared after,
// preferred leaders elected at the end), journaling every executor event, then waits (bounded) until the
// moved partitions are fully replicated.
import type { ReassignmentJson } from '../../analyzer/rebalance/index.ts'
import { describeCause } from '../../errors.ts'
import type { TopicPartition } from '../../kafka/port.ts'
import type { ExecutionResult } from '../reassignment/index.ts'
import { executePlan, toJournalEntry } from '../reassignment/index.ts'
import { type Step, waitForMetadata, waitsOf } from './common.ts'
import { underReplicated } from './health.ts'
import { retryRead } from './retry.ts'
import type { BrokerOpsContext } from './types.ts'

export interface MoveOutcome {
  ok: boolean
  message: string
  /** What the cluster was left with (the executor's outcome), for a failed or cancelled run. */
  left: string | null
  execution: ExecutionResult | null
}

export async function movePartitions(
  ctx: BrokerOpsContext,
  plan: ReassignmentJson,
  step: Step,
): Promise<MoveOutcome> {
  const r = ctx.reassignment ?? {}
  // executePlan only reads (metadata, ongoing reassignments, throttles) before it returns: nothing is written
  // when it throws, so a retryable failure (a stalled controller) is safe to retry.
  const start = () =>
    executePlan(ctx.admin, plan, {
      ...(r.throttleBytesPerSec !== undefined ? { throttleBytesPerSec: r.throttleBytesPerSec } : {}),
      ...(r.maxMovesPerBroker !== undefined ? { maxMovesPerBroker: r.maxMovesPerBroker } : {}),
      ...(r.maxMoves !== undefined ? { maxMoves: r.maxMoves } : {}),
      ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
      ...(r.pollIntervalMs !== undefined ? { pollIntervalMs: r.pollIntervalMs } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      journal: (event) => {
        try {
          ctx.journal?.(toJournalEntry(event))
        } catch {
          // never stop a data movement half-way for the journal
        }
        if (event.kind === 'progress' || event.kind === 'started' || event.kind === 'failed') {
          try {
            ctx.progress?.(event.message)
          } catch {
            // same
          }
        }
      },
    })
  const execution = await retryRead(ctx, step, 'start of the reassignment', start)
  const done = await execution.done
  if (done.state !== 'completed') {
    const why = done.error ? `${done.error.step}: ${done.error.message}` : `cancelled (${done.cancelReason})`
    return {
      ok: false,
      message: `data movement ${done.state}: ${why}; cluster left ${done.outcome ?? 'unknown'}, throttles ${done.throttles.cleared ? 'cleared' : 'NOT cleared (run recover)'}`,
      left: done.outcome,
      execution: done,
    }
  }
  step(
    'MovesDone',
    `moved ${done.progress.counts.done} partitions; throttles ${done.throttles.cleared ? 'cleared' : 'not confirmed cleared'}`,
    {
      inputs: { executionId: done.executionId, warnings: done.warnings, throttles: done.throttles },
    },
  )
  return { ok: true, message: 'moved', left: 'moved', execution: done }
}

/** Waits until none of `partitions` (every partition when omitted) is under-replicated. */
export async function verifyReplicated(
  ctx: BrokerOpsContext,
  step: Step,
  partitions?: TopicPartition[],
): Promise<{ ok: boolean; underReplicated: number; message: string }> {
  const { verifyMs } = waitsOf(ctx)
  let last = -1
  try {
    await waitForMetadata(ctx, 'under-replicated partitions to return to 0', verifyMs, (m) => {
      last = underReplicated(m, partitions).length
      return last === 0 ? true : undefined
    })
    step('Verified', 'no under-replicated partition', { inputs: { underReplicated: 0 }, outcome: 'verified' })
    return { ok: true, underReplicated: 0, message: 'no under-replicated partition' }
  } catch (err) {
    const message = `${last < 0 ? 'unknown number of' : last} under-replicated partitions left: ${describeCause(err)}`
    step('VerifyFailed', message, { inputs: { underReplicated: last }, outcome: 'failed' })
    return { ok: false, underReplicated: last, message }
  }
}
