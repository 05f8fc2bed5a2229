// One Strimzi KafkaRebalance from creation to the end: create it (mode add-brokers / remove-brokers / full,
// labelled with the cluster), wait for status condition ProposalReady, approve it with the annotation
// strimzi.io/rebalance=approve, wait for Ready, then delete it (unless kept). NotReady and Stopped end the wait
// with an error carrying Strimzi's reason and message; each wait has its own timeout.
import { AutopilotError } from '../../../errors.ts'
import { asRecord } from '../../kubernetes/client.ts'
import { pollUntil } from '../common.ts'
import { type CollectionRef, describeObject, type Json, type KubeObjects, type ObjectRef } from '../kube.ts'
import { CLUSTER_LABEL } from './pool.ts'

export const REBALANCE_ANNOTATION = 'strimzi.io/rebalance'
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kafka-autopilot' }

const STATES = new Set([
  'New',
  'PendingProposal',
  'ProposalReady',
  'Rebalancing',
  'Ready',
  'NotReady',
  'Stopped',
  'ReconciliationPaused',
])

export interface RebalanceState {
  state: string | undefined
  reason?: string
  message?: string
  summary?: Json
}

/** The state is the type of the condition whose status is "True" (Strimzi keeps one, plus warnings). */
export function rebalanceState(object: Json): RebalanceState {
  const status = asRecord(object.status)
  const conditions = Array.isArray(status?.conditions) ? status.conditions : []
  for (const item of conditions) {
    const c = asRecord(item)
    if (c?.status !== 'True' || typeof c.type !== 'string' || !STATES.has(c.type)) continue
    return {
      state: c.type,
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
      ...(typeof c.message === 'string' ? { message: c.message } : {}),
      ...(asRecord(status?.optimizationResult) ? { summary: asRecord(status?.optimizationResult) } : {}),
    }
  }
  return { state: undefined }
}

export interface RebalanceRun {
  objects: KubeObjects
  collection: CollectionRef
  cluster: string
  spec: Json
  dryRun: boolean
  signal?: AbortSignal
  journal: (step: string, message: string, details?: Record<string, unknown>) => void
  pollIntervalMs: number
  proposalTimeoutMs: number
  rebalanceTimeoutMs: number
  keep: boolean
  /** Checked before approving: a stop asked meanwhile ends the run instead. */
  stopRequested: () => boolean
}

export interface RebalanceOutcome {
  name: string
  summary?: Json
}

export async function runRebalance(run: RebalanceRun): Promise<RebalanceOutcome> {
  const { objects, collection, dryRun, signal, journal } = run
  const mode = String(run.spec.mode)
  const body = {
    apiVersion: `${collection.group}/${collection.version}`,
    kind: 'KafkaRebalance',
    metadata: {
      generateName: `${run.cluster}-autopilot-${mode}-`,
      namespace: collection.namespace,
      labels: { [CLUSTER_LABEL]: run.cluster, ...MANAGED_BY },
    },
    spec: run.spec,
  }
  const created = await objects.create(collection, body, { dryRun, signal })
  const name = asRecord(created.metadata)?.name
  if (typeof name !== 'string' || name === '') {
    if (dryRun) return { name: `${body.metadata.generateName}…` }
    throw new AutopilotError('AP_ERR_KUBERNETES', 'the API server created a KafkaRebalance without a name', {
      retryable: true,
    })
  }
  if (dryRun) return { name }
  const ref: ObjectRef = { ...collection, name }
  const label = describeObject(ref)
  journal(
    'request',
    `created ${label} (${mode}${Array.isArray(run.spec.brokers) ? ` ${run.spec.brokers.join(',')}` : ''})`,
    {
      rebalance: name,
    },
  )
  const wait = (want: string, timeoutMs: number, allowed: string[]) => {
    let last: string | undefined
    return pollUntil(
      {
        what: `${label} to be ${want}`,
        timeoutMs,
        intervalMs: run.pollIntervalMs,
        signal,
        details: { rebalance: name },
        hint: `kubectl -n ${ref.namespace} describe kafkarebalance ${name}`,
      },
      async () => {
        const state = rebalanceState(await objects.get(ref, signal))
        if (state.state !== last) journal('state', `${label} is ${state.state ?? 'new'}`, { rebalance: name })
        last = state.state
        if (state.state === want) return state
        if (state.state === 'NotReady' || state.state === 'Stopped') throw failed(label, state)
        if (state.state !== undefined && !allowed.includes(state.state)) {
          throw failed(label, {
            ...state,
            message: `unexpected state ${state.state} while waiting for ${want}`,
          })
        }
        return undefined
      },
    )
  }
  const proposal = await wait('ProposalReady', run.proposalTimeoutMs, [
    'New',
    'PendingProposal',
    'ReconciliationPaused',
  ])
  if (run.stopRequested()) {
    throw new AutopilotError('AP_ERR_CONFLICT', `${label}: stopped before approval`, {
      details: { rebalance: name },
    })
  }
  journal('approve', `approving ${label}`, { rebalance: name, summary: proposal.summary })
  await objects.patch(
    ref,
    { metadata: { annotations: { [REBALANCE_ANNOTATION]: 'approve' } } },
    { dryRun, signal },
  )
  const done = await wait('Ready', run.rebalanceTimeoutMs, [
    'ProposalReady',
    'Rebalancing',
    'ReconciliationPaused',
  ])
  journal('done', `${label} is Ready`, { rebalance: name })
  if (!run.keep) {
    await objects.delete(ref, { dryRun, signal }).catch((err: unknown) => {
      journal('warning', `could not delete ${label}: ${String((err as Error).message)}`, { rebalance: name })
    })
  }
  return { name, summary: done.summary ?? proposal.summary }
}

function failed(label: string, state: RebalanceState): AutopilotError {
  const why = [state.reason, state.message].filter(Boolean).join(': ')
  return new AutopilotError(
    state.state === 'Stopped' ? 'AP_ERR_CONFLICT' : 'AP_ERR_KAFKA',
    `${label} is ${state.state}${why ? ` (${why})` : ''}`,
    { details: { state: state.state, reason: state.reason } },
  )
}
