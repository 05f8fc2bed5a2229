// Every scale target, by kind. An explicit literal, kept in alphabetical order (a test fails otherwise):
// adding a target is one file in targets/ and one line here. No self-registration on import.
import type { z } from 'zod'
import { AutopilotError } from '../errors.ts'
import type { ScaleTarget, TargetDeps, TargetFactory, TargetKind } from './target.ts'
import { createExecTarget, execOptionsSchema } from './targets/exec.ts'
import { createKubernetesTarget, kubernetesOptionsSchema } from './targets/kubernetes.ts'
import { createProcessTarget, processOptionsSchema } from './targets/process.ts'

export interface TargetEntry {
  create: TargetFactory
  /** The options the factory validates (without the `type` discriminator); documented in docs/targets.md. */
  options: z.ZodType
}

export const TARGETS = {
  exec: { create: createExecTarget, options: execOptionsSchema },
  kubernetes: { create: createKubernetesTarget, options: kubernetesOptionsSchema },
  process: { create: createProcessTarget, options: processOptionsSchema },
} as const satisfies Record<TargetKind, TargetEntry>

/** The kind used when a scaler names no target: a local process pool. */
export const DEFAULT_TARGET: TargetKind = 'process'

export function isTargetKind(kind: unknown): kind is TargetKind {
  return typeof kind === 'string' && Object.hasOwn(TARGETS, kind)
}

/**
 * Builds a target from its configuration section, `{ type: <kind>, …options }` (the shape of the config's
 * discriminated union). Throws AP_ERR_CONFIG naming `<field>.type` or the bad option.
 */
export function createTarget(
  config: { type?: unknown } & Record<string, unknown>,
  deps: TargetDeps = {},
): ScaleTarget {
  const { type = DEFAULT_TARGET, ...options } = config
  const field = deps.field ?? 'target'
  if (!isTargetKind(type)) {
    throw new AutopilotError('AP_ERR_CONFIG', `unknown target type ${JSON.stringify(type)}`, {
      field: `${field}.type`,
      hint: `one of ${Object.keys(TARGETS).join(', ')}`,
    })
  }
  return TARGETS[type].create(options, deps)
}
