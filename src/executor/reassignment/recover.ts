// After a restart (or from another process): rebuild the in-flight work from Kafka itself — ongoing reassignments
// and throttle keys (see scope.ts for which ones count as ours) — and either let the reassignments finish and
// then clear the throttles (mode 'complete', what kafka-reassign-partitions --verify does), or revert them first
// (mode 'cancel'). Nothing found: nothing is journaled and `execution` is null.
import { AutopilotError } from '../../errors.ts'
import type { KafkaAdminPort, TopicPartition } from '../../kafka/port.ts'
import { summary } from './events.ts'
import { handleOf, type ReassignmentExecution } from './execute.ts'
import { movesFromOngoing } from './moves.ts'
import type { Ongoing } from './observe.ts'
import { type CommonOptions, commonSettings } from './options.ts'
import { track } from './progress.ts'
import { Run } from './runner.ts'
import { findWork, type Scope } from './scope.ts'
import { describe, isEmpty, type ThrottleConfigs } from './throttles.ts'

export interface RecoverOptions extends CommonOptions {
  /** 'complete' (default): wait for the ongoing reassignments, then clear throttles; 'cancel': revert them first. */
  mode?: 'complete' | 'cancel'
  /** Limit to these partitions and brokers; default: everything in the cluster (see scope.ts). */
  scope?: Scope
}

export interface Recovery {
  found: { reassignments: Ongoing[]; throttles: ThrottleConfigs }
  /** null when there was nothing to do. */
  execution: ReassignmentExecution | null
}

function checkScope(scope: unknown): Scope | undefined {
  if (scope === undefined) return undefined
  const s = scope as { partitions?: unknown; brokers?: unknown }
  const okPartition = (p: unknown) =>
    typeof (p as TopicPartition)?.topic === 'string' &&
    Number.isInteger((p as TopicPartition).partition) &&
    (p as TopicPartition).partition >= 0
  if (!Array.isArray(s?.partitions) || !s.partitions.every(okPartition)) {
    throw new AutopilotError('AP_ERR_INPUT', 'scope.partitions must be a list of {topic, partition}', {
      field: 'scope.partitions',
    })
  }
  if (s.brokers !== undefined && !(Array.isArray(s.brokers) && s.brokers.every((b) => Number.isInteger(b)))) {
    throw new AutopilotError('AP_ERR_INPUT', 'scope.brokers must be a list of broker ids', {
      field: 'scope.brokers',
    })
  }
  return s as Scope
}

export async function recover(port: KafkaAdminPort, options: RecoverOptions = {}): Promise<Recovery> {
  const settings = commonSettings(options)
  const mode = options.mode ?? 'complete'
  if (mode !== 'complete' && mode !== 'cancel') {
    throw new AutopilotError('AP_ERR_INPUT', "mode must be 'complete' or 'cancel'", { field: 'mode' })
  }
  const found = await findWork(port, checkScope(options.scope))
  const result: Recovery['found'] = { reassignments: found.ongoing, throttles: found.throttles }
  if (found.ongoing.length === 0 && isEmpty(found.throttles)) return { found: result, execution: null }
  const moves = movesFromOngoing(found.ongoing)
  const tracked = moves.map((m) => ({ ...track(m), state: 'in-flight' as const }))
  const what =
    `${found.ongoing.length} reassignments in flight, throttles on ` +
    `${found.throttles.brokers.length} brokers and ${found.throttles.topics.length} topics`
  const run = new Run({
    port,
    settings,
    limits: { maxMoves: Number.MAX_SAFE_INTEGER, maxMovesPerBroker: Number.MAX_SAFE_INTEGER },
    tracked,
    throttlesToSet: null,
    throttlesFound: found.throttles,
    cancel: mode === 'cancel',
    planned: {
      message: `${mode === 'cancel' ? 'cancel' : 'recover'}: ${what}`,
      mode: mode === 'cancel' ? 'cancel' : 'recover',
      moves: moves.map(summary),
      limits: null,
      throttleBytesPerSec: null,
      bytes: null,
      throttlesFound: describe(found.throttles),
    },
  })
  return { found: result, execution: handleOf(run) }
}

/** Reverts the ongoing reassignments (all, or those of `scope`) and clears throttles: recover in 'cancel' mode. */
export function cancel(port: KafkaAdminPort, options: Omit<RecoverOptions, 'mode'> = {}): Promise<Recovery> {
  return recover(port, { ...options, mode: 'cancel' })
}
