// `autopilot plan scale-out --apply-kafka`: (1) increase partitions of the topics the plan grows (never shrink),
// (2) plan a rebalance of the live replicas with src/analyzer/rebalance, (3) run it with the throttled executor,
// (4) print a summary. Every step goes to the journal; --dry-run prints the steps and changes nothing.
import {
  type PartitionIncrease,
  type PartitionSkip,
  partitionIncreases,
  rebalanceInput,
} from '../../analyzer/capacity/apply-steps.ts'
import type { PartitionChange } from '../../analyzer/capacity/partitions.ts'
import { planReassignment } from '../../analyzer/rebalance/plan.ts'
import type { RebalanceReport } from '../../analyzer/rebalance/types.ts'
import { AutopilotError } from '../../errors.ts'
import {
  type ExecuteOptions,
  executePlan,
  type ReassignmentExecution,
  toJournalEntry,
} from '../../executor/reassignment/index.ts'
import type { ExecutionResult, ProgressSnapshot } from '../../executor/reassignment/types.ts'
import type { JournalEntryInput } from '../../journal/journal.ts'
import type { ClusterMetadata, KafkaAdminPort } from '../../kafka/port.ts'
import { pollUntil } from '../../kafka/wait.ts'

const SCALER = 'plan-scale-out'
const METADATA_WAIT_MS = 15_000

export interface ApplyOptions {
  dryRun: boolean
  /** Bytes/s; undefined = the executor's default. */
  throttleBytesPerSec?: number
  /** Topic globs limiting both steps; empty = every topic. */
  only: string[]
  pollIntervalMs?: number
}

export interface ApplyDeps {
  port: KafkaAdminPort
  /** null in dry-run. */
  journal: ((entry: JournalEntryInput) => unknown) | null
  stdout: { write(text: string): unknown; isTTY?: boolean }
  now: () => number
  execute?: (port: KafkaAdminPort, plan: unknown, options: ExecuteOptions) => Promise<ReassignmentExecution>
}

export interface ApplySummary {
  dryRun: boolean
  increases: PartitionIncrease[]
  skipped: PartitionSkip[]
  moves: number
  leaderMoves: number
  partitionsReassigned: number
  outcome: 'completed' | 'nothing-to-move' | 'dry-run' | ExecutionResult['state']
  result: Pick<ExecutionResult, 'executionId' | 'state' | 'outcome' | 'error' | 'warnings'> | null
  warnings: string[]
}

function liveCounts(meta: ClusterMetadata): Map<string, number> {
  return new Map(meta.topics.map((t) => [t.name, t.partitions.length]))
}

function formatProgress(s: ProgressSnapshot): string {
  const { done, total, inFlight, notMoved } = s.counts
  const bytes = s.bytes
    ? `, ${(s.bytes.copied / 1048576).toFixed(1)}/${(s.bytes.total / 1048576).toFixed(1)} MiB`
    : ''
  const eta = s.etaMs === null ? '' : `, ETA ${Math.ceil(s.etaMs / 1000)}s`
  return `${done}/${total} moves done, ${inFlight} in flight${notMoved ? `, ${notMoved} not moved` : ''}${bytes}${eta}`
}

function bar(s: ProgressSnapshot, width = 30): string {
  const frac = s.counts.total === 0 ? 1 : s.counts.done / s.counts.total
  const full = Math.round(frac * width)
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${formatProgress(s)}`
}

async function follow(run: ReassignmentExecution, out: ApplyDeps['stdout']): Promise<void> {
  let last = ''
  for await (const s of run.updates()) {
    const line = formatProgress(s)
    if (line === last) continue
    last = line
    if (out.isTTY) out.write(`\r\x1b[2K${bar(s)}`)
    else out.write(`  progress: ${line}\n`)
  }
  if (out.isTTY) out.write('\n')
}

async function increasePartitions(
  deps: ApplyDeps,
  increases: PartitionIncrease[],
  dryRun: boolean,
): Promise<void> {
  const out = deps.stdout
  for (const inc of increases) {
    const message = `topic ${inc.topic}: ${inc.from} → ${inc.to} partitions`
    if (dryRun) {
      out.write(`  would increase ${message}\n`)
      continue
    }
    try {
      await deps.port.createPartitions(inc.topic, inc.to)
    } catch (cause) {
      deps.journal?.({
        at: deps.now(),
        kind: 'action',
        scaler: SCALER,
        target: `topic ${inc.topic}`,
        reason: 'partitions-increase-failed',
        message: `${message} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        inputs: inc,
        outcome: 'failed',
      })
      throw cause
    }
    deps.journal?.({
      at: deps.now(),
      kind: 'action',
      scaler: SCALER,
      target: `topic ${inc.topic}`,
      reason: 'partitions-increased',
      message,
      inputs: inc,
      outcome: 'applied',
    })
    out.write(`  increased ${message}\n`)
  }
  if (dryRun || increases.length === 0) return
  // CreatePartitions answers before every broker's metadata shows the new partitions: wait (bounded) for them.
  const settled = await pollUntil(async () => {
    const counts = liveCounts(await deps.port.metadata({ topics: increases.map((i) => i.topic) }))
    return increases.every((i) => (counts.get(i.topic) ?? 0) >= i.to)
  }, METADATA_WAIT_MS)
  if (!settled) {
    throw new AutopilotError('AP_ERR_TIMEOUT', 'the new partitions did not show in the metadata in time', {
      hint: 'run the command again: topics already at their target are skipped',
    })
  }
}

