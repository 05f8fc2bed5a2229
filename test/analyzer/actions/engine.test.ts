// The pure action engine, table-driven: each row feeds events in order and checks what starts, what the
// last answer was and which steps were journaled.
import { describe, expect, it } from 'vitest'
import { decide } from '../../../src/analyzer/actions/engine.ts'
import {
  type Alert,
  type EngineConfig,
  type EngineEvent,
  type EngineResult,
  emptyState,
} from '../../../src/analyzer/actions/types.ts'

const T0 = 1_700_000_000_000
const COOL = 60_000

function config(over: Partial<EngineConfig> = {}): EngineConfig {
  return {
    mode: 'auto',
    cooldownMs: COOL,
    rules: [],
    customActions: { notify: { disruptive: false } },
    useCommandAnnotation: true,
    maxTrackedAlerts: 100,
    maxFinishedActions: 10,
    ...over,
  }
}

function alert(fp: string, status: 'firing' | 'resolved' = 'firing', extra: Partial<Alert> = {}): Alert {
  return {
    fingerprint: fp,
    status,
    labels: { alertname: 'BrokerUnderReplicated', cluster: 'local', ...(extra.labels ?? {}) },
    annotations: { command: 'upScale', ...(extra.annotations ?? {}) },
  }
}

const fire = (fp: string, extra: Partial<Alert> = {}, brokers?: number): EngineEvent => ({
  type: 'alert',
  alert: alert(fp, 'firing', extra),
  ...(brokers === undefined ? {} : { brokers }),
})
const resolve = (fp: string): EngineEvent => ({ type: 'alert', alert: alert(fp, 'resolved') })

function run(events: Array<[number, EngineEvent]>, cfg = config()) {
  let state = emptyState()
  const started: string[] = []
  const steps: string[] = []
  let last: EngineResult | undefined
  for (const [dt, event] of events) {
    last = decide(state, event, cfg, T0 + dt)
    state = last.state
    started.push(...last.start.map((a) => `${a.id}:${a.target}`))
    steps.push(...last.journal.map((j) => `${j.step}:${j.reason}`))
  }
  return { state, started, steps, last: last! }
}

