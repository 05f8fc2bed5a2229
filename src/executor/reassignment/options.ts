// Options of executePlan / recover / cancel, their defaults and their validation (a bad value is an AP_ERR_INPUT
// naming the option). Every wait is bounded: polling interval, overall timeout, read-backs, retries.
import { randomBytes } from 'node:crypto'
import { AutopilotError } from '../../errors.ts'
import { type Clock, systemClock } from '../leader-election.ts'
import { DEFAULT_LIMITS } from './batching.ts'
import type { ReassignmentJournal } from './events.ts'
import type { Limits } from './types.ts'

export interface CommonOptions {
  /** Receives every step (see events.ts). */
  journal?: ReassignmentJournal
  /** How often Kafka is asked for progress, ms (default 2000). */
  pollIntervalMs?: number
  /** The whole run, ms (default 6 h). When it passes, in-flight moves are reverted (cancelled in Kafka). */
  timeoutMs?: number
  /** Aborting cancels: in-flight moves are reverted and throttles cleared. */
  signal?: AbortSignal
  /** Read-back of throttle configs after setting or clearing them, ms (default 10000). */
  readBackMs?: number
  /** Consecutive failed polls (Kafka unreachable) before the run fails (default 5). */
  maxPollErrors?: number
  /** Attempts per resource to clear throttles and per revert (default 5). */
  cleanupAttempts?: number
  /** Elect preferred leaders of the completed moves at the end (default true). */
  electLeaders?: boolean
  /** Track copied bytes with DescribeLogDirs for the progress (default true). */
  trackBytes?: boolean
  clock?: Clock
  /** Defaults to a random `ra-…` id. */
  executionId?: string
}

export interface ExecuteOptions extends CommonOptions, Partial<Limits> {
  /**
   * Replication throttle in bytes/s for each involved broker, leader and follower side (default 10 MiB/s);
   * null moves unthrottled.
   */
  throttleBytesPerSec?: number | null
  /**
   * Throttle keys already set on an involved broker or topic: 'fail' (default) refuses to start, since they are
   * either left from a crashed run (run recover first) or set by hand; 'replace' overwrites them and, like every
   * key this run sets, deletes them at the end.
   */
  existingThrottles?: 'fail' | 'replace'
}

export interface Settings {
  journal: ReassignmentJournal
  pollIntervalMs: number
  timeoutMs: number
  signal: AbortSignal | undefined
  readBackMs: number
  maxPollErrors: number
  cleanupAttempts: number
  electLeaders: boolean
  trackBytes: boolean
  clock: Clock
  executionId: string
}

export interface ExecuteSettings extends Settings {
  limits: Limits
  throttleBytesPerSec: number | null
  existingThrottles: 'fail' | 'replace'
}

export const DEFAULT_THROTTLE_BYTES_PER_SEC = 10 * 1024 * 1024

function positiveInt(value: unknown, field: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new AutopilotError('AP_ERR_INPUT', `${field} must be an integer ≥ ${min} (got ${String(value)})`, {
      field,
    })
  }
  return value
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') {
    throw new AutopilotError('AP_ERR_INPUT', `${field} must be true or false`, { field })
  }
  return value
}

export function newExecutionId(): string {
  return `ra-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

export function commonSettings(options: CommonOptions = {}): Settings {
  if (options.journal !== undefined && typeof options.journal !== 'function') {
    throw new AutopilotError('AP_ERR_INPUT', 'journal must be a function', { field: 'journal' })
  }
  return {
    journal: options.journal ?? (() => {}),
    pollIntervalMs: positiveInt(options.pollIntervalMs, 'pollIntervalMs', 2_000, 10),
    timeoutMs: positiveInt(options.timeoutMs, 'timeoutMs', 6 * 3_600_000),
    signal: options.signal,
    readBackMs: positiveInt(options.readBackMs, 'readBackMs', 10_000, 0),
    maxPollErrors: positiveInt(options.maxPollErrors, 'maxPollErrors', 5),
    cleanupAttempts: positiveInt(options.cleanupAttempts, 'cleanupAttempts', 5),
    electLeaders: bool(options.electLeaders, 'electLeaders', true),
    trackBytes: bool(options.trackBytes, 'trackBytes', true),
    clock: options.clock ?? systemClock,
    executionId: options.executionId ?? newExecutionId(),
  }
}

export function executeSettings(options: ExecuteOptions = {}): ExecuteSettings {
  const rate = options.throttleBytesPerSec
  if (
    rate !== undefined &&
    rate !== null &&
    (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1)
  ) {
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `throttleBytesPerSec must be a whole number of bytes per second ≥ 1, or null for no throttle (got ${String(rate)})`,
      { field: 'throttleBytesPerSec' },
    )
  }
  const existing = options.existingThrottles ?? 'fail'
  if (existing !== 'fail' && existing !== 'replace') {
    throw new AutopilotError('AP_ERR_INPUT', "existingThrottles must be 'fail' or 'replace'", {
      field: 'existingThrottles',
    })
  }
  return {
    ...commonSettings(options),
    limits: {
      maxMovesPerBroker: positiveInt(
        options.maxMovesPerBroker,
        'maxMovesPerBroker',
        DEFAULT_LIMITS.maxMovesPerBroker,
      ),
      maxMoves: positiveInt(options.maxMoves, 'maxMoves', DEFAULT_LIMITS.maxMoves),
    },
    throttleBytesPerSec: rate === undefined ? DEFAULT_THROTTLE_BYTES_PER_SEC : rate,
    existingThrottles: existing,
  }
}
