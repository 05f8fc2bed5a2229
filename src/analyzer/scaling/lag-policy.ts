// The KEDA-compatible policy: lagThreshold is the lag one replica should carry, so the group needs
// totalLag / lagThreshold replicas (KEDA reports the lag as an AverageValue metric with lagThreshold as the
// target, and the HPA computes ceil(metric / target), spec §1.4). Rounding, the partition cap and even
// distribution are applied afterwards, the same way for every policy (partition-cap.ts).
import type { LagFigures, PolicyResult } from './types.ts'

export function lagPolicy(lag: LagFigures, lagThreshold: number): Extract<PolicyResult, { type: 'lag' }> {
  return { type: 'lag', replicas: lag.totalLag / lagThreshold, lagThreshold }
}

export function describeLagPolicy(result: Extract<PolicyResult, { type: 'lag' }>, lag: LagFigures): string {
  return `lag ${lag.totalLag} / lagThreshold ${result.lagThreshold} = ${round2(result.replicas)} replicas`
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100
}
