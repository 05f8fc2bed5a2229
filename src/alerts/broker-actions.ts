// The broker actions as alert handlers: upScale, downScale, addDisk and resizeDisk run the broker operations
// (src/executor/operations) on the cluster the action names (`clusters.<name>` in the config). An unknown
// cluster, a refusal (AP_ERR_UNSAFE) or a backend that cannot do it ends the action as failed with the reason;
// nothing throws past the handler. Every step of the operation is journaled with the action's id, and the
// outcome carries a summary (moves, brokers, reassignment) that the engine journals with its last step: for a
// dry run (the engine's mode dry-run, daemon --dry-run or `dryRun: "true"`), that summary is the plan.
import type { ActionRecord } from '../analyzer/actions/types.ts'
import { AutopilotError, describeCause } from '../errors.ts'
import {
  addDiskToBroker,
  type BrokerOpsContext,
  type ClusterOps,
  type OperationResult,
  resizeBrokerDisk,
  scaleIn,
  scaleOut,
} from '../executor/operations/index.ts'
import type { Journal, JournalEntryInput } from '../journal/journal.ts'
import type { ActionContext, ActionHandler, ActionHandlers } from './handlers.ts'

export interface BrokerActionsDeps {
  /** The configured clusters by name, ready (admin port and backend built). */
  clusters: ReadonlyMap<string, ClusterOps>
  journal?: Pick<Journal, 'append'>
  /** alerts.minBrokers: downScale never goes below it. */
  minBrokers?: number | undefined
  /** Plan and journal only (daemon --dry-run); an action's `dryRun: "true"` parameter does the same. */
  dryRun?: boolean
  /** Called after each operation (refresh the broker counts). */
  onFinished?: (cluster: string) => void
}

type Run = (
  ctx: BrokerOpsContext,
  params: Record<string, string>,
  dryRun: boolean,
) => Promise<OperationResult>

const RUNS: Record<'upScale' | 'downScale' | 'addDisk' | 'resizeDisk', Run> = {
  upScale: (ctx, p, dryRun) => scaleOut(ctx, { count: intParam(p, 'count') ?? 1, dryRun }),
  downScale: (ctx, p, dryRun) => {
    const id = intParam(p, 'brokerId')
    return scaleIn(ctx, { ...(id !== undefined ? { brokerIds: [id] } : {}), dryRun })
  },
  addDisk: (ctx, p, dryRun) =>
    addDiskToBroker(ctx, {
      brokerId: requiredInt(p, 'brokerId'),
      disk: {
        size: required(p, 'diskSize'),
        ...(p.mountPath ? { mountPath: p.mountPath } : {}),
        ...(p.storageClass ? { storageClass: p.storageClass } : {}),
      },
      rebalance: p.rebalance === 'true',
      dryRun,
    }),
  resizeDisk: (ctx, p, dryRun) =>
    resizeBrokerDisk(ctx, {
      brokerId: requiredInt(p, 'brokerId'),
      ...(p.diskSize ? { size: p.diskSize } : {}),
      ...(p.incrementBy ? { incrementBy: p.incrementBy } : {}),
      ...(p.mountPath ? { mountPath: p.mountPath } : {}),
      dryRun,
    }),
}

export function createBrokerActions(deps: BrokerActionsDeps): ActionHandlers {
  const handlers: ActionHandlers = {}
  for (const [name, run] of Object.entries(RUNS)) handlers[name] = handler(run, deps)
  return handlers
}

