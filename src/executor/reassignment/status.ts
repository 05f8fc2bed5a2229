// status: a read-only view of reassignment work in Kafka (for `autopilot rebalance status` from any process):
// ongoing reassignments with their original and target replicas, throttle keys in scope, and, given a plan, how
// far each of its partitions is (verify()).
import type { KafkaAdminPort } from '../../kafka/port.ts'
import { movesFromOngoing } from './moves.ts'
import { parsePlan } from './plan-input.ts'
import { findWork, type Scope } from './scope.ts'
import { describe } from './throttles.ts'
import type { Move } from './types.ts'
import { type Verification, verify } from './verify.ts'

export interface ReassignmentStatus {
  /** Ongoing reassignments as moves: from (original), to (target), adding, removing. */
  ongoing: Move[]
  /** Throttle keys set, per resource (`broker 1`, `topic t`). */
  throttles: Record<string, Record<string, string>>
  /** Only when a plan was given. */
  verification: Verification | null
}

export async function status(
  port: KafkaAdminPort,
  options: { plan?: unknown; scope?: Scope } = {},
): Promise<ReassignmentStatus> {
  const plan = options.plan === undefined ? null : parsePlan(options.plan)
  const scope =
    options.scope ??
    (plan
      ? { partitions: plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition })) }
      : undefined)
  const found = await findWork(port, scope)
  return {
    ongoing: movesFromOngoing(found.ongoing),
    throttles: describe(found.throttles),
    verification: plan ? verify(plan, found.metadata, found.ongoing) : null,
  }
}
