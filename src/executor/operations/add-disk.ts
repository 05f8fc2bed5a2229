// addDisk: one more disk (log directory, volume) for ONE broker, through the backend; no other broker
// changes. With `rebalance`, replicas are then spread onto it by the backend's disk rebalance (between the
// log dirs of each broker) where the backend has one.
import { AutopilotError, describeCause } from '../../errors.ts'
import { result, stepper } from './common.ts'
import type { AddDiskOptions, BrokerOpsContext, OperationResult } from './types.ts'

export async function addDiskToBroker(
  ctx: BrokerOpsContext,
  options: AddDiskOptions,
): Promise<OperationResult> {
  const { brokerId, disk, dryRun } = options
  if (!Number.isInteger(brokerId) || brokerId < 0) {
    throw new AutopilotError('AP_ERR_INPUT', `brokerId must be a broker id (got ${String(brokerId)})`, {
      field: 'brokerId',
    })
  }
  if (!ctx.backend.operations.has('addDisk')) {
    throw new AutopilotError(
      'AP_ERR_CONFIG',
      `addDisk is not supported by the ${ctx.backend.kind} backend (${ctx.backend.name})`,
      {
        field: 'backend.type',
      },
    )
  }
  const step = stepper(ctx, 'addDisk')
  const common = {
    dryRun,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    journal: (e: { step: string; message: string }) =>
      step(`Backend-${e.step}`, e.message, { inputs: { event: e }, kind: 'event' as const }),
  }
  step('AddDiskPlanned', `${dryRun ? 'would add' : 'adding'} a ${disk.size} disk to broker ${brokerId}`, {
    kind: 'decision',
    inputs: { brokerId, disk, rebalance: options.rebalance ?? false },
    outcome: dryRun ? 'dry-run' : null,
  })
  const added = await ctx.backend.addDisk(brokerId, disk, common)
  step('DiskAdded', added.message, { outcome: dryRun ? 'dry-run' : 'applied', inputs: { result: added } })
  if (!options.rebalance)
    return result(true, added.message, [brokerId], 0, dryRun, { disk: added.details ?? {} })
  if (!ctx.backend.operations.has('rebalance')) {
    const message = `${added.message}; replicas not moved onto it: the ${ctx.backend.kind} backend has no disk rebalance`
    step('DiskRebalanceSkipped', message, { kind: 'event' })
    return result(true, message, [brokerId], 0, dryRun, { disk: added.details ?? {}, rebalanced: false })
  }
  try {
    const rebalanced = await ctx.backend.rebalance({ disk: true }, common)
    const message = `${added.message}; ${rebalanced.message}`
    step('DiskRebalanced', rebalanced.message, { outcome: dryRun ? 'dry-run' : 'applied' })
    return result(true, message, [brokerId], 0, dryRun, { disk: added.details ?? {}, rebalanced: true })
  } catch (err) {
    const message = `${added.message}, but moving replicas onto it failed: ${describeCause(err)}`
    step('DiskRebalanceFailed', message, { outcome: 'failed' })
    return result(false, message, [brokerId], 0, dryRun, {
      step: 'rebalance',
      left: 'disk added, no replica moved',
    })
  }
}