function handler(run: Run, deps: BrokerActionsDeps): ActionHandler {
  return async (action: ActionRecord, context: ActionContext) => {
    const ops = deps.clusters.get(action.cluster)
    if (!ops) {
      const known = [...deps.clusters.keys()]
      return {
        ok: false,
        message: `${action.action}: no cluster "${action.cluster}" in the config (clusters: ${known.length > 0 ? known.join(', ') : 'none configured'}); nothing was changed`,
      }
    }
    const dryRun = deps.dryRun === true || context.dryRun === true || action.params.dryRun === 'true'
    // With a journal, each step is one detailed entry (with the action id); without, a progress line.
    const journal = deps.journal
    const ctx = ops.context({
      signal: context.signal,
      ...(journal
        ? {
            journal: (entry: JournalEntryInput) =>
              journal.append({
                ...entry,
                scaler: action.rule ?? 'alerts',
                inputs: { actionId: action.id, ...((entry.inputs as object | undefined) ?? {}) },
              }),
          }
        : { progress: (message: string) => context.progress(message) }),
      ...(deps.minBrokers !== undefined ? { minBrokers: deps.minBrokers } : {}),
    })
    try {
      const done = await run(ctx, action.params, dryRun)
      return {
        ok: done.ok,
        message: `${dryRun ? 'dry-run: ' : ''}${done.message}`,
        details: summarize(done),
      }
    } catch (err) {
      const code = AutopilotError.is(err) ? `${err.code}: ` : ''
      return {
        ok: false,
        message: `${action.action} on ${action.cluster} failed: ${code}${describeCause(err)}`,
      }
    } finally {
      deps.onFinished?.(action.cluster)
    }
  }
}

/** Partitions of a plan listed in the journal; beyond, only counted (a plan can hold 100,000). */
const PLAN_SAMPLE = 20

/** The journal's view of an operation: counts, brokers, and the reassignment summed up (with a sample). */
export function summarize(done: OperationResult): Record<string, unknown> {
  const { plan, ...rest } = done.details ?? {}
  const out: Record<string, unknown> = {
    dryRun: done.dryRun,
    moves: done.moves,
    brokers: done.brokers,
    ...rest,
  }
  const partitions = (plan as { partitions?: unknown } | undefined)?.partitions
  if (Array.isArray(partitions)) {
    const list = partitions as Array<{ topic: string; partition: number; replicas: number[] }>
    const replicas = new Map<number, number>()
    for (const p of list) for (const b of p.replicas) replicas.set(b, (replicas.get(b) ?? 0) + 1)
    out.reassignment = {
      partitions: list.length,
      topics: new Set(list.map((p) => p.topic)).size,
      // Replicas per broker over the partitions that change, after the move.
      replicasByBroker: Object.fromEntries([...replicas].sort((a, b) => a[0] - b[0])),
      sample: list.slice(0, PLAN_SAMPLE),
      ...(list.length > PLAN_SAMPLE ? { notListed: list.length - PLAN_SAMPLE } : {}),
    }
  }
  return out
}

function intParam(params: Record<string, string>, key: string): number | undefined {
  const raw = params[key]
  if (raw === undefined || raw === '') return undefined
  if (!/^\d{1,9}$/.test(raw)) {
    throw new AutopilotError('AP_ERR_INPUT', `${key} "${raw}" is not a whole number`, { field: key })
  }
  return Number(raw)
}

function requiredInt(params: Record<string, string>, key: string): number {
  const value = intParam(params, key)
  if (value === undefined) throw new AutopilotError('AP_ERR_INPUT', `${key} is required`, { field: key })
  return value
}

function required(params: Record<string, string>, key: string): string {
  const value = params[key]
  if (!value) throw new AutopilotError('AP_ERR_INPUT', `${key} is required`, { field: key })
  return value
}

/** Broker counts per configured cluster from a cached metadata read, for alerts.minBrokers/maxBrokers. */
export class BrokerCounts {
  readonly #clusters: ReadonlyMap<string, ClusterOps>
  readonly #counts = new Map<string, number>()
  #timer: NodeJS.Timeout | null = null

  constructor(clusters: ReadonlyMap<string, ClusterOps>) {
    this.#clusters = clusters
  }

  get = (cluster: string): number | undefined => this.#counts.get(cluster)

  /** Re-reads one cluster (or all); a failed read forgets the count (unknown, so limits refuse). */
  async refresh(cluster?: string): Promise<void> {
    const names = cluster === undefined ? [...this.#clusters.keys()] : [cluster]
    await Promise.all(
      names.map(async (name) => {
        const ops = this.#clusters.get(name)
        if (!ops) return
        try {
          this.#counts.set(name, (await ops.admin.metadata()).brokers.length)
        } catch {
          this.#counts.delete(name)
        }
      }),
    )
  }

  start(intervalMs: number): void {
    if (this.#timer || this.#clusters.size === 0) return
    void this.refresh()
    this.#timer = setInterval(() => void this.refresh(), intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }
}
