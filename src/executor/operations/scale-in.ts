// scaleIn (downScale): choose the broker (given, or the least loaded one the backend can remove), refuse when
// the rest could not hold the replication factor, min.insync.replicas or alerts.minBrokers, drain it with the
// planner and the throttled executor, check it holds nothing and nothing is under-replicated, then remove it
// through the backend (which refuses a broker that still holds data). A failed drain removes nothing: the
// executor reverts what was in flight, so the cluster is as it was or partly rebalanced, fully replicated.
// A backend that moves data itself (`movesData`: Strimzi, Koperator, Cruise Control) drains in removeBrokers:
// after the same refusals it is left to drain and remove (scale-in-backend.ts), then the result is verified.
import { planRemoveBrokers, type RebalanceReport } from '../../analyzer/rebalance/index.ts'
import { AutopilotError, describeCause } from '../../errors.ts'
import type { ClusterMetadata } from '../../kafka/port.ts'
import { readMinInsyncReplicas } from '../min-insync.ts'
import {
  plannerInput,
  plural,
  result,
  type Step,
  stepper,
  waitForMetadata,
  waitsOf,
  withSizes,
} from './common.ts'
import { movePartitions, verifyReplicated } from './move.ts'
import { retryRead } from './retry.ts'
import { drainThroughBackend } from './scale-in-backend.ts'
import { chooseBrokerToRemove, holding, scaleInRefusal } from './scale-in-checks.ts'
import type { BrokerOpsContext, OperationResult, ScaleInOptions } from './types.ts'

