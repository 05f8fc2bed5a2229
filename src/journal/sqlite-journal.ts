// The embedded journal: one SQLite file through Node's built-in node:sqlite (no dependency). WAL mode, so
// `autopilot decisions` and the API read while the daemon writes; synchronous=FULL, so an entry whose append
// returned survives a crash or power loss (a few writes per scaler per tick cost nothing at that rate).
// The schema carries a version (PRAGMA user_version) and migrates forward; a file written by a newer
// Autopilot is refused rather than misread. Retention keeps `retentionDays` and at most `maxEntries`.
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { AutopilotError, describeCause } from '../errors.ts'
import {
  JOURNAL_KINDS,
  type Journal,
  type JournalEntry,
  type JournalEntryInput,
  type JournalKind,
  type JournalQuery,
} from './journal.ts'

export const SCHEMA_VERSION = 1

/** Migrations[i] takes the schema from version i to i + 1. Append only; never edit a released one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE entries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('decision', 'action', 'event')),
     scaler TEXT,
     target TEXT,
     reason TEXT NOT NULL,
     message TEXT NOT NULL,
     inputs TEXT,
     outcome TEXT
   );
   CREATE INDEX entries_scaler ON entries (scaler, id);
   CREATE INDEX entries_at ON entries (at);
   CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL, at INTEGER NOT NULL);`,
]

export const DEFAULT_LIST_LIMIT = 100
export const MAX_LIST_LIMIT = 10_000
/** Retention runs on open and then once per this many appends. */
const PRUNE_EVERY = 500

export interface SqliteJournalOptions {
  /** File path, or ':memory:' (tests). */
  path: string
  retentionDays?: number
  maxEntries?: number
  /** Open an existing file for reading only (`autopilot decisions`); no migration, no retention. */
  readOnly?: boolean
  now?: () => number
}

interface Row {
  id: number
  at: number
  kind: string
  scaler: string | null
  target: string | null
  reason: string
  message: string
  inputs: string | null
  outcome: string | null
}

export class SqliteJournal implements Journal {
  readonly path: string
  readonly #db: DatabaseSync
  readonly #retentionMs: number
  readonly #maxEntries: number
  readonly #now: () => number
  readonly #readOnly: boolean
  #appends = 0
  #insert: StatementSync | undefined
  #closed = false

