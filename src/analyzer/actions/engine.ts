// The self-healing decision core: (state, event, config, now) → actions to start, journal entries, next
// state. Pure: no I/O, no clock; the old state is never changed (maps are copied when they change).
//
// Rules, learned from Koperator's alert handling (docs/research notes, broker-scaling §1.5, §7):
// - dedupe by fingerprint: a firing alert acts once; its re-sends are quiet until it resolves;
// - a resolved alert only re-arms (forgets the fingerprint) and cancels its action if that has not started;
// - a refusal (limit, cooldown) is not "processed": the fingerprint is deferred for one cooldown, after which
//   a re-send is evaluated again, instead of being swallowed until the alert resolves;
// - one disruptive action per Kafka cluster at a time, the others queue (state `queued`, listed by the API);
// - alerts asking for the same target while its action is open are coalesced into it;
// - per-target cooldown: a start needs `now - lastStart >= cooldownMs` (so exactly at the boundary is allowed);
// - a dry run (mode dry-run, or a broker action's `dryRun: "true"` parameter) is returned to start at once so
//   its handler can plan without changing anything: it takes no disruptive slot and does not count as a start
//   for the cooldown; dry runs of a target have their own cooldown (`lastPlan`), as auto mode would wait too.
import { resolveAction } from './resolve.ts'
import {
  type ActionRecord,
  type Alert,
  BROKER_ACTIONS,
  type EngineConfig,
  type EngineEvent,
  type EngineJournalEntry,
  type EngineResult,
  type EngineState,
  type TrackedAlert,
} from './types.ts'

const OPEN = new Set(['proposed', 'queued', 'running'])

export function decide(
  state: EngineState,
  event: EngineEvent,
  config: EngineConfig,
  now: number,
): EngineResult {
  switch (event.type) {
    case 'alert':
      return onAlert(state, event.alert, event.brokers, config, now)
    case 'approve':
      return onApprove(state, event.id, config, now)
    case 'finished':
      return onFinished(state, event, config, now)
    case 'tick':
      return startQueued(copy(state), [], config, now, 'ok')
  }
}

function copy(state: EngineState): EngineState {
  return {
    alerts: new Map(state.alerts),
    lastStart: new Map(state.lastStart),
    lastPlan: new Map(state.lastPlan),
    actions: new Map(state.actions),
    nextId: state.nextId,
    stats: { ...state.stats },
  }
}

function entry(
  step: EngineJournalEntry['step'],
  reason: string,
  message: string,
  action: Pick<ActionRecord, 'rule' | 'target' | 'id'> | null,
  inputs?: unknown,
): EngineJournalEntry {
  return {
    step,
    reason,
    message,
    rule: action?.rule ?? null,
    target: action?.target ?? null,
    actionId: action?.id ?? null,
    ...(inputs === undefined ? {} : { inputs }),
  }
}

function track(state: EngineState, fingerprint: string, value: TrackedAlert, config: EngineConfig): void {
  state.alerts.delete(fingerprint)
  state.alerts.set(fingerprint, value)
  while (state.alerts.size > config.maxTrackedAlerts) {
    const oldest = state.alerts.keys().next().value as string
    state.alerts.delete(oldest)
    state.stats.evicted++
  }
}