/** Runs the steps; throws AutopilotError when a step fails or the reassignment does not complete. */
export async function applyScaleOut(
  changes: readonly PartitionChange[],
  options: ApplyOptions,
  deps: ApplyDeps,
): Promise<ApplySummary> {
  const out = deps.stdout
  const { dryRun, only } = options
  out.write(`\nAPPLY${dryRun ? ' (dry run: nothing is changed)' : ''}\n`)
  const before = await deps.port.metadata()
  const { increases, skipped } = partitionIncreases(changes, before.topics, only)
  for (const s of skipped) {
    out.write(
      s.reason === 'not-in-cluster'
        ? `  skipped topic ${s.topic}: not in the cluster\n`
        : `  skipped topic ${s.topic}: already ${s.live} partitions (target ${s.target})\n`,
    )
  }
  await increasePartitions(deps, increases, dryRun)
  const meta = dryRun ? before : await deps.port.metadata()
  const report: RebalanceReport = planReassignment(rebalanceInput(meta, only))
  const warnings = report.warnings.map((w) => w.message)
  deps.journal?.({
    at: deps.now(),
    kind: 'decision',
    scaler: SCALER,
    target: 'cluster',
    reason: 'rebalance-planned',
    message: `rebalance: ${report.moves} replica moves, ${report.leaderMoves} leader moves, ${report.plan.partitions.length} partitions`,
    inputs: {
      moves: report.moves,
      leaderMoves: report.leaderMoves,
      plan: report.plan,
      rollback: report.rollback,
    },
    outcome: null,
  })
  out.write(
    `  rebalance${dryRun ? ' (on the current assignment; Kafka places the new partitions when applied)' : ''}: ` +
      `${report.moves} replica moves, ${report.leaderMoves} leader moves, ${report.plan.partitions.length} partitions to reassign\n`,
  )
  for (const w of warnings) out.write(`  warning: ${w}\n`)
  const base = {
    dryRun,
    increases,
    skipped,
    moves: report.moves,
    leaderMoves: report.leaderMoves,
    partitionsReassigned: report.plan.partitions.length,
    warnings,
  }
  let summary: ApplySummary
  if (dryRun) summary = { ...base, outcome: 'dry-run', result: null }
  else if (report.plan.partitions.length === 0)
    summary = { ...base, outcome: 'nothing-to-move', result: null }
  else {
    const execute = deps.execute ?? executePlan
    const journal = deps.journal
    const run = await execute(deps.port, report.plan, {
      ...(options.throttleBytesPerSec === undefined
        ? {}
        : { throttleBytesPerSec: options.throttleBytesPerSec }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(journal ? { journal: (e) => void journal(toJournalEntry(e, SCALER)) } : {}),
    })
    out.write(`  reassignment ${run.id} started\n`)
    const [result] = await Promise.all([run.done, follow(run, out)])
    const { executionId, state, outcome, error } = result
    summary = {
      ...base,
      outcome: state,
      result: { executionId, state, outcome, error, warnings: result.warnings },
      warnings: [...warnings, ...result.warnings],
    }
  }
  out.write(summaryText(summary))
  if (summary.result && summary.result.state !== 'completed') {
    const r = summary.result
    throw new AutopilotError(
      r.state === 'cancelled' ? 'AP_ERR_CONFLICT' : 'AP_ERR_KAFKA',
      `reassignment ${r.executionId} ${r.state} (cluster left ${r.outcome ?? 'unknown'})${r.error ? `: ${r.error.message}` : ''}`,
      { hint: 'see docs/rebalancing.md; `autopilot decisions --journal FILE` lists every step' },
    )
  }
  return summary
}

export function summaryText(s: ApplySummary): string {
  const lines = ['', `SUMMARY${s.dryRun ? ' (dry run)' : ''}`]
  if (s.increases.length === 0) lines.push('  partitions: no topic to grow')
  for (const i of s.increases) lines.push(`  partitions: ${i.topic} ${i.from} → ${i.to} (+${i.to - i.from})`)
  lines.push(`  replica moves: ${s.moves}`, `  leader moves: ${s.leaderMoves}`)
  const r = s.result
  lines.push(`  outcome: ${s.outcome}${r?.outcome ? ` (${r.outcome})` : ''}${r ? ` [${r.executionId}]` : ''}`)
  for (const w of r?.warnings ?? []) lines.push(`  warning: ${w}`)
  return `${lines.join('\n')}\n`
}
