// `autopilot decisions`: the journal of `autopilot run`, read-only (safe while the daemon runs). Text lists
// the last entries oldest first, like a log; --json prints them newest first, as GET /api/v1/decisions does.
import { dirname, isAbsolute, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { daemonSettings } from '../../config/daemon.ts'
import { loadConfig } from '../../config/load.ts'
import { JOURNAL_KINDS, type JournalEntry, type JournalKind } from '../../journal/journal.ts'
import { SqliteJournal } from '../../journal/sqlite-journal.ts'
import { intOption } from '../lag-options.ts'

export interface DecisionsFlags {
  config: string
  journal?: string
  scaler?: string
  kind?: JournalKind
  limit: number
  json?: boolean
}

export interface DecisionsDeps {
  stdout: { write(text: string): unknown }
}

export async function runDecisions(flags: DecisionsFlags, deps: DecisionsDeps): Promise<JournalEntry[]> {
  const path = await journalPath(flags)
  const journal = new SqliteJournal({ path, readOnly: true })
  let entries: JournalEntry[]
  try {
    entries = journal.list({
      ...(flags.scaler === undefined ? {} : { scaler: flags.scaler }),
      ...(flags.kind === undefined ? {} : { kind: flags.kind }),
      limit: flags.limit,
    })
  } finally {
    journal.close()
  }
  if (flags.json) {
    deps.stdout.write(`${JSON.stringify(entries, null, 2)}\n`)
    return entries
  }
  if (entries.length === 0) {
    deps.stdout.write(`no entries${flags.scaler ? ` for scaler ${flags.scaler}` : ''} in ${path}\n`)
    return entries
  }
  deps.stdout.write(renderTable([...entries].reverse()))
  return entries
}

async function journalPath(flags: DecisionsFlags): Promise<string> {
  if (flags.journal !== undefined) return resolve(flags.journal)
  const loaded = await loadConfig(flags.config)
  const path = daemonSettings(loaded.config).journal.path
  return isAbsolute(path) ? path : resolve(dirname(resolve(loaded.file)), path)
}

export function renderTable(entries: JournalEntry[]): string {
  const rows = entries.map((e) => [
    new Date(e.at).toISOString(),
    e.scaler ?? '-',
    e.kind,
    e.reason,
    e.outcome ?? '-',
    e.message,
  ])
  const header = ['TIME', 'SCALER', 'KIND', 'REASON', 'OUTCOME', 'MESSAGE']
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd()
  return `${[header, ...rows].map(line).join('\n')}\n`
}

export function registerDecisions(program: Command, deps: Partial<DecisionsDeps> = {}): void {
  program
    .command('decisions')
    .description('list the decisions, actions and events journaled by `autopilot run`')
    .option('-c, --config <file>', 'configuration file (for journal.path)', 'autopilot.yaml')
    .option('--journal <file>', 'journal file (instead of the config’s journal.path)')
    .option('--scaler <name>', 'only this scaler')
    .addOption(new Option('--kind <kind>', 'only this kind of entry').choices([...JOURNAL_KINDS]))
    .option('--limit <n>', 'most recent entries to show', intOption('--limit', 1, 10_000), 50)
    .option('--json', 'print the entries as JSON, newest first')
    .action(async (flags: DecisionsFlags) => {
      await runDecisions(flags, { stdout: deps.stdout ?? process.stdout })
    })
}
