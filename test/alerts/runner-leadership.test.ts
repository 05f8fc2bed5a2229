// The runner under leader election: a follower answers and journals the alerts it is sent but feeds none to
// its engine and starts nothing; it refuses approvals naming the leader; a replica that loses the lease aborts
// the actions it runs; once it leads it acts as usual.
import { describe, expect, it } from 'vitest'
import type { ActionContext } from '../../src/alerts/handlers.ts'
import { parsePayload } from '../../src/alerts/payload.ts'
import { AlertRunner } from '../../src/alerts/runner.ts'
import { alerts } from '../../src/config/alerts.ts'
import { AutopilotError } from '../../src/errors.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from './fixtures.ts'

const T0 = Date.parse('2026-11-23T03:41:00Z')

function setup(mode: 'auto' | 'approve' | 'dry-run' = 'auto') {
  const journal = new SqliteJournal({ path: ':memory:' })
  const role = { leading: false }
  const calls: ActionContext[] = []
  let finish: (ok: boolean) => void = () => {}
  const runner = new AlertRunner({
    config: alerts.unwrap().parse({ mode }),
    journal,
    now: () => T0,
    leadership: { acting: () => role.leading, leader: () => (role.leading ? 'pod-b' : 'pod-a') },
    brokerActions: {
      upScale: (_action, context) => {
        calls.push(context)
        return new Promise((resolve) => {
          finish = (ok) => resolve({ ok, message: ok ? 'scaled' : 'stopped' })
          context.signal.addEventListener('abort', () => resolve({ ok: false, message: 'aborted' }))
        })
      },
    },
  })
  const close = async () => {
    await runner.close()
    journal.close()
  }
  return { journal, role, calls, runner, close, finish: (ok: boolean) => finish(ok) }
}

describe('AlertRunner with leadership', () => {
  it('a follower answers, journals NotLeader with the leader, and starts nothing', async () => {
    const t = setup()
    const summary = t.runner.receive(parsePayload(firingWebhook(), T0))
    expect(summary).toMatchObject({ accepted: 0, actions: [], follower: { alerts: 1, leader: 'pod-a' } })
    expect(t.runner.ingest(parsePayload(firingWebhook(), T0).alerts, 'health-watch').follower).toEqual({
      alerts: 1,
      leader: 'pod-a',
    })
    await t.runner.idle()
    expect(t.calls).toHaveLength(0)
    expect(t.runner.actions()).toEqual([])
    const entries = t.journal.list({ limit: 10 })
    expect(entries.map((e) => e.reason)).toEqual(['NotLeader', 'NotLeader'])
    expect(entries[0]).toMatchObject({ outcome: 'follower', inputs: { source: 'health-watch' } })
    expect(entries[1]?.message).toMatch(/1 alert\(s\) received by a follower.*leader \(pod-a\)/)
    await t.close()
  })

  it('once it leads, the same alert is acted on (nothing was remembered as handled while following)', async () => {
    const t = setup()
    t.runner.receive(parsePayload(firingWebhook(), T0))
    t.role.leading = true
    const summary = t.runner.receive(parsePayload(firingWebhook(), T0))
    expect(summary).toMatchObject({ accepted: 1, actions: ['a1'] })
    expect(summary.follower).toBeUndefined()
    expect(t.calls).toHaveLength(1)
    t.finish(true)
    await t.runner.idle()
    expect(t.runner.actions()[0]).toMatchObject({ id: 'a1', state: 'succeeded' })
    await t.close()
  })

  it('losing the lease aborts the running action; a later term gets a fresh signal', async () => {
    const t = setup()
    t.role.leading = true
    t.runner.receive(parsePayload(firingWebhook(), T0))
    expect(t.calls).toHaveLength(1)
    t.role.leading = false
    t.runner.abortRunning('this replica lost the leadership')
    await t.runner.idle()
    expect(t.calls[0]?.signal.aborted).toBe(true)
    expect(String(t.calls[0]?.signal.reason)).toMatch(/lost the leadership/)
    expect(t.runner.actions()[0]).toMatchObject({ id: 'a1', state: 'failed' })
    await t.close()
  })

  it('a follower refuses approvals, naming the leader; the leader approves', async () => {
    const t = setup('approve')
    t.role.leading = true
    t.runner.receive(parsePayload(firingWebhook(), T0))
    expect(t.runner.actions()[0]).toMatchObject({ id: 'a1', state: 'proposed' })
    t.role.leading = false
    const err = (() => {
      try {
        t.runner.approve('a1')
      } catch (e) {
        return e
      }
    })()
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFLICT', field: 'id' })
    expect((err as Error).message).toMatch(/follows.*leader \(pod-a\)/)
    expect(t.calls).toHaveLength(0)
    t.role.leading = true
    expect(t.runner.approve('a1').state).toBe('running')
    expect(t.calls).toHaveLength(1)
    t.finish(true)
    await t.close()
  })
})
