// The journal: a durable, append-only record of every decision, action and event, plus a small key-value
// store for state that must survive a restart (a scaler's stabilization windows). The daemon and the
// self-healing actions write through this interface; `autopilot decisions` and the API read through it.
// sqlite-journal.ts is the embedded implementation.

export const JOURNAL_KINDS = ['decision', 'action', 'event'] as const
export type JournalKind = (typeof JOURNAL_KINDS)[number]

export interface JournalEntryInput {
  /** ms since epoch */
  at: number
  kind: JournalKind
  /** The scaler (or, for self-healing, the rule) the entry belongs to; null for daemon-wide events. */
  scaler?: string | null
  /** The thing acted on, as the target names itself: `process orders`, `Deployment shop/orders`. */
  target?: string | null
  /** A stable code: a scaling reason (src/analyzer/scaling/reasons.ts) or an event code. */
  reason: string
  /** One line for a human. */
  message: string
  /** The data the entry was based on (JSON-serialisable). */
  inputs?: unknown
  /** decisions: hold | scale | follower | dry-run; actions: applied | noop | dry-run | skipped | failed | aborted. */
  outcome?: string | null
}

export interface JournalEntry {
  /** Increasing with time of writing; use it to page (`before`). */
  id: number
  at: number
  kind: JournalKind
  scaler: string | null
  target: string | null
  reason: string
  message: string
  inputs: unknown
  outcome: string | null
}

export interface JournalQuery {
  scaler?: string
  kind?: JournalKind
  /** Only entries with an id below this (the next page of a newest-first listing). */
  before?: number
  /** Only entries at or after this time (ms). */
  since?: number
  /** Default 100. */
  limit?: number
}

/**
 * Contract:
 * - `append` is durable when it returns (the entry survives a crash of the process) and returns the entry with
 *   its id. Entries are never changed afterwards; retention deletes the oldest.
 * - `list` returns entries newest first. It never throws for an empty or unknown filter.
 * - `saveState`/`loadState` keep the latest JSON value per key; `append` and `saveState` given together to
 *   `transaction` are written atomically.
 * - Calls are synchronous and must not be made after `close`.
 */
export interface Journal {
  append(entry: JournalEntryInput): JournalEntry
  list(query?: JournalQuery): JournalEntry[]
  saveState(key: string, value: unknown, at: number): void
  loadState(key: string): { value: unknown; at: number } | undefined
  /** Runs `work` as one atomic write. */
  transaction<T>(work: () => T): T
  /** Applies retention now; returns the entries deleted. */
  prune(): number
  close(): void
}
