import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDecisions } from '../../../src/cli/commands/decisions.ts'
import { SqliteJournal } from '../../../src/journal/sqlite-journal.ts'
import { runCli } from '../../helpers/run-cli.ts'

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5)
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-decisions-'))
  const journal = new SqliteJournal({ path: join(dir, 'state', 'journal.db'), now: () => T0 })
  journal.append({ at: T0, kind: 'event', reason: 'DaemonStarted', message: 'autopilot run started' })
  journal.append({
    at: T0 + 1_000,
    kind: 'decision',
    scaler: 'orders',
    target: 'process orders',
    reason: 'DesiredWithinRange',
    message: '1 → 4: lag 40 / lagThreshold 10 = 4',
    outcome: 'scale',
  })
  journal.append({
    at: T0 + 1_200,
    kind: 'action',
    scaler: 'orders',
    target: 'process orders',
    reason: 'DesiredWithinRange',
    message: '1 → 4: started replicas 1, 2, 3',
    outcome: 'applied',
  })
  journal.append({
    at: T0 + 2_000,
    kind: 'decision',
    scaler: 'audit',
    reason: 'Inactive',
    message: '0 → 0',
    outcome: 'hold',
  })
  journal.close()
  writeFileSync(join(dir, 'autopilot.yaml'), 'journal: { path: state/journal.db }\n')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function output() {
  const chunks: string[] = []
  return { write: (s: string) => chunks.push(s), text: () => chunks.join('') }
}

describe('autopilot decisions', () => {
  it('prints the last entries oldest first as a table, finding the journal through the config', async () => {
    const stdout = output()
    await runDecisions({ config: join(dir, 'autopilot.yaml'), limit: 50 }, { stdout })
    expect(stdout.text().split('\n')).toEqual([
      'TIME                      SCALER  KIND      REASON              OUTCOME  MESSAGE',
      '2025-01-02T03:04:05.000Z  -       event     DaemonStarted       -        autopilot run started',
      '2025-01-02T03:04:06.000Z  orders  decision  DesiredWithinRange  scale    1 → 4: lag 40 / lagThreshold 10 = 4',
      '2025-01-02T03:04:06.200Z  orders  action    DesiredWithinRange  applied  1 → 4: started replicas 1, 2, 3',
      '2025-01-02T03:04:07.000Z  audit   decision  Inactive            hold     0 → 0',
      '',
    ])
  })

  const filters = [
    { name: '--scaler', flags: { scaler: 'orders' }, reasons: ['DesiredWithinRange', 'DesiredWithinRange'] },
    { name: '--kind', flags: { kind: 'decision' as const }, reasons: ['Inactive', 'DesiredWithinRange'] },
    { name: '--limit', flags: { limit: 1 }, reasons: ['Inactive'] },
  ]
  for (const row of filters) {
    it(`${row.name} filters; --json prints entries newest first`, async () => {
      const stdout = output()
      await runDecisions(
        {
          config: 'unused.yaml',
          journal: join(dir, 'state', 'journal.db'),
          limit: 50,
          json: true,
          ...row.flags,
        },
        { stdout },
      )
      expect(JSON.parse(stdout.text()).map((e: { reason: string }) => e.reason)).toEqual(row.reasons)
    })
  }

  it('says so when a scaler has no entries', async () => {
    const stdout = output()
    await runDecisions(
      { config: 'x', journal: join(dir, 'state', 'journal.db'), limit: 5, scaler: 'nope' },
      { stdout },
    )
    expect(stdout.text()).toMatch(/^no entries for scaler nope in /)
  })

  const failures = [
    {
      name: 'a journal that does not exist',
      args: ['--journal', 'missing.db'],
      code: 5,
      stderr: /no journal at .*missing\.db/,
    },
    {
      name: 'a config that does not exist',
      args: ['-c', 'missing.yaml'],
      code: 3,
      stderr: /cannot read config file missing\.yaml/,
    },
    { name: 'a limit of 0', args: ['--limit', '0'], code: 2, stderr: /--limit takes a whole number/ },
    {
      name: 'an unknown kind',
      args: ['--kind', 'rumour'],
      code: 2,
      stderr: /Allowed choices are decision, action, event/,
    },
  ]
  for (const row of failures) {
    it(`exits ${row.code} on ${row.name}, without a stack trace`, async () => {
      const result = await runCli(['decisions', ...row.args])
      expect(result.code).toBe(row.code)
      expect(result.stderr).toMatch(row.stderr)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    })
  }
})
