// resizeDisk: grow a broker's disk. No broker backend has it yet (Kubernetes would expand the PVC); a backend
// that adds a `resizeDisk` method and lists the operation gets called, every other one refuses clearly.
import { AutopilotError } from '../../errors.ts'
import type { BrokerOperationOptions, BrokerResult } from '../brokers/backend.ts'
import { result, stepper } from './common.ts'
import type { BrokerOpsContext, OperationResult, ResizeDiskOptions } from './types.ts'

/** What a backend that can resize implements, on top of BrokerBackend. */
export interface ResizableBackend {
  resizeDisk(
    brokerId: number,
    request: { size?: string; incrementBy?: string; mountPath?: string },
    options: BrokerOperationOptions,
  ): Promise<BrokerResult>
}

function resizable(backend: unknown): backend is ResizableBackend {
  const b = backend as { operations?: ReadonlySet<string>; resizeDisk?: unknown }
  return typeof b.resizeDisk === 'function' && b.operations?.has('resizeDisk') === true
}

export async function resizeBrokerDisk(
  ctx: BrokerOpsContext,
  options: ResizeDiskOptions,
): Promise<OperationResult> {
  const { brokerId, dryRun } = options
  if ((options.size === undefined) === (options.incrementBy === undefined)) {
    throw new AutopilotError('AP_ERR_INPUT', 'resizeDisk needs exactly one of diskSize, incrementBy', {
      field: 'diskSize',
    })
  }
  if (!resizable(ctx.backend)) {
    throw new AutopilotError(
      'AP_ERR_CONFIG',
      `resizeDisk is not supported by the ${ctx.backend.kind} backend (${ctx.backend.name}); nothing was changed`,
      { field: 'backend.type', hint: 'add a disk instead (addDisk), or resize the volume by hand' },
    )
  }
  const step = stepper(ctx, 'resizeDisk')
  const request = {
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.incrementBy !== undefined ? { incrementBy: options.incrementBy } : {}),
    ...(options.mountPath !== undefined ? { mountPath: options.mountPath } : {}),
  }
  const done = await ctx.backend.resizeDisk(brokerId, request, {
    dryRun,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    journal: (e) => step(`Backend-${e.step}`, e.message, { inputs: { event: e }, kind: 'event' }),
  })
  step('DiskResized', done.message, {
    outcome: dryRun ? 'dry-run' : 'applied',
    inputs: { brokerId, request },
  })
  return result(
    true,
    done.message,
    [brokerId],
    0,
    dryRun,
    done.details ? { backend: done.details } : undefined,
  )
}
