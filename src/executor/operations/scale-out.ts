// scaleOut (upScale): add brokers through the backend, wait until they are registered, then move replicas
// onto them. When brokers are offline or fenced (replicas name them but they are not registered) or stalled
// (registered, out of every ISR), it heals: their replicas move to healthy brokers, the new ones first, so the
// under-replicated partitions return to 0. Moving a replica off a dead broker needs nothing from that broker:
// the target replica set leaves it out, the new replica copies from the leader. Otherwise it rebalances onto
// the new brokers, unless the backend moves data itself (`movesData`: Strimzi, Koperator, Cruise Control):
// their addBrokers already rebalanced onto the new brokers, so a second, built-in rebalance would move the same
// load again (or fight Cruise Control). Healing stays built-in on every backend: add-brokers moves load onto
// the new brokers, not replicas off dead ones.
import { planAddBrokers, planHeal, type RebalanceReport } from '../../analyzer/rebalance/index.ts'
import { AutopilotError, describeCause } from '../../errors.ts'
import type { BrokerResult } from '../brokers/backend.ts'
import { plannerInput, plural, result, stepper, waitForMetadata, waitsOf, withSizes } from './common.ts'
import { brokerHealth, underReplicated } from './health.ts'
import { movePartitions, verifyReplicated } from './move.ts'
import { retryRead } from './retry.ts'
import type { BrokerOpsContext, OperationResult, ScaleOutOptions } from './types.ts'

export async function scaleOut(ctx: BrokerOpsContext, options: ScaleOutOptions): Promise<OperationResult> {
  const count = options.count ?? 1
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `count must be a whole number from 1 to 100 (got ${String(count)})`,
      {
        field: 'count',
      },
    )
  }
  const step = stepper(ctx, 'scaleOut')
  const dryRun = options.dryRun
  const before = await retryRead(ctx, step, 'metadata', () => ctx.admin.metadata())
  const health = brokerHealth(before)
  step(
    'ScaleOutPlanned',
    `adding ${plural(count, 'broker')} to ${before.brokers.length}${describeHealth(health)}`,
    {
      kind: 'decision',
      inputs: {
        count,
        dryRun,
        health,
        underReplicated: underReplicated(before).length,
        backendMovesData: ctx.backend.movesData,
      },
    },
  )

  const added = await ctx.backend.addBrokers(count, {
    dryRun,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    journal: (e) => step(`Backend${cap(e.step)}`, e.message, { inputs: { event: e } }),
  })
  const newIds = added.brokers
  if (!dryRun) step('BrokersAdded', added.message, { inputs: { brokers: newIds }, outcome: 'applied' })

  let metadata = before
  if (!dryRun) {
    const liveBefore = new Set(before.brokers.map((b) => b.id))
    const { brokerJoinMs } = waitsOf(ctx)
    metadata = await waitForMetadata(
      ctx,
      `broker(s) ${newIds.join(', ') || `(${count} new)`} to register`,
      brokerJoinMs,
      (m) => {
        const ids = m.brokers.map((b) => b.id)
        const joined =
          newIds.length > 0
            ? newIds.every((id) => ids.includes(id))
            : ids.filter((id) => !liveBefore.has(id)).length >= count
        return joined ? m : undefined
      },
    )
    if (newIds.length === 0)
      newIds.push(...metadata.brokers.map((b) => b.id).filter((id) => !liveBefore.has(id)))
    step('BrokersRegistered', `broker(s) ${newIds.join(', ')} registered`, {
      inputs: { brokers: newIds },
      kind: 'event',
    })
    metadata = await waitForFencing(ctx, step, metadata)
  }

  const now = brokerHealth(metadata)
  const down = [...now.offline, ...now.stalled]
  if (ctx.backend.movesData) {
    if (down.length === 0) return rebalancedByBackend(ctx, step, added, newIds, dryRun)
    step(
      'BuiltInHeal',
      `broker ${down.join(', ')} offline or stalled: healing with the built-in planner (${ctx.backend.name} moves load onto new brokers, not replicas off dead ones)`,
      {
        kind: 'decision',
        inputs: { offline: down, backend: ctx.backend.kind, added: added.details ?? null },
      },
    )
  }
  const extra = newIds.map((id) => ({ id, rack: null }))
  let input = plannerInput(metadata, dryRun ? extra : [])
  // A stalled broker is still registered: leave it out of the destinations (the planner keeps only listed ones).
  input = { ...input, brokers: input.brokers.filter((b) => !now.stalled.includes(b.id)) }
  input = await withSizes(
    ctx,
    input,
    now.live.filter((id) => !down.includes(id)),
  )
  let report: RebalanceReport
  try {
    // Healing moves only what must move (a degraded cluster is no time for extra copies): the new brokers take
    // the lost replicas first. A later rebalance evens the rest out.
    report =
      down.length > 0
        ? planHeal(input, { offline: down, prefer: newIds, balance: false })
        : planAddBrokers(input, extra)
  } catch (err) {
    const message = `brokers ${newIds.join(', ')} ${dryRun ? 'would be added' : 'added'}, but no reassignment could be planned: ${describeCause(err)}`
    step('PlanFailed', message, { outcome: 'failed' })
    return result(false, message, newIds, 0, dryRun, {
      step: 'plan',
      left: dryRun ? 'unchanged' : 'brokers added, no data moved',
    })
  }
  const mode = down.length > 0 ? `heal (broker ${down.join(', ')} offline)` : 'rebalance'
  step(
    'ReassignmentPlanned',
    `${mode}: ${plural(report.moves, 'replica move')}, ${report.plan.partitions.length} partitions change`,
    {
      kind: 'decision',
      inputs: {
        mode,
        moves: report.moves,
        leaderMoves: report.leaderMoves,
        warnings: report.warnings,
        plan: report.plan,
      },
      outcome: dryRun ? 'dry-run' : null,
    },
  )
  const details = { mode, offline: down, plan: report.plan, warnings: report.warnings.map((w) => w.code) }
  if (dryRun) {
    return result(
      true,
      `would add broker(s) ${newIds.join(', ') || `(${count} new)`} and ${mode} with ${plural(report.moves, 'replica move')}`,
      newIds,
      report.moves,
      true,
      details,
    )
  }
  if (report.plan.partitions.length > 0) {
    // A broker that never got fenced cannot take a throttle config (the request would hang): move unthrottled.
    const unthrottled = now.stalled.length > 0
    if (unthrottled)
      step('Unthrottled', `broker ${now.stalled.join(', ')} does not answer: moving without a throttle`, {
        kind: 'event',
      })
    const moveCtx = unthrottled
      ? { ...ctx, reassignment: { ...ctx.reassignment, throttleBytesPerSec: null } }
      : ctx
    const moved = await movePartitions(moveCtx, report.plan, step)
    if (!moved.ok) {
      step('ScaleOutFailed', moved.message, { outcome: 'failed', inputs: { left: moved.left } })
      return result(
        false,
        `broker(s) ${newIds.join(', ')} added; ${moved.message}`,
        newIds,
        report.moves,
        false,
        {
          ...details,
          step: 'move',
          left: moved.left,
        },
      )
    }
  }
  // Healing: every partition must be whole again. Growth: the moved ones (others were not ours to fix).
  const scope = down.length > 0 ? undefined : report.plan.partitions
  const verified = await verifyReplicated(ctx, step, scope)
  const message = `added broker(s) ${newIds.join(', ')}, ${mode} moved ${plural(report.moves, 'replica')}; ${verified.message}`
  step(verified.ok ? 'ScaleOutDone' : 'ScaleOutUnverified', message, {
    outcome: verified.ok ? 'verified' : 'failed',
  })
  return result(verified.ok, message, newIds, report.moves, false, {
    ...details,
    underReplicated: verified.underReplicated,
    ...(verified.ok ? {} : { step: 'verify', left: 'moved' }),
  })
}