function onAlert(
  prev: EngineState,
  alert: Alert,
  brokers: number | undefined,
  config: EngineConfig,
  now: number,
): EngineResult {
  const name = alert.labels.alertname ?? '(no alertname)'
  const known = prev.alerts.get(alert.fingerprint)
  if (alert.status === 'resolved') {
    if (known === undefined) {
      const state = {
        ...prev,
        stats: { ...prev.stats, received: prev.stats.received + 1, duplicates: prev.stats.duplicates + 1 },
      }
      return { state, start: [], journal: [], outcome: 'duplicate' }
    }
    const state = copy(prev)
    state.stats.received++
    state.alerts.delete(alert.fingerprint)
    const journal = [
      entry('received', 'AlertResolved', `${name} resolved: its action is re-armed`, null, {
        fingerprint: alert.fingerprint,
      }),
    ]
    if (known.kind === 'handled' && known.actionId !== null)
      cancelIfWaiting(state, known.actionId, alert, journal, now)
    return { state, start: [], journal, outcome: 'rearmed' }
  }
  const quiet = known !== undefined && (known.kind === 'handled' || now < known.until)
  if (quiet) {
    const state = {
      ...prev,
      stats: { ...prev.stats, received: prev.stats.received + 1, duplicates: prev.stats.duplicates + 1 },
    }
    return { state, start: [], journal: [], outcome: 'duplicate' }
  }
  const state = copy(prev)
  state.stats.received++
  const journal: EngineJournalEntry[] = [
    entry('received', 'AlertFiring', `${name} firing`, null, {
      fingerprint: alert.fingerprint,
      labels: alert.labels,
      annotations: alert.annotations,
    }),
  ]
  const defer = (
    reason: string,
    message: string,
    step: 'rejected' | 'planned' = 'rejected',
    target: string | null = null,
  ): EngineResult => {
    track(
      state,
      alert.fingerprint,
      { kind: 'deferred', until: now + config.cooldownMs, reason, at: now },
      config,
    )
    journal.push({ ...entry(step, reason, message, null), target })
    return { state, start: [], journal, outcome: step === 'rejected' ? 'rejected' : 'deferred' }
  }
  const resolved = resolveAction(alert, config)
  if (!resolved.ok) return defer(resolved.reason, `${name}: ${resolved.message}`)
  const r = resolved.value
  journal.push({
    ...entry(
      'matched',
      r.rule === null ? 'CommandAnnotation' : 'RuleMatched',
      `${name} → ${r.action} (${r.target})`,
      null,
    ),
    rule: r.rule,
    target: r.target,
  })
  const limit = brokerLimit(r.action, brokers, config)
  if (limit !== null) return defer('BrokerLimit', `${r.target}: ${limit}`, 'rejected', r.target)

  const open = [...state.actions.values()].find((a) => a.target === r.target && OPEN.has(a.state))
  if (open !== undefined) {
    state.actions.set(open.id, {
      ...open,
      fingerprints: [...open.fingerprints, alert.fingerprint],
      updatedAt: now,
    })
    track(state, alert.fingerprint, { kind: 'handled', actionId: open.id, at: now }, config)
    journal.push(entry('planned', 'Coalesced', `${name} joins action ${open.id} (${open.state})`, open))
    return { state, start: [], journal, outcome: 'new' }
  }
  const broker = (BROKER_ACTIONS as readonly string[]).includes(r.action)
  const dryRun = config.mode === 'dry-run' || (broker && r.params.dryRun === 'true')
  const last = (dryRun ? state.lastPlan : state.lastStart).get(r.target)
  if (last !== undefined && now - last < config.cooldownMs) {
    const left = Math.ceil((config.cooldownMs - (now - last)) / 1000)
    const ago = Math.round((now - last) / 1000)
    const result = defer(
      'Cooldown',
      dryRun
        ? `dry-run: ${r.target} was planned ${ago} s ago; cooldown ${left} s left (auto mode would wait too)`
        : `${r.target} acted ${ago} s ago; cooldown ${left} s left`,
      'rejected',
      r.target,
    )
    track(
      state,
      alert.fingerprint,
      { kind: 'deferred', until: last + config.cooldownMs, reason: 'Cooldown', at: now },
      config,
    )
    return result
  }
  const id = `a${state.nextId}`
  state.nextId++
  const record: ActionRecord = {
    id,
    action: r.action,
    cluster: r.cluster,
    target: r.target,
    disruptive: r.disruptive,
    params: r.params,
    labels: alert.labels,
    annotations: alert.annotations,
    fingerprints: [alert.fingerprint],
    alertname: name,
    rule: r.rule,
    state: dryRun ? 'running' : config.mode === 'approve' ? 'proposed' : 'queued',
    ...(dryRun ? { dryRun: true } : {}),
    createdAt: now,
    updatedAt: now,
  }
  addAction(state, record, config)
  track(state, alert.fingerprint, { kind: 'handled', actionId: id, at: now }, config)
  if (dryRun) {
    // Runs at once (a plan reads, it changes nothing): no disruptive slot, no approval, no lastStart.
    state.lastPlan.set(r.target, now)
    const how = broker ? 'planning it without changing anything' : 'it is not executed'
    journal.push(
      entry('planned', 'DryRun', `dry-run: would run ${r.action} on ${r.target}; ${how}`, record, {
        params: r.params,
      }),
    )
    return { state, start: [record], journal, outcome: 'new' }
  }
  if (config.mode === 'approve') {
    journal.push(
      entry(
        'planned',
        'AwaitingApproval',
        `${r.action} on ${r.target} waits for approval (POST /api/v1/actions/${id}/approve)`,
        record,
        { params: r.params },
      ),
    )
    return { state, start: [], journal, outcome: 'new' }
  }
  journal.push(entry('planned', 'Planned', `${r.action} on ${r.target}`, record, { params: r.params }))
  return startQueued(state, journal, config, now, 'new')
}

function brokerLimit(action: string, brokers: number | undefined, config: EngineConfig): string | null {
  const max = action === 'upScale' ? config.maxBrokers : undefined
  const min = action === 'downScale' ? config.minBrokers : undefined
  if (max === undefined && min === undefined) return null
  if (brokers === undefined) return 'the broker count is unknown, so the broker limit cannot be checked'
  if (max !== undefined && brokers >= max) return `${brokers} brokers, maxBrokers is ${max}`
  if (min !== undefined && brokers <= min) return `${brokers} brokers, minBrokers is ${min}`
  return null
}

