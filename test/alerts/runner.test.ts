// The runner over a real (in-memory) journal: the engine state survives a restart (a still-firing alert does
// not act again, the cooldown holds), an action running at the stop is journaled as interrupted, and an
// unreadable saved state is discarded with a journal entry.
import { afterEach, describe, expect, it } from 'vitest'
import { parsePayload } from '../../src/alerts/payload.ts'
import { AlertRunner, ENGINE_STATE_KEY } from '../../src/alerts/runner.ts'
import { alerts } from '../../src/config/alerts.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from './fixtures.ts'

const T0 = Date.parse('2026-11-23T03:41:00Z')
const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

function runner(
  journal: SqliteJournal,
  now: () => number,
  handler = async () => ({ ok: true, message: 'ok' }),
) {
  const r = new AlertRunner({
    config: alerts.unwrap().parse({ mode: 'auto', cooldownSeconds: 60 }),
    journal,
    now,
    brokerActions: { upScale: handler },
  })
  open.push(r)
  return r
}

describe('AlertRunner persistence', () => {
  it('a restart remembers the handled alert and the cooldown', async () => {
    const journal = new SqliteJournal({ path: ':memory:' })
    open.push(journal)
    const first = runner(journal, () => T0)
    expect(first.receive(parsePayload(firingWebhook(), T0)).accepted).toBe(1)
    await first.idle()
    await first.close()
    const second = runner(journal, () => T0 + 1_000)
    expect(second.receive(parsePayload(firingWebhook(), T0 + 1_000))).toMatchObject({
      accepted: 0,
      duplicates: 1,
    })
    expect(second.actions()[0]).toMatchObject({ id: 'a1', state: 'succeeded' })
  })

  it('an action running at the stop is journaled as interrupted after the restart', async () => {
    const journal = new SqliteJournal({ path: ':memory:' })
    open.push(journal)
    let release: () => void = () => {}
    const hanging = () =>
      new Promise<{ ok: boolean; message: string }>((r) => (release = () => r({ ok: true, message: 'late' })))
    const first = runner(journal, () => T0, hanging)
    first.receive(parsePayload(firingWebhook(), T0))
    // the process "dies" here: the saved state says running
    const second = runner(journal, () => T0 + 5_000)
    expect(second.actions()[0]).toMatchObject({
      id: 'a1',
      state: 'failed',
      message: 'interrupted by a restart',
    })
    expect(journal.list({ limit: 50 }).map((e) => e.reason)).toContain('ActionInterrupted')
    release()
    await first.idle()
  })

  it('an unreadable saved state is discarded and journaled', () => {
    const journal = new SqliteJournal({ path: ':memory:' })
    open.push(journal)
    journal.saveState(ENGINE_STATE_KEY, { version: 1, alerts: 'nope' }, T0)
    const r = runner(journal, () => T0)
    expect(r.actions()).toEqual([])
    expect(journal.list({ limit: 5 }).map((e) => e.reason)).toEqual(['AlertStateDiscarded'])
  })
})