/** The backend's addBrokers rebalanced onto the new brokers: journal it and check nothing is under-replicated. */
async function rebalancedByBackend(
  ctx: BrokerOpsContext,
  step: ReturnType<typeof stepper>,
  added: BrokerResult,
  newIds: number[],
  dryRun: boolean,
): Promise<OperationResult> {
  const mode = `rebalance by ${ctx.backend.kind}`
  const ids = newIds.join(', ')
  const details = { mode, offline: [], backend: added.details ?? {} }
  step(
    'BackendRebalanced',
    `${ctx.backend.name} ${dryRun ? 'would rebalance' : 'rebalanced'} onto broker(s) ${ids} (no built-in rebalance): ${added.message}`,
    {
      kind: 'event',
      inputs: { mode, brokers: newIds, result: added },
      outcome: dryRun ? 'dry-run' : 'applied',
    },
  )
  if (dryRun) {
    const message = `would add broker(s) ${ids}; ${ctx.backend.name} would rebalance onto them: ${added.message}`
    return result(true, message, newIds, 0, true, details)
  }
  // Which partitions moved is the backend's business: every partition must be fully replicated.
  const verified = await verifyReplicated(ctx, step)
  const message = `added broker(s) ${ids}, ${ctx.backend.name} rebalanced onto them; ${verified.message}`
  step(verified.ok ? 'ScaleOutDone' : 'ScaleOutUnverified', message, {
    outcome: verified.ok ? 'verified' : 'failed',
  })
  return result(verified.ok, message, newIds, 0, false, {
    ...details,
    underReplicated: verified.underReplicated,
    ...(verified.ok ? {} : { step: 'verify', left: 'moved' }),
  })
}

/** A stalled broker is fenced by the controller after broker.session.timeout.ms: wait for it (bounded). */
async function waitForFencing(
  ctx: BrokerOpsContext,
  step: ReturnType<typeof stepper>,
  metadata: Awaited<ReturnType<BrokerOpsContext['admin']['metadata']>>,
) {
  const stalled = brokerHealth(metadata).stalled
  if (stalled.length === 0) return metadata
  step(
    'WaitingForFence',
    `broker ${stalled.join(', ')} is out of every ISR; waiting for the controller to fence it`,
    { kind: 'event' },
  )
  try {
    return await waitForMetadata(
      ctx,
      `broker ${stalled.join(', ')} to be fenced`,
      waitsOf(ctx).fenceMs,
      (m) => (stalled.every((id) => !m.brokers.some((b) => b.id === id)) ? m : undefined),
    )
  } catch {
    step('NotFenced', `broker ${stalled.join(', ')} still registered; healing around it anyway`, {
      kind: 'event',
    })
    return retryRead(ctx, step, 'metadata', () => ctx.admin.metadata())
  }
}

function describeHealth(h: ReturnType<typeof brokerHealth>): string {
  const parts = []
  if (h.offline.length > 0) parts.push(`offline: ${h.offline.join(', ')}`)
  if (h.stalled.length > 0) parts.push(`stalled: ${h.stalled.join(', ')}`)
  return parts.length > 0 ? ` (${parts.join('; ')})` : ''
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