function addAction(state: EngineState, record: ActionRecord, config: EngineConfig): void {
  state.actions.set(record.id, record)
  let finished = [...state.actions.values()].filter((a) => !OPEN.has(a.state)).length
  for (const a of state.actions.values()) {
    if (finished <= config.maxFinishedActions) break
    if (!OPEN.has(a.state)) {
      state.actions.delete(a.id)
      finished--
    }
  }
}

function cancelIfWaiting(
  state: EngineState,
  id: string,
  alert: Alert,
  journal: EngineJournalEntry[],
  now: number,
) {
  const action = state.actions.get(id)
  if (action === undefined || (action.state !== 'queued' && action.state !== 'proposed')) return
  const remaining = action.fingerprints.filter((f) => f !== alert.fingerprint)
  if (remaining.length > 0) {
    state.actions.set(id, { ...action, fingerprints: remaining, updatedAt: now })
    return
  }
  state.actions.set(id, {
    ...action,
    fingerprints: remaining,
    state: 'cancelled',
    updatedAt: now,
    message: 'alert resolved before it started',
  })
  journal.push(
    entry(
      'rejected',
      'AlertResolvedBeforeStart',
      `${action.action} on ${action.target} cancelled: its alert resolved`,
      action,
    ),
  )
}

function onApprove(prev: EngineState, id: string, config: EngineConfig, now: number): EngineResult {
  const action = prev.actions.get(id)
  if (action === undefined) return { state: prev, start: [], journal: [], outcome: 'not-found' }
  if (action.state !== 'proposed') return { state: prev, start: [], journal: [], outcome: 'invalid-state' }
  const state = copy(prev)
  state.actions.set(id, { ...action, state: 'queued', updatedAt: now })
  const journal = [entry('planned', 'Approved', `${action.action} on ${action.target} approved`, action)]
  return startQueued(state, journal, config, now, 'ok')
}

function onFinished(
  prev: EngineState,
  event: Extract<EngineEvent, { type: 'finished' }>,
  config: EngineConfig,
  now: number,
): EngineResult {
  const { id, ok, message, details } = event
  const action = prev.actions.get(id)
  if (action === undefined) return { state: prev, start: [], journal: [], outcome: 'not-found' }
  if (action.state !== 'running') return { state: prev, start: [], journal: [], outcome: 'invalid-state' }
  const state = copy(prev)
  const dry = action.dryRun === true
  const done = dry ? 'planned' : 'succeeded'
  state.actions.set(id, { ...action, state: ok ? done : 'failed', updatedAt: now, message })
  const journal = [
    entry(
      ok ? (dry ? 'planned' : 'verified') : 'failed',
      dry ? (ok ? 'DryRunPlanned' : 'DryRunFailed') : ok ? 'ActionSucceeded' : 'ActionFailed',
      `${action.action} on ${action.target}${dry ? ' (dry-run)' : ''}: ${message}`,
      action,
      details,
    ),
  ]
  return startQueued(state, journal, config, now, 'ok')
}

/** Starts every queued action whose cluster is free (for disruptive ones) and whose cooldown has passed. */
function startQueued(
  state: EngineState,
  journal: EngineJournalEntry[],
  config: EngineConfig,
  now: number,
  outcome: EngineResult['outcome'],
): EngineResult {
  const start: ActionRecord[] = []
  const busy = new Set(
    [...state.actions.values()]
      .filter((a) => a.state === 'running' && a.disruptive && a.dryRun !== true)
      .map((a) => a.cluster),
  )
  for (const a of [...state.actions.values()]) {
    if (a.state !== 'queued') continue
    if (a.disruptive && busy.has(a.cluster)) {
      if (a.message === undefined) {
        state.actions.set(a.id, {
          ...a,
          message: `waits: another disruptive action runs on cluster ${a.cluster}`,
        })
        journal.push(
          entry(
            'planned',
            'QueuedClusterBusy',
            `${a.action} on ${a.target} queued: cluster ${a.cluster} is busy`,
            a,
          ),
        )
      }
      continue
    }
    const last = state.lastStart.get(a.target)
    if (last !== undefined && now - last < config.cooldownMs) continue
    const running: ActionRecord = { ...a, state: 'running', updatedAt: now, message: undefined }
    state.actions.set(a.id, running)
    state.lastStart.set(a.target, now)
    if (a.disruptive) busy.add(a.cluster)
    start.push(running)
    journal.push(
      entry('started', 'ActionStarted', `${a.action} on ${a.target} started`, a, { params: a.params }),
    )
  }
  return { state, start, journal, outcome }
}
