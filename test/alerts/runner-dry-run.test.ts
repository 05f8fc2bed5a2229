// The runner in mode dry-run: a broker action's handler is called with dryRun and its plan is journaled as the
// planned step; a custom action (exec, webhook) is never executed, the journal says what it would execute; the
// broker count for minBrokers/maxBrokers is read for the cluster the action acts on (a rule's `cluster`).
import { afterEach, describe, expect, it } from 'vitest'
import type { ActionContext, ActionHandler } from '../../src/alerts/handlers.ts'
import { parsePayload } from '../../src/alerts/payload.ts'
import { AlertRunner } from '../../src/alerts/runner.ts'
import type { ActionRecord } from '../../src/analyzer/actions/types.ts'
import { alerts } from '../../src/config/alerts.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from './fixtures.ts'

const T0 = Date.parse('2026-11-23T07:00:00Z')
const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

function setup(
  section: unknown,
  options: {
    brokerActions?: Record<string, ActionHandler>
    handlers?: Record<string, ActionHandler>
    brokerCount?: (cluster: string) => number | undefined
    dryRun?: boolean
  } = {},
) {
  const journal = new SqliteJournal({ path: ':memory:' })
  open.push(journal)
  const runner = new AlertRunner({
    config: alerts.unwrap().parse(section),
    journal,
    now: () => T0,
    ...options,
  })
  open.push(runner)
  const entries = () => journal.list({ limit: 100 }).reverse()
  return { runner, journal, entries }
}

function alertWith(
  annotations: Record<string, string>,
  labels: Record<string, string> = {},
  fingerprint?: string,
) {
  const body = firingWebhook()
  if (fingerprint !== undefined) body.alerts[0]!.fingerprint = fingerprint
  body.alerts[0]!.annotations = { ...body.alerts[0]!.annotations, ...annotations }
  body.alerts[0]!.labels = { ...body.alerts[0]!.labels, ...labels }
  return parsePayload(body, T0)
}

