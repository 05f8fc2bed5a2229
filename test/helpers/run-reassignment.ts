// An Autopilot process in the middle of a reassignment, for the restart tests: it executes the plan through the
// throttled executor, journals every step into the daemon's journal (as the broker actions do) and prints each
// event as a JSON line, so the test can SIGKILL it at a chosen step and start the daemon on the same journal.
// Usage: node run-reassignment.ts <bootstrap servers> <plan JSON> <throttle bytes/s> <journal path>
import { executePlan, toJournalEntry } from '../../src/executor/reassignment/index.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { createAdminPort } from '../../src/kafka/index.ts'

const [bootstrap = '', plan = '', rate = '', journalPath = ''] = process.argv.slice(2)
const journal = new SqliteJournal({ path: journalPath })
const admin = createAdminPort({ bootstrapServers: bootstrap.split(',') })
const execution = await executePlan(admin, JSON.parse(plan), {
  throttleBytesPerSec: Number(rate),
  pollIntervalMs: 500,
  timeoutMs: 600_000,
  journal: (event) => {
    journal.append(toJournalEntry(event, 'upScale'))
    process.stdout.write(`${JSON.stringify(event)}\n`)
  },
})
await execution.done
await admin.close()
journal.close()
