// scaleIn on a backend that moves data itself (`movesData`): Strimzi's KafkaRebalance remove-brokers, Koperator's
// GracefulDownscale and Cruise Control's remove_broker drain the brokers before they go. Draining them first
// with the built-in planner would move the same replicas twice (or race Cruise Control), so the backend drains
// and removes, and we check the outcome as after a built-in drain: the brokers hold no replica, nothing is
// under-replicated. The refusals (replication factor, min.insync.replicas, minBrokers, offline brokers) ran
// before this is called.
import { describeCause } from '../../errors.ts'
import type { BrokerResult } from '../brokers/backend.ts'
import { plural, result, type Step, waitForMetadata, waitsOf } from './common.ts'
import { verifyReplicated } from './move.ts'
import { holding } from './scale-in-checks.ts'
import type { BrokerOpsContext, OperationResult } from './types.ts'

export async function drainThroughBackend(
  ctx: BrokerOpsContext,
  step: Step,
  ids: number[],
  dryRun: boolean,
): Promise<OperationResult> {
  const who = ctx.backend.name
  const brokers = ids.join(', ')
  step(
    'DrainPlanned',
    `${dryRun ? 'would let' : 'letting'} ${who} drain and remove broker ${brokers} (no built-in drain)`,
    {
      kind: 'decision',
      inputs: { brokers: ids, drainedBy: ctx.backend.kind },
      outcome: dryRun ? 'dry-run' : null,
    },
  )
  const details = { drainedBy: ctx.backend.kind }
  let removed: BrokerResult
  try {
    removed = await ctx.backend.removeBrokers(ids, {
      dryRun,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      journal: (e) => step(`Backend-${e.step}`, e.message, { inputs: { event: e }, kind: 'event' }),
    })
  } catch (err) {
    const left = dryRun ? 'unchanged' : await leftAfterFailure(ctx, ids)
    const message = `broker ${brokers} not removed: ${who} failed to ${dryRun ? 'plan the drain' : 'drain and remove it'}: ${describeCause(err)}`
    step('ScaleInFailed', message, { outcome: 'failed', inputs: { left } })
    return result(false, message, ids, 0, dryRun, { ...details, step: 'drain', left })
  }
  const withBackend = { ...details, backend: removed.details ?? {} }
  if (dryRun) {
    const message = `would let ${who} drain and remove broker ${brokers}: ${removed.message}`
    return result(true, message, ids, 0, true, withBackend)
  }
  step('BackendDrained', `${who} drained and removed broker ${brokers}: ${removed.message}`, {
    inputs: { result: removed },
    outcome: 'applied',
  })
  let left = 0
  try {
    await waitForMetadata(ctx, `broker ${brokers} to hold no replica`, waitsOf(ctx).verifyMs, (m) => {
      left = holding(m, ids)
      return left === 0 ? true : undefined
    })
  } catch (err) {
    const message = `${who} reported broker ${brokers} drained and removed, but ${plural(left, 'partition')} still name it (${describeCause(err)})`
    step('ScaleInUnverified', message, { outcome: 'failed' })
    return result(false, message, ids, 0, false, { ...withBackend, step: 'verify-drain', left: 'removed' })
  }
  const verified = await verifyReplicated(ctx, step)
  const message = `${who} drained and removed broker ${brokers}; ${verified.message}`
  step(verified.ok ? 'ScaleInDone' : 'ScaleInUnverified', message, {
    outcome: verified.ok ? 'verified' : 'failed',
  })
  return result(verified.ok, message, ids, 0, false, {
    ...withBackend,
    underReplicated: verified.underReplicated,
    ...(verified.ok ? {} : { step: 'verify', left: 'removed' }),
  })
}

/** After a failed removeBrokers: do the brokers still hold replicas? (The contract: nothing was removed.) */
async function leftAfterFailure(ctx: BrokerOpsContext, ids: number[]): Promise<string> {
  try {
    const n = holding(await ctx.admin.metadata(), ids)
    return n === 0 ? 'drained, not removed' : `not removed, still holding ${plural(n, 'partition')}`
  } catch {
    return 'unknown: see the backend status'
  }
}
