// Builders for scaling tests: a scaler config parsed through the real schema (so defaults are the real ones),
// lag views from short per-partition lists, and a tiny driver that feeds decide() a sequence of views and
// applies each decision, as the daemon will.

import { decide } from '../../../src/analyzer/scaling/decide.ts'
import { initialScalerState } from '../../../src/analyzer/scaling/state.ts'
import type { Decision, LagView, LagViewPartition, ScalerState } from '../../../src/analyzer/scaling/types.ts'
import { scaler } from '../../../src/config/scaler.ts'
import type { ScalerConfig } from '../../../src/config/schema.ts'

export const T0 = 1_700_000_000_000

export function config(
  options: { metadata?: Record<string, unknown>; [key: string]: unknown } = {},
): ScalerConfig {
  const { metadata, ...rest } = options
  return scaler.parse({
    name: 'orders',
    target: { type: 'process', command: 'node' },
    trigger: {
      type: 'kafka',
      metadata: { bootstrapServers: '127.0.0.1:9092', consumerGroup: 'g', topic: 't', ...metadata },
    },
    ...rest,
  })
}

/** HPA behaviour as KEDA's e2e tests set it: no stabilization, Percent 100 per 15 s both ways. */
export const kedaE2eBehavior = {
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
}

/** A partition spec: a lag (committed at offset 1000), or explicit fields. */
export type PartitionSpec =
  | number
  | null
  | { lag?: number | null; committed?: number | null; retained?: number | null; topic?: string }

export function partitions(specs: PartitionSpec[], topic = 't'): LagViewPartition[] {
  return specs.map((spec, partition) => {
    if (typeof spec === 'number' || spec === null) {
      return { topic, partition, committedOffset: 1000, lag: spec, retainedRecords: null }
    }
    return {
      topic: spec.topic ?? topic,
      partition,
      committedOffset: spec.committed === undefined ? 1000 : spec.committed,
      lag: spec.lag === undefined ? 0 : spec.lag,
      retainedRecords: spec.retained ?? null,
    }
  })
}

export function view(specs: PartitionSpec[], extra: Partial<LagView> = {}): LagView {
  return {
    readable: true,
    partitions: partitions(specs),
    productionRate: null,
    consumptionRate: null,
    lagSeconds: null,
    ...extra,
  }
}

/** `total` lag spread as evenly as possible over `count` partitions. */
export function spread(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0))
}

export const unreadable: LagView = {
  readable: false,
  error: 'brokers unreachable',
  partitions: [],
  productionRate: null,
  consumptionRate: null,
  lagSeconds: null,
}

/** Runs decide() tick by tick, applying every decision, like the daemon does. */
export class Driver {
  readonly config: ScalerConfig
  state: ScalerState
  current: number
  now: number
  readonly decisions: Decision[] = []

  constructor(config: ScalerConfig, current = 0, now = T0) {
    this.config = config
    this.state = initialScalerState(now)
    this.current = current
    this.now = now
  }

  /** One evaluation at the current time, then the clock moves on by `advanceSeconds`. */
  tick(v: LagView, advanceSeconds = this.config.pollingInterval): Decision {
    const { decision, nextState } = decide({
      view: v,
      current: this.current,
      state: this.state,
      config: this.config,
      now: this.now,
    })
    this.decisions.push(decision)
    this.state = nextState
    this.current = decision.desired
    this.now += advanceSeconds * 1000
    return decision
  }

  /** Evaluates the same view for `seconds`, one poll apart; returns the last decision. */
  run(v: LagView, seconds: number): Decision {
    let last: Decision | undefined
    for (let t = 0; t < seconds; t += this.config.pollingInterval) last = this.tick(v)
    if (last === undefined) throw new Error('run for at least one polling interval')
    return last
  }
}
