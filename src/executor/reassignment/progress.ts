// Pure: a progress snapshot from the tracked moves, with an ETA from the rate so far. With sizes for every copy
// move the rate is bytes copied per ms since the first submission (copied = the adding replicas' sizes from
// DescribeLogDirs, capped at the partition size); otherwise it is moves finished per ms. No ETA before anything
// has been copied or finished.
import type {
  ExecutionState,
  Move,
  MoveProgress,
  MoveState,
  ProgressCounts,
  ProgressSnapshot,
} from './types.ts'

export interface Tracked {
  move: Move
  state: MoveState
  /** Bytes copied so far to the adding replicas (in-flight copy moves; null when unknown). */
  copied: number | null
  error?: string
  /** Consecutive polls that found the partition neither reassigning nor at its target. */
  strayPolls: number
}

export function track(move: Move): Tracked {
  return { move, state: move.kind === 'noop' ? 'done' : 'pending', copied: null, strayPolls: 0 }
}

function bytesOf(t: Tracked): { total: number; copied: number } | null {
  const { move } = t
  if (move.kind !== 'copy' || move.sizeBytes === null)
    return move.kind === 'copy' ? null : { total: 0, copied: 0 }
  const total = move.sizeBytes * move.adding.length
  const copied = t.state === 'done' ? total : t.state === 'in-flight' ? Math.min(total, t.copied ?? 0) : 0
  return { total, copied }
}

export function counts(tracked: readonly Tracked[]): ProgressCounts {
  const c: ProgressCounts = { total: tracked.length, pending: 0, inFlight: 0, done: 0, notMoved: 0 }
  for (const t of tracked) {
    if (t.state === 'pending') c.pending++
    else if (t.state === 'in-flight') c.inFlight++
    else if (t.state === 'done') c.done++
    else c.notMoved++
  }
  return c
}

/** ms left, or null when the rate is not known yet. */
export function estimateEta(
  tracked: readonly Tracked[],
  bytes: { total: number; copied: number } | null,
  elapsedMs: number,
): number | null {
  if (elapsedMs <= 0) return null
  if (bytes && bytes.total > 0) {
    if (bytes.copied <= 0) return null
    return Math.max(0, Math.round((elapsedMs * (bytes.total - bytes.copied)) / bytes.copied))
  }
  const work = tracked.filter((t) => t.move.kind !== 'noop')
  const finished = work.filter((t) => t.state === 'done').length
  const left = work.filter((t) => t.state === 'pending' || t.state === 'in-flight').length
  if (left === 0) return 0
  if (finished === 0) return null
  return Math.round((elapsedMs * left) / finished)
}

export function snapshot(input: {
  executionId: string
  state: ExecutionState
  startedAt: number
  /** First submission to Kafka; the ETA's clock starts there. */
  firstSubmitAt: number | null
  now: number
  tracked: readonly Tracked[]
}): ProgressSnapshot {
  const { tracked } = input
  const perMove = tracked.map(bytesOf)
  const bytes = perMove.every((b) => b !== null)
    ? perMove.reduce((acc, b) => ({ total: acc.total + b!.total, copied: acc.copied + b!.copied }), {
        total: 0,
        copied: 0,
      })
    : null
  const moves: MoveProgress[] = tracked.map((t, i) => ({
    topic: t.move.topic,
    partition: t.move.partition,
    from: [...t.move.from],
    to: [...t.move.to],
    kind: t.move.kind,
    state: t.state,
    bytes: perMove[i] ?? null,
    ...(t.error === undefined ? {} : { error: t.error }),
  }))
  const running = input.state === 'running' || input.state === 'cancelling'
  const etaMs =
    input.state === 'completed'
      ? 0
      : running && input.firstSubmitAt !== null
        ? estimateEta(tracked, bytes, input.now - input.firstSubmitAt)
        : null
  return {
    executionId: input.executionId,
    state: input.state,
    at: input.now,
    startedAt: input.startedAt,
    counts: counts(tracked),
    bytes,
    etaMs,
    moves,
  }
}
