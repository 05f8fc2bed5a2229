// What the executor tells the journal: one event per step, through a callback the caller injects (the daemon
// writes them to src/journal; tests collect them). The executor awaits the callback, so a durable journal has the
// event before the step after it starts. A callback that throws does not stop the work (the cluster must not be
// left half-way because a disk is full); the error is counted in the result's warnings.
import type { JournalEntryInput } from '../../journal/journal.ts'
import type { TopicPartition } from '../../kafka/port.ts'
import type { ElectionSummary, ExecutionError, Limits, MoveKind, Outcome, ProgressCounts } from './types.ts'

export interface MoveSummary extends TopicPartition {
  from: number[]
  to: number[]
  kind: MoveKind
}

interface Base {
  at: number
  executionId: string
  /** One line for a human. */
  message: string
}

export type ReassignmentEvent =
  | (Base & {
      kind: 'planned'
      /** execute: a plan; recover: work found in Kafka after a restart; cancel: the standalone cancel. */
      mode: 'execute' | 'recover' | 'cancel'
      moves: MoveSummary[]
      limits: Limits | null
      throttleBytesPerSec: number | null
      /** Bytes to copy when every moving partition has a size. */
      bytes: number | null
      /** recover/cancel: the throttle keys found in Kafka (they are cleared at the end). */
      throttlesFound?: Record<string, Record<string, string>>
    })
  | (Base & {
      kind: 'throttles-set'
      configs: Record<string, Record<string, string>>
      /** Involved brokers that are not live: no rate could be set there. */
      notLive: number[]
      /** Whether a DescribeConfigs read-back showed every value before the first submission. */
      readBack: 'confirmed' | 'unconfirmed'
      /** With existingThrottles 'replace': the values overwritten. */
      replaced?: Record<string, Record<string, string>>
    })
  | (Base & { kind: 'started'; batch: number; moves: MoveSummary[] })
  | (Base & {
      kind: 'progress'
      done: TopicPartition[]
      counts: ProgressCounts
      bytes: { total: number; copied: number } | null
      etaMs: number | null
    })
  | (Base & {
      kind: 'verified'
      partitions: TopicPartition[]
      election: ElectionSummary | null
    })
  | (Base & {
      kind: 'failed'
      error: ExecutionError
      /** null when the failure does not end the run (a failed leader election after every move is done). */
      outcome: Outcome | null
      counts: ProgressCounts
      rejected?: Array<TopicPartition & { error: string }>
      reverted?: TopicPartition[]
    })
  | (Base & {
      kind: 'cancelled'
      reason: 'requested' | 'aborted' | 'external'
      outcome: Outcome
      reverted: TopicPartition[]
      completed: TopicPartition[]
      notStarted: TopicPartition[]
      diverged: TopicPartition[]
    })
  | (Base & {
      kind: 'throttles-cleared'
      /** Keys deleted, per resource (`broker 1`, `topic t`). */
      deleted: Record<string, string[]>
      /** Whether a read-back showed them gone; `remaining` lists what still reads as set (e.g. a cluster default). */
      readBack: 'confirmed' | 'unconfirmed'
      remaining: string[]
    })

export type ReassignmentEventKind = ReassignmentEvent['kind']

/** The callback the executor reports through. */
export type ReassignmentJournal = (event: ReassignmentEvent) => void | Promise<void>

export function summary(m: {
  topic: string
  partition: number
  from: number[]
  to: number[]
  kind: MoveKind
}) {
  return { topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to], kind: m.kind }
}

const ACTIONS = new Set<ReassignmentEventKind>(['throttles-set', 'started', 'cancelled', 'throttles-cleared'])

/** The event as a src/journal entry: actions for changes made to the cluster, events for observations. */
export function toJournalEntry(event: ReassignmentEvent, scaler: string | null = null): JournalEntryInput {
  const { at, message, kind } = event
  const outcome =
    kind === 'failed' ? 'failed' : kind === 'cancelled' ? 'aborted' : ACTIONS.has(kind) ? 'applied' : null
  return {
    at,
    kind: kind === 'planned' ? 'decision' : ACTIONS.has(kind) ? 'action' : 'event',
    scaler,
    target: `reassignment ${event.executionId}`,
    reason: `reassignment-${kind}`,
    message,
    inputs: event,
    outcome,
  }
}