export async function scaleIn(ctx: BrokerOpsContext, options: ScaleInOptions): Promise<OperationResult> {
  const dryRun = options.dryRun
  const step = stepper(ctx, 'scaleIn')
  if (options.brokerIds !== undefined) {
    const bad = options.brokerIds.find((id) => !Number.isInteger(id) || id < 0)
    if (bad !== undefined || options.brokerIds.length === 0) {
      throw new AutopilotError('AP_ERR_INPUT', 'brokerIds must be a non-empty list of broker ids', {
        field: 'brokerId',
      })
    }
  }
  const status = await ctx.backend.status(ctx.signal)
  if (status.busy && !dryRun) {
    throw new AutopilotError('AP_ERR_CONFLICT', `${ctx.backend.name} is busy: ${status.message}`, {
      hint: 'wait for the operation under way to end',
    })
  }
  const protectedIds = controllersOf(status.details)
  const metadata = await retryRead(ctx, step, 'metadata', () => ctx.admin.metadata())
  const ids = options.brokerIds ?? pick(metadata, protectedIds)
  const minIsr = await minInsyncReplicas(ctx, step, metadata)
  const refusal = scaleInRefusal(ids, {
    metadata,
    protectedIds,
    minIsr,
    ...(ctx.minBrokers !== undefined ? { minBrokers: ctx.minBrokers } : {}),
  })
  if (refusal !== null) {
    step('ScaleInRefused', `not removing broker ${ids.join(', ')}: ${refusal}`, {
      kind: 'decision',
      outcome: 'skipped',
    })
    throw new AutopilotError('AP_ERR_UNSAFE', `not removing broker ${ids.join(', ')}: ${refusal}`, {
      field: 'brokerId',
      details: { brokers: ids, protected: protectedIds },
    })
  }
  if (ctx.backend.movesData) return drainThroughBackend(ctx, step, ids, dryRun)

  const input = await withSizes(
    ctx,
    plannerInput(metadata),
    metadata.brokers.map((b) => b.id),
  )
  let report: RebalanceReport
  try {
    report = planRemoveBrokers(input, ids)
  } catch (err) {
    const message = `not removing broker ${ids.join(', ')}: ${describeCause(err)}`
    step('ScaleInRefused', message, { kind: 'decision', outcome: 'skipped' })
    throw new AutopilotError('AP_ERR_UNSAFE', message, { field: 'brokerId', cause: err })
  }
  step(
    'DrainPlanned',
    `drain broker ${ids.join(', ')}: ${plural(report.moves, 'replica move')}, ${report.plan.partitions.length} partitions change`,
    {
      kind: 'decision',
      inputs: {
        brokers: ids,
        moves: report.moves,
        leaderMoves: report.leaderMoves,
        warnings: report.warnings,
        plan: report.plan,
      },
      outcome: dryRun ? 'dry-run' : null,
    },
  )
  const details = { plan: report.plan, warnings: report.warnings.map((w) => w.code) }
  if (dryRun) {
    return result(
      true,
      `would drain broker ${ids.join(', ')} (${plural(report.moves, 'replica move')}) and remove it`,
      ids,
      report.moves,
      true,
      details,
    )
  }

  if (report.plan.partitions.length > 0) {
    const moved = await movePartitions(ctx, report.plan, step)
    if (!moved.ok) {
      const message = `broker ${ids.join(', ')} not removed; ${moved.message}`
      step('ScaleInFailed', message, { outcome: 'failed', inputs: { left: moved.left } })
      return result(false, message, ids, report.moves, false, { ...details, step: 'drain', left: moved.left })
    }
  }
  try {
    await waitForMetadata(ctx, `broker ${ids.join(', ')} to hold no replica`, waitsOf(ctx).verifyMs, (m) =>
      holding(m, ids) === 0 ? true : undefined,
    )
  } catch (err) {
    const message = `broker ${ids.join(', ')} not removed: it still holds replicas after the drain (${describeCause(err)})`
    step('ScaleInFailed', message, { outcome: 'failed' })
    return result(false, message, ids, report.moves, false, {
      ...details,
      step: 'verify-drain',
      left: 'moved',
    })
  }
  const verified = await verifyReplicated(ctx, step)
  if (!verified.ok) {
    const message = `broker ${ids.join(', ')} drained but not removed: ${verified.message}`
    step('ScaleInFailed', message, { outcome: 'failed' })
    return result(false, message, ids, report.moves, false, { ...details, step: 'verify', left: 'moved' })
  }
  step('DrainDone', `broker ${ids.join(', ')} holds no replica; removing it`, { outcome: 'verified' })
  try {
    const removed = await ctx.backend.removeBrokers(ids, {
      dryRun: false,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      journal: (e) => step(`Backend-${e.step}`, e.message, { inputs: { event: e }, kind: 'event' }),
    })
    const message = `drained (${plural(report.moves, 'replica move')}) and removed broker ${ids.join(', ')}: ${removed.message}`
    step('ScaleInDone', message, { outcome: 'applied' })
    return result(true, message, ids, report.moves, false, details)
  } catch (err) {
    const message = `broker ${ids.join(', ')} drained (it holds no data, the cluster is whole) but removing it failed: ${describeCause(err)}`
    step('ScaleInFailed', message, { outcome: 'failed' })
    return result(false, message, ids, report.moves, false, { ...details, step: 'remove', left: 'drained' })
  }
}

function pick(metadata: ClusterMetadata, protectedIds: number[]): number[] {
  const id = chooseBrokerToRemove(metadata, protectedIds)
  if (id === null) {
    throw new AutopilotError(
      'AP_ERR_UNSAFE',
      'no broker can be removed: every live broker is a KRaft controller',
      {
        field: 'brokerId',
        hint: 'add a broker first (upScale); only broker-only nodes can be removed',
      },
    )
  }
  return [id]
}

/** KRaft controllers, as the backend reports them (`details.controllers` of the local stack). */
export function controllersOf(details: Record<string, unknown> | undefined): number[] {
  const list = details?.controllers
  return Array.isArray(list) ? list.filter((x): x is number => typeof x === 'number') : []
}

async function minInsyncReplicas(
  ctx: BrokerOpsContext,
  step: Step,
  metadata: ClusterMetadata,
): Promise<Record<string, number>> {
  const topics = metadata.topics.map((t) => t.name)
  return retryRead(ctx, step, 'min.insync.replicas', () => readMinInsyncReplicas(ctx.admin, topics)).catch(
    () => ({}),
  )
}