describe('AlertRunner in mode dry-run', () => {
  it('calls the broker handler with dryRun and journals its plan as the planned step', async () => {
    const calls: Array<{ action: ActionRecord; context: ActionContext }> = []
    const plan = { dryRun: true, moves: 3, brokers: [4], reassignment: { partitions: 3 } }
    const { runner, entries } = setup(
      { mode: 'dry-run' },
      {
        brokerActions: {
          upScale: async (action, context) => {
            calls.push({ action, context })
            return { ok: true, message: 'dry-run: would add broker(s) 4', details: plan }
          },
        },
      },
    )
    expect(runner.receive(alertWith({})).accepted).toBe(1)
    await runner.idle()
    expect(calls).toHaveLength(1)
    expect(calls[0]!.context.dryRun).toBe(true)
    expect(runner.actions()[0]).toMatchObject({ id: 'a1', state: 'planned', dryRun: true })
    const steps = entries().map((e) => `${e.outcome}:${e.reason}`)
    expect(steps).toEqual([
      'received:AlertFiring',
      'matched:CommandAnnotation',
      'planned:DryRun',
      'planned:DryRunPlanned',
    ])
    const last = entries().at(-1)!
    expect(last.message).toBe('upScale on upScale local (dry-run): dry-run: would add broker(s) 4')
    expect(last.inputs).toMatchObject({ actionId: 'a1', ...plan })
  })

  it('a dry run takes no disruptive slot and starts no cooldown for real work', async () => {
    let release: () => void = () => {}
    const started: string[] = []
    const { runner } = setup(
      { mode: 'dry-run' },
      {
        brokerActions: {
          upScale: (a) => {
            started.push(a.target)
            return new Promise((r) => (release = () => r({ ok: true, message: 'plan' })))
          },
          downScale: async (a) => {
            started.push(a.target)
            return { ok: true, message: 'plan' }
          },
        },
      },
    )
    runner.receive(alertWith({}))
    runner.receive(alertWith({ command: 'downScale' }, { alertname: 'Other', brokerId: '4' }, 'f2'))
    expect(started).toEqual(['upScale local', 'downScale local broker 4'])
    release()
    await runner.idle()
    expect(runner.actions().map((a) => a.state)).toEqual(['planned', 'planned'])
  })

  it('autopilot run --dry-run forces mode dry-run over alerts.mode auto', async () => {
    const dry: boolean[] = []
    const { runner } = setup(
      { mode: 'auto' },
      {
        dryRun: true,
        brokerActions: {
          upScale: async (_, c) => {
            dry.push(c.dryRun === true)
            return { ok: true, message: 'p' }
          },
        },
      },
    )
    runner.receive(alertWith({}))
    await runner.idle()
    expect(dry).toEqual([true])
    expect(runner.actions()[0]!.state).toBe('planned')
  })

  it('an exec action is not executed: the journal shows the templated argv and the env names only', async () => {
    const executed: string[] = []
    const { runner, entries } = setup(
      {
        mode: 'dry-run',
        actions: {
          page: {
            type: 'exec',
            command: ['/usr/local/bin/page', '--broker', '{{labels.instance}}', '{{cluster}}'],
            env: { PAGER_TOKEN: 'secret-{{cluster}}' },
          },
        },
      },
      {
        handlers: {
          page: async (a) => {
            executed.push(a.id)
            return { ok: true, message: 'ran' }
          },
        },
      },
    )
    runner.receive(alertWith({ command: 'page' }))
    await runner.idle()
    expect(executed).toEqual([])
    const last = entries().at(-1)!
    expect(last.reason).toBe('DryRunPlanned')
    expect(last.inputs).toMatchObject({
      type: 'exec',
      argv: ['/usr/local/bin/page', '--broker', '127.0.0.1:19404', 'local'],
      env: ['PAGER_TOKEN'],
    })
    expect(JSON.stringify(entries())).not.toContain('secret-')
    expect(runner.actions()[0]!.state).toBe('planned')
  })

  it('a webhook action is not called: the journal shows the method and URL without credentials or query values', async () => {
    const called: string[] = []
    const { runner, entries } = setup(
      {
        mode: 'dry-run',
        actions: {
          hook: {
            type: 'webhook',
            url: 'http://user:pw@127.0.0.1:9/heal/{{cluster}}?token=abc&broker={{labels.instance}}',
          },
        },
      },
      {
        handlers: {
          hook: async (a) => {
            called.push(a.id)
            return { ok: true, message: 'called' }
          },
        },
      },
    )
    runner.receive(alertWith({ command: 'hook' }))
    await runner.idle()
    expect(called).toEqual([])
    const last = entries().at(-1)!
    expect(last.message).toMatch(/would call POST http:\/\/127\.0\.0\.1:9\/heal\/local\?token=…&broker=… /)
    expect(last.inputs).toMatchObject({ type: 'webhook', method: 'POST' })
    expect(JSON.stringify(entries())).not.toContain('abc')
    expect(JSON.stringify(entries())).not.toContain('pw@')
  })
})

describe('AlertRunner broker count', () => {
  it("reads the count of the rule's cluster parameter, not the alert's cluster label", async () => {
    const asked: string[] = []
    const started: string[] = []
    const { runner } = setup(
      {
        mode: 'auto',
        maxBrokers: 5,
        rules: [
          {
            name: 'grow-prod',
            match: { alertname: 'BrokerUnderReplicated' },
            action: 'upScale',
            params: { cluster: 'prod' },
          },
        ],
      },
      {
        // the alert's label says `local`, which is at the limit; the rule sends the action to `prod`
        brokerCount: (cluster) => {
          asked.push(cluster)
          return cluster === 'prod' ? 3 : 5
        },
        brokerActions: {
          upScale: async (a) => {
            started.push(a.target)
            return { ok: true, message: 'ok' }
          },
        },
      },
    )
    expect(runner.receive(alertWith({})).rejected).toBe(0)
    await runner.idle()
    expect(asked).toEqual(['prod'])
    expect(started).toEqual(['upScale prod'])
  })

  it('without a rule parameter, the kafka_cr label wins over cluster', () => {
    const asked: string[] = []
    const { runner } = setup(
      { mode: 'dry-run', maxBrokers: 5 },
      {
        brokerCount: (cluster) => {
          asked.push(cluster)
          return 3
        },
        brokerActions: {},
      },
    )
    runner.receive(alertWith({}, { kafka_cr: 'kafka' }))
    expect(asked).toEqual(['kafka'])
  })
})
