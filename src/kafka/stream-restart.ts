// Hand-written (not in @platformatic/kafka 2.12): a consumer keeps reading when its fetch stream breaks on a
// transient failure. The library destroys the whole stream once a fetch to one broker failed after its retries,
// and a fetch for partitions whose frozen leader's partitions moved to two brokers keeps going to the frozen one
// (it falls back to the node it first chose). So the healthy partitions would stop too. Here the consumer port
// opens a new stream (the library's consume() again: it rejoins the group and resumes from the committed
// offsets, so records handled but not committed may be handed out again, never skipped). Only the opening is
// retried with backoff within retryTimeoutMs (backoff.ts); a stream that breaks again later is reopened again.
import { retryWithBackoff } from './backoff.ts'
import { isTransient, outerRetry, type ResolvedRetry } from './client-retry.ts'

export interface RestartingRead<S> {
  first: S
  /** Reads `stream` to its end: resolves null when it ended, else the error that broke it. Handler errors reject. */
  drain: (stream: S) => Promise<unknown>
  /** A new stream of the same subscription. */
  reopen: () => Promise<S>
  /** The stream now read (for close()). */
  onStream: (stream: S) => void
  closeStream: (stream: S) => Promise<void>
  retry: ResolvedRetry
  /** Aborted when the consumer closes: reading ends quietly. */
  signal: AbortSignal
  /** Told of every restart, with the error that broke the stream. */
  onRestart?: (error: unknown) => void
}

/**
 * Reads stream after stream until one ends (or the signal aborts). Rejects with the error that ended reading: a
 * handler error, a stream error that is not transient, or the last failure to reopen once the budget is spent.
 */
export async function readWithRestarts<S>(read: RestartingRead<S>): Promise<void> {
  let stream = read.first
  for (;;) {
    const broken = await read.drain(stream)
    if (broken === null || read.signal.aborted) return
    if (!isTransient(broken)) throw broken
    read.onRestart?.(broken)
    try {
      stream = await retryWithBackoff(() => read.reopen(), outerRetry(read.retry, read.signal))
    } catch (error) {
      if (read.signal.aborted) return
      throw error
    }
    if (read.signal.aborted) {
      await read.closeStream(stream).catch(() => {})
      return
    }
    read.onStream(stream)
  }
}
