import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import type { JournalEntryInput } from '../../src/journal/journal.ts'
import { SCHEMA_VERSION, SqliteJournal } from '../../src/journal/sqlite-journal.ts'

const T0 = 1_700_000_000_000
const DAY = 86_400_000

let dir: string
const opened: SqliteJournal[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-journal-'))
})
afterEach(() => {
  for (const j of opened.splice(0)) j.close()
  rmSync(dir, { recursive: true, force: true })
})

function journal(options: Partial<ConstructorParameters<typeof SqliteJournal>[0]> = {}): SqliteJournal {
  const j = new SqliteJournal({ path: join(dir, 'sub', 'journal.db'), ...options })
  opened.push(j)
  return j
}

const decision = (at: number, scaler: string, extra: Partial<JournalEntryInput> = {}): JournalEntryInput => ({
  at,
  kind: 'decision',
  scaler,
  target: `process ${scaler}`,
  reason: 'DesiredWithinRange',
  message: `${scaler} at ${at}`,
  inputs: { current: 1, desired: 2, lag: { totalLag: 30 } },
  outcome: 'scale',
  ...extra,
})

function errorOf(work: () => unknown): AutopilotError {
  try {
    work()
  } catch (err) {
    if (AutopilotError.is(err)) return err
    throw err
  }
  throw new Error('expected an AutopilotError')
}

describe('SqliteJournal', () => {
  it('keeps entries and state across a close and reopen (creating the folder)', () => {
    const first = journal({ now: () => T0 })
    const written = first.append(decision(T0, 'orders'))
    first.saveState('scaler:orders', { since: T0, recommendations: [{ at: T0, replicas: 3 }] }, T0)
    first.close()

    const again = journal({ now: () => T0 })
    expect(again.list()).toEqual([written])
    expect(written.inputs).toEqual({ current: 1, desired: 2, lag: { totalLag: 30 } })
    expect(again.loadState('scaler:orders')).toEqual({
      value: { since: T0, recommendations: [{ at: T0, replicas: 3 }] },
      at: T0,
    })
    expect(again.loadState('scaler:other')).toBeUndefined()
  })

  it('uses WAL and records its schema version', () => {
    journal().close()
    const db = new DatabaseSync(join(dir, 'sub', 'journal.db'))
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION })
    db.close()
  })

  it('lists newest first, filtered by scaler, kind, time and id, with a limit', () => {
    const j = journal({ now: () => T0 })
    const ids = [
      j.append(decision(T0, 'a')).id,
      j.append(decision(T0 + 1, 'b')).id,
      j.append({ ...decision(T0 + 2, 'a'), kind: 'action', outcome: 'applied' }).id,
      j.append({ at: T0 + 3, kind: 'event', reason: 'Started', message: 'daemon started' }).id,
    ]
    const rows = [
      { name: 'everything', query: {}, want: [ids[3], ids[2], ids[1], ids[0]] },
      { name: 'one scaler', query: { scaler: 'a' }, want: [ids[2], ids[0]] },
      { name: 'one kind', query: { kind: 'action' as const }, want: [ids[2]] },
      { name: 'a page before an id', query: { before: ids[2] }, want: [ids[1], ids[0]] },
      { name: 'since a time', query: { since: T0 + 2 }, want: [ids[3], ids[2]] },
      { name: 'a limit', query: { limit: 1 }, want: [ids[3]] },
      { name: 'an unknown scaler', query: { scaler: 'zzz' }, want: [] },
    ]
    for (const row of rows)
      expect(
        j.list(row.query).map((e) => e.id),
        row.name,
      ).toEqual(row.want)
    expect(j.list({ kind: 'event' })[0]).toMatchObject({
      scaler: null,
      target: null,
      inputs: null,
      outcome: null,
    })
  })

  it('deletes entries older than retentionDays, on open and on prune', () => {
    let now = T0
    const j = journal({ retentionDays: 2, now: () => now })
    j.append(decision(T0 - 3 * DAY, 'old'))
    j.append(decision(T0 - DAY, 'recent'))
    expect(j.prune()).toBe(1)
    expect(j.list().map((e) => e.scaler)).toEqual(['recent'])
    j.close()
    now = T0 + 2 * DAY
    expect(journal({ retentionDays: 2, now: () => now }).list()).toEqual([])
  })

  it('keeps at most maxEntries, deleting the oldest', () => {
    const j = journal({ maxEntries: 100, now: () => T0 })
    for (let i = 0; i < 130; i++) j.append(decision(T0 + i, `s${i}`))
    expect(j.prune()).toBe(30)
    const left = j.list({ limit: 1000 })
    expect(left).toHaveLength(100)
    expect(left.at(-1)?.scaler).toBe('s30')
  })

  it('writes a transaction atomically: an error inside rolls every write back', () => {
    const j = journal()
    expect(() =>
      j.transaction(() => {
        j.append(decision(T0, 'a'))
        j.saveState('k', 1, T0)
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(j.list()).toEqual([])
    expect(j.loadState('k')).toBeUndefined()
    j.transaction(() => {
      j.append(decision(T0, 'a'))
      j.saveState('k', 2, T0)
    })
    expect(j.list()).toHaveLength(1)
    expect(j.loadState('k')?.value).toBe(2)
  })

  it('a read-only reader sees what a running writer appends', () => {
    const writer = journal()
    writer.append(decision(T0, 'a'))
    const reader = journal({ readOnly: true })
    expect(reader.list()).toHaveLength(1)
    writer.append(decision(T0 + 1, 'b'))
    expect(reader.list().map((e) => e.scaler)).toEqual(['b', 'a'])
    expect(errorOf(() => reader.append(decision(T0, 'c'))).code).toBe('AP_ERR_INTERNAL')
  })

  it('a read-only reader opens a journal whose writer has exited', () => {
    const writer = journal()
    writer.append(decision(T0, 'a'))
    writer.close()
    expect(
      journal({ readOnly: true })
        .list()
        .map((e) => e.scaler),
    ).toEqual(['a'])
  })

  const refusals = [
    {
      name: 'a read-only open of a missing file',
      setup: () => undefined,
      open: () => journal({ readOnly: true }),
      code: 'AP_ERR_NOT_FOUND',
      field: 'journal.path',
    },
    {
      name: 'a file with a newer schema version',
      setup: () => {
        journal().close()
        const db = new DatabaseSync(join(dir, 'sub', 'journal.db'))
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
        db.close()
      },
      open: () => journal(),
      code: 'AP_ERR_CONFIG',
      field: 'journal.path',
    },
    {
      name: 'a path inside a regular file',
      setup: () => new DatabaseSync(join(dir, 'sub-file')).close(),
      open: () => new SqliteJournal({ path: join(dir, 'sub-file', 'journal.db') }),
      code: 'AP_ERR_CONFIG',
      field: 'journal.path',
    },
  ]
  for (const row of refusals) {
    it(`refuses ${row.name} with a clear error`, () => {
      row.setup()
      const err = errorOf(row.open)
      expect(err.code).toBe(row.code)
      expect(err.field).toBe(row.field)
    })
  }

  it('rejects an unknown kind and any use after close', () => {
    const j = journal()
    expect(errorOf(() => j.append({ ...decision(T0, 'a'), kind: 'bogus' as 'event' })).field).toBe('kind')
    j.close()
    expect(errorOf(() => j.list()).code).toBe('AP_ERR_INTERNAL')
  })
})
