// HPA-compatible scaling behaviour (autoscaling/v2 `spec.behavior`), plus the per-direction tolerance of
// KEP-4951. Unset fields are filled from the HPA defaults field by field, as the API server does. Unlike KEDA
// (which leaves `behavior` nil, so the HPA uses its legacy rules), autopilot always runs the behaviour rules:
// with no `behavior:` block the HPA defaults below apply.
import { z } from 'zod'
import { intLike, numberLike } from './values.ts'

export const scalingPolicy = z.strictObject({
  type: z.enum(['Pods', 'Percent'], { error: 'must be Pods or Percent' }),
  value: intLike({ min: 1, description: 'Pods to add/remove, or percent of the replicas at period start.' }),
  periodSeconds: intLike({ min: 1, max: 1800, description: 'Window the change is counted over (1–1800).' }),
})

export type ScalingPolicy = z.output<typeof scalingPolicy>

export type SelectPolicy = 'Max' | 'Min' | 'Disabled'

export interface ScalingRules {
  stabilizationWindowSeconds: number
  selectPolicy: SelectPolicy
  policies: ScalingPolicy[]
  /** Relative change of the desired count below which nothing happens (HPA default 0.1). */
  tolerance: number
}

/** kube-controller-manager defaults (spec §3.1). */
export const DEFAULT_SCALE_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
  tolerance: 0.1,
}

export const DEFAULT_SCALE_DOWN: ScalingRules = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  tolerance: 0.1,
}

function rules(defaults: ScalingRules, direction: string) {
  return z
    .strictObject({
      stabilizationWindowSeconds: intLike({
        min: 0,
        max: 3600,
        description: `Seconds of recommendations considered before scaling ${direction}. Default: ${defaults.stabilizationWindowSeconds}.`,
      }).optional(),
      selectPolicy: z
        .enum(['Max', 'Min', 'Disabled'], { error: 'must be Max, Min or Disabled' })
        .optional()
        .meta({
          description: 'Max: the policy allowing the biggest change; Min: the smallest. Default: Max.',
        }),
      policies: z
        .array(scalingPolicy, { error: 'must be a list of policies' })
        .min(1, { error: 'needs at least one policy (or omit it for the defaults)' })
        .optional(),
      tolerance: numberLike({
        min: 0,
        description: `Relative change ignored (HPA tolerance). Default: ${defaults.tolerance}.`,
      }).optional(),
    })
    .default({})
    .transform(
      (given): ScalingRules => ({
        stabilizationWindowSeconds: given.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
        selectPolicy: given.selectPolicy ?? defaults.selectPolicy,
        policies: given.policies ?? defaults.policies.map((p) => ({ ...p })),
        tolerance: given.tolerance ?? defaults.tolerance,
      }),
    )
}

export const behavior = z
  .strictObject({
    scaleUp: rules(DEFAULT_SCALE_UP, 'up'),
    scaleDown: rules(DEFAULT_SCALE_DOWN, 'down'),
  })
  .default(() => structuredClone({ scaleUp: DEFAULT_SCALE_UP, scaleDown: DEFAULT_SCALE_DOWN }))
  .meta({ description: 'HPA behavior: scale-up fast, scale-down stabilised. Defaults are the HPA defaults.' })

export type BehaviorConfig = z.output<typeof behavior>
