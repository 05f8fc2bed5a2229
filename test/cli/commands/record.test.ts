import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseTraceCsv } from '../../../src/analyzer/simulate/trace.ts'
import { SqliteJournal } from '../../../src/journal/sqlite-journal.ts'
import { runCli } from '../../helpers/run-cli.ts'

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5)
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-record-'))
  const journal = new SqliteJournal({ path: join(dir, 'journal.db'), now: () => T0 })
  const decide = (s: number, current: number, desired: number, production: number, scaler = 'orders') =>
    journal.append({
      at: T0 + s * 1000,
      kind: 'decision',
      scaler,
      reason: 'DesiredWithinRange',
      message: `${current} → ${desired}`,
      outcome: current === desired ? 'hold' : 'scale',
      inputs: {
        current,
        desired,
        replicas: { desired: current, current, ready: current },
        lag: { totalLag: 10 * s },
        rates: { production, consumption: production, lagSeconds: s / 10 },
      },
    })
  decide(0, 1, 1, 100)
  decide(5, 1, 3, 400)
  decide(10, 3, 3, 200)
  decide(10, 9, 9, 9, 'other')
  journal.close()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('autopilot record', () => {
  it('writes the decisions of one scaler as a trace the simulator reads', async () => {
    const out = join(dir, 'trace.csv')
    const r = await runCli([
      'record',
      '--journal',
      join(dir, 'journal.db'),
      '--scaler',
      'orders',
      '--out',
      out,
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/wrote .*trace.csv: 3 rows/)
    const trace = parseTraceCsv(readFileSync(out, 'utf8'))
    expect(trace.times).toEqual([0, 5, 10])
    expect(trace.total).toEqual([400, 200, 200])
    expect(trace.observed.map((o) => o.replicas)).toEqual([1, 3, 3])
  })

  it('a scaler without decisions is an error naming it', async () => {
    const r = await runCli([
      'record',
      '--journal',
      join(dir, 'journal.db'),
      '--scaler',
      'nope',
      '--out',
      join(dir, 'x.csv'),
    ])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/no decision of scaler nope/)
  })
})