  constructor(options: SqliteJournalOptions) {
    this.path = options.path
    this.#retentionMs = (options.retentionDays ?? 14) * 86_400_000
    this.#maxEntries = options.maxEntries ?? 200_000
    this.#now = options.now ?? Date.now
    this.#readOnly = options.readOnly ?? false
    this.#db = open(options)
    try {
      if (!this.#readOnly) {
        migrate(this.#db, options.path)
        this.prune()
      } else checkVersion(this.#db, options.path)
    } catch (err) {
      this.#db.close()
      throw err
    }
  }

  append(entry: JournalEntryInput): JournalEntry {
    this.#writable()
    if (!(JOURNAL_KINDS as readonly string[]).includes(entry.kind)) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `journal entry kind must be one of ${JOURNAL_KINDS.join(', ')}`,
        {
          field: 'kind',
        },
      )
    }
    this.#insert ??= this.#db.prepare(
      `INSERT INTO entries (at, kind, scaler, target, reason, message, inputs, outcome)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const inputs = entry.inputs === undefined ? null : JSON.stringify(entry.inputs)
    const result = this.#insert.run(
      Math.round(entry.at),
      entry.kind,
      entry.scaler ?? null,
      entry.target ?? null,
      entry.reason,
      entry.message,
      inputs,
      entry.outcome ?? null,
    )
    if (++this.#appends % PRUNE_EVERY === 0) this.prune()
    return {
      id: Number(result.lastInsertRowid),
      at: Math.round(entry.at),
      kind: entry.kind,
      scaler: entry.scaler ?? null,
      target: entry.target ?? null,
      reason: entry.reason,
      message: entry.message,
      inputs: inputs === null ? null : JSON.parse(inputs),
      outcome: entry.outcome ?? null,
    }
  }

  list(query: JournalQuery = {}): JournalEntry[] {
    this.#open()
    const where: string[] = []
    const params: SQLInputValue[] = []
    if (query.scaler !== undefined) {
      where.push('scaler = ?')
      params.push(query.scaler)
    }
    if (query.kind !== undefined) {
      where.push('kind = ?')
      params.push(query.kind)
    }
    if (query.before !== undefined) {
      where.push('id < ?')
      params.push(query.before)
    }
    if (query.since !== undefined) {
      where.push('at >= ?')
      params.push(query.since)
    }
    const limit = Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)))
    const sql = `SELECT id, at, kind, scaler, target, reason, message, inputs, outcome FROM entries
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`
    return (this.#db.prepare(sql).all(...params) as unknown as Row[]).map(toEntry)
  }

  saveState(key: string, value: unknown, at: number): void {
    this.#writable()
    this.#db
      .prepare(
        `INSERT INTO state (key, value, at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at`,
      )
      .run(key, JSON.stringify(value), Math.round(at))
  }

  loadState(key: string): { value: unknown; at: number } | undefined {
    this.#open()
    const row = this.#db.prepare('SELECT value, at FROM state WHERE key = ?').get(key) as
      | { value: string; at: number }
      | undefined
    if (row === undefined) return undefined
    try {
      return { value: JSON.parse(row.value), at: row.at }
    } catch {
      return undefined
    }
  }

  transaction<T>(work: () => T): T {
    this.#writable()
    this.#db.exec('BEGIN IMMEDIATE')
    try {
      const out = work()
      this.#db.exec('COMMIT')
      return out
    } catch (err) {
      this.#db.exec('ROLLBACK')
      throw err
    }
  }

  prune(): number {
    this.#writable()
    const cutoff = this.#now() - this.#retentionMs
    let deleted = Number(this.#db.prepare('DELETE FROM entries WHERE at < ?').run(cutoff).changes)
    const keepFrom = this.#db
      .prepare('SELECT id FROM entries ORDER BY id DESC LIMIT 1 OFFSET ?')
      .get(this.#maxEntries - 1) as { id: number } | undefined
    if (keepFrom !== undefined) {
      deleted += Number(this.#db.prepare('DELETE FROM entries WHERE id < ?').run(keepFrom.id).changes)
    }
    return deleted
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#db.close()
  }

  #open(): void {
    if (this.#closed) throw new AutopilotError('AP_ERR_INTERNAL', `journal ${this.path} is closed`)
  }

  #writable(): void {
    this.#open()
    if (this.#readOnly) {
      throw new AutopilotError('AP_ERR_INTERNAL', `journal ${this.path} was opened read-only`)
    }
  }
}

function open(options: SqliteJournalOptions): DatabaseSync {
  const memory = options.path === ':memory:'
  if (options.readOnly && !memory && !existsSync(options.path)) {
    throw new AutopilotError('AP_ERR_NOT_FOUND', `no journal at ${options.path}`, {
      field: 'journal.path',
      hint: 'the journal is created by `autopilot run`; pass --journal FILE or -c with the same config',
    })
  }
  try {
    if (!memory && !options.readOnly) mkdirSync(dirname(options.path), { recursive: true })
    const db = new DatabaseSync(options.path, { readOnly: options.readOnly ?? false })
    // Wait for a writer instead of failing at once with SQLITE_BUSY (the daemon and a reader share the file).
    db.exec('PRAGMA busy_timeout = 5000')
    if (!options.readOnly) {
      db.exec('PRAGMA journal_mode = WAL')
      db.exec('PRAGMA synchronous = FULL')
    }
    return db
  } catch (err) {
    throw new AutopilotError('AP_ERR_CONFIG', `cannot open journal ${options.path}: ${describeCause(err)}`, {
      field: 'journal.path',
      cause: err,
    })
  }
}

function userVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)
}

function checkVersion(db: DatabaseSync, path: string): number {
  const version = userVersion(db)
  if (version > SCHEMA_VERSION) {
    throw new AutopilotError(
      'AP_ERR_CONFIG',
      `journal ${path} has schema version ${version}, newer than this Autopilot understands (${SCHEMA_VERSION})`,
      { field: 'journal.path', hint: 'upgrade Autopilot, or point journal.path at another file' },
    )
  }
  return version
}

function migrate(db: DatabaseSync, path: string): void {
  const version = checkVersion(db, path)
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(MIGRATIONS[v]!)
      db.exec(`PRAGMA user_version = ${v + 1}`)
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw new AutopilotError('AP_ERR_INTERNAL', `journal ${path}: migration to version ${v + 1} failed`, {
        cause: err,
      })
    }
  }
}

function toEntry(row: Row): JournalEntry {
  let inputs: unknown = null
  if (row.inputs !== null) {
    try {
      inputs = JSON.parse(row.inputs)
    } catch {
      inputs = row.inputs
    }
  }
  return {
    id: Number(row.id),
    at: Number(row.at),
    kind: row.kind as JournalKind,
    scaler: row.scaler,
    target: row.target,
    reason: row.reason,
    message: row.message,
    inputs,
    outcome: row.outcome,
  }
}