describe('decide', () => {
  const rows: Array<{
    name: string
    events: Array<[number, EngineEvent]>
    cfg?: EngineConfig
    started: string[]
    outcome?: EngineResult['outcome']
    step?: string
  }> = [
    {
      name: 'a firing alert starts its action',
      events: [[0, fire('f1')]],
      started: ['a1:upScale local'],
      outcome: 'new',
    },
    {
      name: 'a duplicate re-send is quiet',
      events: [
        [0, fire('f1')],
        [10, fire('f1')],
      ],
      started: ['a1:upScale local'],
      outcome: 'duplicate',
    },
    {
      name: 'flapping: resolved re-arms, but the cooldown holds the next start (1 ms before)',
      events: [
        [0, fire('f1')],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'done' }],
        [2, resolve('f1')],
        [COOL - 1, fire('f1')],
      ],
      started: ['a1:upScale local'],
      outcome: 'rejected',
      step: 'rejected:Cooldown',
    },
    {
      name: 'flapping: at exactly the cooldown the re-armed alert acts again',
      events: [
        [0, fire('f1')],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'done' }],
        [2, resolve('f1')],
        [COOL, fire('f1')],
      ],
      started: ['a1:upScale local', 'a2:upScale local'],
      outcome: 'new',
    },
    {
      name: 'a cooldown refusal is re-evaluated on a re-send after the cooldown (not swallowed)',
      events: [
        [0, fire('f1')],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'done' }],
        [2, fire('f2')],
        [COOL - 1, fire('f2')],
        [COOL, fire('f2')],
      ],
      started: ['a1:upScale local', 'a2:upScale local'],
      outcome: 'new',
    },
    {
      name: 'another alert for the same open target is coalesced',
      events: [
        [0, fire('f1')],
        [5, fire('f2')],
      ],
      started: ['a1:upScale local'],
      step: 'planned:Coalesced',
    },
    {
      name: 'one disruptive action per cluster: the second queues, starts when the first finishes',
      events: [
        [0, fire('f1')],
        [5, fire('f2', { annotations: { command: 'downScale' }, labels: { brokerId: '4' } })],
        [9, { type: 'finished', id: 'a1', ok: false, message: 'boom' }],
      ],
      started: ['a1:upScale local', 'a2:downScale local broker 4'],
      step: 'started:ActionStarted',
    },
    {
      name: 'another cluster is not blocked',
      events: [
        [0, fire('f1')],
        [5, fire('f2', { labels: { cluster: 'other' } })],
      ],
      started: ['a1:upScale local', 'a2:upScale other'],
    },
    {
      name: 'a non-disruptive custom action runs beside a disruptive one',
      events: [
        [0, fire('f1')],
        [5, fire('f2', { annotations: { command: 'notify' } })],
      ],
      started: ['a1:upScale local', 'a2:notify local'],
    },
    {
      name: 'maxBrokers reached: upScale refused',
      events: [[0, fire('f1', {}, 5)]],
      cfg: config({ maxBrokers: 5 }),
      started: [],
      step: 'rejected:BrokerLimit',
    },
    {
      name: 'below maxBrokers: upScale runs',
      events: [[0, fire('f1', {}, 4)]],
      cfg: config({ maxBrokers: 5 }),
      started: ['a1:upScale local'],
    },
    {
      name: 'minBrokers reached: downScale refused',
      events: [[0, fire('f1', { annotations: { command: 'downScale' } }, 3)]],
      cfg: config({ minBrokers: 3 }),
      started: [],
      step: 'rejected:BrokerLimit',
    },
    {
      name: 'a limit with an unknown broker count refuses',
      events: [[0, fire('f1')]],
      cfg: config({ maxBrokers: 5 }),
      started: [],
      step: 'rejected:BrokerLimit',
    },
    {
      name: 'dry-run: the action is handed out to plan at once, journaled as a dry run, not as started',
      events: [[0, fire('f1')]],
      cfg: config({ mode: 'dry-run' }),
      started: ['a1:upScale local'],
      step: 'planned:DryRun',
    },
    {
      name: 'dry-run: the plan the handler reports is the planned step',
      events: [
        [0, fire('f1')],
        [5, { type: 'finished', id: 'a1', ok: true, message: 'would add broker 4', details: { moves: 3 } }],
      ],
      cfg: config({ mode: 'dry-run' }),
      started: ['a1:upScale local'],
      step: 'planned:DryRunPlanned',
    },
    {
      name: 'dry-run: a plan that fails (a refusal) is journaled as a failed dry run',
      events: [
        [0, fire('f1', { annotations: { command: 'downScale' } })],
        [5, { type: 'finished', id: 'a1', ok: false, message: 'AP_ERR_UNSAFE: below minBrokers' }],
      ],
      cfg: config({ mode: 'dry-run' }),
      started: ['a1:downScale local'],
      step: 'failed:DryRunFailed',
    },
    {
      name: 'dry-run: plans take no disruptive slot (two on one cluster at once)',
      events: [
        [0, fire('f1')],
        [5, fire('f2', { annotations: { command: 'downScale' }, labels: { brokerId: '4' } })],
      ],
      cfg: config({ mode: 'dry-run' }),
      started: ['a1:upScale local', 'a2:downScale local broker 4'],
    },
    {
      name: 'dry-run: a re-armed alert is planned again only after the cooldown, as auto would wait',
      events: [
        [0, fire('f1')],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'plan' }],
        [2, resolve('f1')],
        [COOL - 1, fire('f1')],
        [COOL, fire('f1')],
      ],
      cfg: config({ mode: 'dry-run' }),
      started: ['a1:upScale local', 'a2:upScale local'],
      step: 'rejected:Cooldown',
    },
    {
      name: 'a dryRun parameter does not wait behind a running disruptive action',
      events: [
        [0, fire('f1', { annotations: { command: 'downScale' }, labels: { brokerId: '4' } })],
        [5, fire('f2', { annotations: { dryRun: 'true' } })],
      ],
      started: ['a1:downScale local broker 4', 'a2:upScale local'],
    },
    {
      name: 'a dryRun parameter is not a start: a real action on the target right after is not held',
      events: [
        [0, fire('f1', { annotations: { dryRun: 'true' } })],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'plan' }],
        [2, fire('f2')],
      ],
      started: ['a1:upScale local', 'a2:upScale local'],
      step: 'planned:DryRunPlanned',
    },
    {
      name: 'approve: a dryRun parameter plans without waiting for approval',
      events: [[0, fire('f1', { annotations: { dryRun: 'true' } })]],
      cfg: config({ mode: 'approve' }),
      started: ['a1:upScale local'],
      step: 'planned:DryRun',
    },
    {
      name: 'a custom action with a dryRun parameter is not a dry run (it has none)',
      events: [
        [0, fire('f1')],
        [5, fire('f2', { annotations: { command: 'notify', dryRun: 'true' } })],
      ],
      cfg: config({ customActions: { notify: { disruptive: true } } }),
      started: ['a1:upScale local'],
      step: 'planned:QueuedClusterBusy',
    },
    {
      name: 'approve: waits as a proposal',
      events: [[0, fire('f1')]],
      cfg: config({ mode: 'approve' }),
      started: [],
      step: 'planned:AwaitingApproval',
    },
    {
      name: 'approve: starts once approved',
      events: [
        [0, fire('f1')],
        [100, { type: 'approve', id: 'a1' }],
      ],
      cfg: config({ mode: 'approve' }),
      started: ['a1:upScale local'],
      outcome: 'ok',
    },
    {
      name: 'approving an unknown id',
      events: [[0, { type: 'approve', id: 'a9' }]],
      started: [],
      outcome: 'not-found',
    },
    {
      name: 'approving a running action',
      events: [
        [0, fire('f1')],
        [1, { type: 'approve', id: 'a1' }],
      ],
      started: ['a1:upScale local'],
      outcome: 'invalid-state',
    },
    {
      name: 'a proposal whose alert resolves is cancelled',
      events: [
        [0, fire('f1')],
        [1, resolve('f1')],
      ],
      cfg: config({ mode: 'approve' }),
      started: [],
      step: 'rejected:AlertResolvedBeforeStart',
    },
    {
      name: 'an alert without command or rule is rejected',
      events: [[0, fire('f1', { annotations: { command: '' } })]],
      started: [],
      step: 'rejected:NoActionForAlert',
    },
    {
      name: 'an unknown command is rejected',
      events: [[0, fire('f1', { annotations: { command: 'reboot' } })]],
      started: [],
      step: 'rejected:UnknownAction',
    },
    {
      name: 'addPvc is an alias of addDisk; a bad diskSize is rejected naming it',
      events: [
        [0, fire('f1', { annotations: { command: 'addPvc', diskSize: 'huge' }, labels: { brokerId: '1' } })],
      ],
      started: [],
      step: 'rejected:InvalidActionParameter',
    },
    {
      name: 'a config rule matching labels wins over the annotation',
      events: [[0, fire('f1', { labels: { severity: 'page' } })]],
      cfg: config({ rules: [{ name: 'paging', match: { severity: 'page' }, action: 'notify', params: {} }] }),
      started: ['a1:notify local'],
      step: 'started:ActionStarted',
    },
    {
      name: 'the kafka_cr label picks the cluster before the cluster label',
      events: [[0, fire('f1', { labels: { kafka_cr: 'kafka' } })]],
      started: ['a1:upScale kafka'],
    },
    {
      name: 'a cluster parameter (annotation or rule) picks the cluster before kafka_cr',
      events: [[0, fire('f1', { labels: { kafka_cr: 'kafka' }, annotations: { cluster: 'prod' } })]],
      started: ['a1:upScale prod'],
    },
    {
      name: 'a queued action whose cooldown has not passed starts on a later tick',
      events: [
        [0, fire('f1', { annotations: { command: 'downScale' }, labels: { brokerId: '4' } })],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'ok' }],
        [2, resolve('f1')],
        [3, fire('f2', { annotations: { command: 'downScale' }, labels: { brokerId: '4' } })],
      ],
      cfg: config({ mode: 'approve' }),
      started: [],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const { started, steps, last } = run(row.events, row.cfg)
      expect(started).toEqual(row.started)
      if (row.outcome) expect(last.outcome).toBe(row.outcome)
      if (row.step) expect(steps).toContain(row.step)
    })
  }

  it('queued by cooldown after approval, then started by a tick at the boundary', () => {
    const cfg = config({ mode: 'approve' })
    const { state } = run(
      [
        [0, fire('f1')],
        [0, { type: 'approve', id: 'a1' }],
        [1, { type: 'finished', id: 'a1', ok: true, message: 'ok' }],
        [2, resolve('f1')],
        [COOL, fire('f1')],
        [COOL, { type: 'approve', id: 'a2' }],
      ],
      cfg,
    )
    expect(state.actions.get('a2')?.state).toBe('running')
  })

  it('dry-run: no lastStart, the plan ends planned with its details journaled', () => {
    const details = { moves: 3, brokers: [4] }
    const { state, last } = run(
      [
        [0, fire('f1')],
        [5, { type: 'finished', id: 'a1', ok: true, message: 'would add broker 4', details }],
      ],
      config({ mode: 'dry-run' }),
    )
    expect(state.lastStart.size).toBe(0)
    expect(state.lastPlan.get('upScale local')).toBe(T0)
    expect(state.actions.get('a1')).toMatchObject({ state: 'planned', dryRun: true })
    expect(last.journal[0]).toMatchObject({
      step: 'planned',
      reason: 'DryRunPlanned',
      message: 'upScale on upScale local (dry-run): would add broker 4',
      inputs: details,
    })
  })

  it('a finished real action journals its details with the verified step', () => {
    const { last } = run([
      [0, fire('f1')],
      [5, { type: 'finished', id: 'a1', ok: true, message: 'added', details: { moves: 2 } }],
    ])
    expect(last.journal[0]).toMatchObject({ step: 'verified', inputs: { moves: 2 } })
  })

  it('does not change the state it was given', () => {
    const s0 = emptyState()
    const r = decide(s0, fire('f1'), config(), T0)
    expect(s0.alerts.size).toBe(0)
    expect(s0.actions.size).toBe(0)
    expect(r.state.actions.size).toBe(1)
  })

  it('caps the dedupe memory, evicting the oldest fingerprints', () => {
    const cfg = config({ maxTrackedAlerts: 5, customActions: { notify: { disruptive: false } } })
    let state = emptyState()
    for (let i = 0; i < 50; i++) {
      state = decide(
        state,
        fire(`f${i}`, { annotations: { command: 'notify' }, labels: { i: String(i) } }),
        cfg,
        T0 + i,
      ).state
    }
    expect(state.alerts.size).toBe(5)
    expect(state.stats.evicted).toBe(45)
    expect(state.actions.size).toBeLessThanOrEqual(50)
  })
})
