// `autopilot record`: writes a trace CSV from the journal of `autopilot run` (one row per decision of one
// scaler), so a real run can be replayed through the simulator (`autopilot simulate --trace … --compare`).
import { writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { traceRowsFromDecisions } from '../analyzer/simulate/record.ts'
import { formatTraceCsv } from '../analyzer/simulate/trace.ts'
import { daemonSettings } from '../config/daemon.ts'
import { loadConfig } from '../config/load.ts'
import { AutopilotError } from '../errors.ts'
import type { JournalEntry } from '../journal/journal.ts'
import { MAX_LIST_LIMIT, SqliteJournal } from '../journal/sqlite-journal.ts'

export interface RecordFlags {
  scaler: string
  config: string
  journal?: string
  out: string
  /** Only decisions at or after this time (ms). */
  since?: number
}

export interface RecordDeps {
  stdout: { write(text: string): unknown }
}

async function journalPath(flags: RecordFlags): Promise<string> {
  if (flags.journal !== undefined) return resolve(flags.journal)
  const loaded = await loadConfig(flags.config)
  const path = daemonSettings(loaded.config).journal.path
  return isAbsolute(path) ? path : resolve(dirname(resolve(loaded.file)), path)
}

/** Every decision of the scaler, newest first, paging through the journal. */
function decisions(journal: SqliteJournal, scaler: string, since: number | undefined): JournalEntry[] {
  const all: JournalEntry[] = []
  let before: number | undefined
  for (;;) {
    const page = journal.list({
      scaler,
      kind: 'decision',
      limit: MAX_LIST_LIMIT,
      ...(before === undefined ? {} : { before }),
      ...(since === undefined ? {} : { since }),
    })
    all.push(...page)
    if (page.length < MAX_LIST_LIMIT) return all
    before = (page.at(-1) as JournalEntry).id
  }
}

export async function runRecord(flags: RecordFlags, deps: RecordDeps): Promise<number> {
  const path = await journalPath(flags)
  const journal = new SqliteJournal({ path, readOnly: true })
  let entries: JournalEntry[]
  try {
    entries = decisions(journal, flags.scaler, flags.since)
  } finally {
    journal.close()
  }
  const rows = traceRowsFromDecisions(entries)
  if (rows.length < 2) {
    throw new AutopilotError(
      'AP_ERR_NOT_FOUND',
      `${rows.length === 0 ? 'no' : 'only one'} decision of scaler ${flags.scaler} in ${path}; a trace needs two`,
      { field: '--scaler', hint: 'autopilot decisions lists what the journal holds' },
    )
  }
  const first = entries.reduce((a, e) => Math.min(a, e.at), Number.POSITIVE_INFINITY)
  const csv = formatTraceCsv(
    rows,
    `autopilot record: scaler ${flags.scaler}, ${rows.length} decisions from ${new Date(first).toISOString()} (${path})`,
  )
  try {
    await writeFile(flags.out, csv)
  } catch (cause) {
    throw new AutopilotError('AP_ERR_INPUT', `cannot write ${flags.out}`, { field: '--out', cause })
  }
  deps.stdout.write(`wrote ${flags.out}: ${rows.length} rows, ${rows.at(-1)?.t ?? 0} s\n`)
  return rows.length
}
