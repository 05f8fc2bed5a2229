// `autopilot rebalance execute`: runs a plan (a file, or planned here from the live cluster) with the throttled
// executor. Output: on a terminal a progress bar with the executor's steps above it; in a pipe plain lines;
// with --json one JSON object per line, each executor event as it happens (`{"kind":"planned",…}`, …) and last
// `{"kind":"result",…}` (the ExecutionResult). Ctrl-C cancels: in-flight moves are reverted (Kafka restores their
// original replicas), throttles cleared, exit 130. A second Ctrl-C exits at once, leaving the cleanup to
// `autopilot rebalance cancel`.
import type { Command } from 'commander'
import { AutopilotError } from '../../../errors.ts'
import type { ReassignmentEvent } from '../../../executor/reassignment/events.ts'
import { executePlan } from '../../../executor/reassignment/execute.ts'
import { buildMoves, sizesFromLogDirs } from '../../../executor/reassignment/moves.ts'
import { DEFAULT_THROTTLE_BYTES_PER_SEC } from '../../../executor/reassignment/options.ts'
import type { ExecutionResult, Move, ReassignmentPlan } from '../../../executor/reassignment/types.ts'
import type { KafkaAdminPort } from '../../../kafka/port.ts'
import {
  formatBytes,
  formatDuration,
  formatThrottle,
  ProgressRenderer,
  progressText,
} from '../../progress.ts'
import {
  addClusterOptions,
  brokerIdFlag,
  type ClusterFlags,
  collectFlag,
  connectionOptions,
  intFlag,
  parseAddBroker,
  parseThrottle,
} from './flags.ts'
import { checkPlanSource, type PlanSourceFlags, planFromCluster, readPlanFile } from './live-plan.ts'
import { type CommandDeps, EXIT_INTERRUPTED, jsonLine, onCtrlC, withPort } from './session.ts'

export interface ExecuteFlags extends ClusterFlags, PlanSourceFlags {
  /** Bytes/s; null = unthrottled (`--throttle none`); undefined = the executor's default. */
  throttle?: number | null
  maxMovesPerBroker?: number
  maxMoves?: number
  pollInterval?: number
  dryRun?: boolean
  json?: boolean
}

export { EXIT_INTERRUPTED }

function moveLine(m: Move): string {
  const size =
    m.sizeBytes === null || m.kind !== 'copy' ? '' : `, ${formatBytes(m.sizeBytes * m.adding.length)}`
  return `  ${m.topic}-${m.partition}: [${m.from.join(',')}] → [${m.to.join(',')}] (${m.kind}${size})`
}

async function dryRun(port: KafkaAdminPort, plan: ReassignmentPlan, flags: ExecuteFlags, deps: CommandDeps) {
  const metadata = await port.metadata()
  const sizes = sizesFromLogDirs(await port.describeLogDirs().catch(() => []))
  const moves = buildMoves(plan, metadata, sizes)
  const throttle = flags.throttle === undefined ? DEFAULT_THROTTLE_BYTES_PER_SEC : flags.throttle
  if (flags.json) {
    deps.stdout.write(jsonLine({ kind: 'dry-run', throttleBytesPerSec: throttle, plan, moves }))
    return 0
  }
  const copies = moves.filter((m) => m.kind === 'copy').length
  deps.stdout.write(
    `Dry run: nothing is changed. ${moves.length} partitions in the plan, ${copies} to copy, ${formatThrottle(throttle)}\n` +
      `${moves.map(moveLine).join('\n')}\n`,
  )
  return 0
}

function resultText(r: ExecutionResult): string {
  const p = progressText({ ...r.progress, state: 'running', etaMs: null })
  const took = formatDuration(r.progress.at - r.progress.startedAt)
  const lines = [`Rebalance ${r.state} in ${took}: ${p} (execution ${r.executionId})`]
  if (r.outcome) lines.push(`cluster left: ${r.outcome}`)
  if (r.error) lines.push(`error in ${r.error.step}: ${r.error.message}`)
  if (r.election && r.election.failed.length > 0)
    lines.push(`preferred leader election failed for ${r.election.failed.length} partitions`)
  lines.push(`throttles: ${r.throttles.cleared ? 'cleared' : r.throttles.set ? 'LEFT SET' : 'none set'}`)
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  return `${lines.join('\n')}\n`
}

/** The hint of a refusal names the CLI commands rather than the executor's functions. */
function cliRefusal(error: unknown): unknown {
  if (!AutopilotError.is(error) || error.code !== 'AP_ERR_CONFLICT') return error
  return new AutopilotError(error.code, error.message, {
    ...(error.field === 'existingThrottles' ? {} : { field: '--plan' }),
    hint: 'see it with `autopilot rebalance status`; revert it and clear throttles with `autopilot rebalance cancel`',
    ...(error.details ? { details: error.details } : {}),
    cause: error,
  })
}

/** Returns the exit code: 0 completed (or nothing to do), 130 interrupted, 1 failed or cancelled by someone else. */
export async function runRebalanceExecute(flags: ExecuteFlags, deps: CommandDeps): Promise<number> {
  checkPlanSource(flags)
  const connection = connectionOptions(flags, 'autopilot-rebalance')
  const fromFile = flags.plan === undefined ? null : await readPlanFile(flags.plan, deps.readFile)
  return withPort(deps, connection, async (port) => {
    let plan = fromFile
    if (plan === null) {
      const live = planFromCluster(await port.metadata(), flags)
      if (!flags.json) {
        deps.stdout.write(
          `Planned from the live cluster: ${live.report.moves} replica moves, ${live.report.leaderMoves} leader changes, ${live.report.changes.length} partitions\n`,
        )
      }
      if (live.plan === null) {
        deps.stdout.write(
          flags.json ? jsonLine({ kind: 'result', state: 'nothing-to-do' }) : 'Nothing to reassign.\n',
        )
        return 0
      }
      plan = live.plan
    }
    if (flags.dryRun) return dryRun(port, plan, flags, deps)
    const renderer = new ProgressRenderer(deps.stdout, {
      throttle: flags.throttle === undefined ? DEFAULT_THROTTLE_BYTES_PER_SEC : flags.throttle,
    })
    const journal = (e: ReassignmentEvent) => {
      if (flags.json) deps.stdout.write(jsonLine(e))
      else renderer.event(e)
    }
    const controller = new AbortController()
    const stopListening = onCtrlC(
      deps,
      () => {
        const note =
          'interrupted: reverting in-flight moves and clearing throttles (Ctrl-C again to exit now)'
        if (flags.json) deps.stderr.write(`${note}\n`)
        else renderer.line(note)
        controller.abort()
      },
      'exiting without cleanup: run `autopilot rebalance cancel --bootstrap-server …` to revert and clear throttles',
    )
    try {
      const execution = await executePlan(port, plan, {
        journal,
        signal: controller.signal,
        ...(flags.throttle === undefined ? {} : { throttleBytesPerSec: flags.throttle }),
        ...(flags.maxMovesPerBroker === undefined ? {} : { maxMovesPerBroker: flags.maxMovesPerBroker }),
        ...(flags.maxMoves === undefined ? {} : { maxMoves: flags.maxMoves }),
        ...(flags.pollInterval === undefined ? {} : { pollIntervalMs: flags.pollInterval }),
      }).catch((error: unknown) => {
        throw cliRefusal(error)
      })
      if (!flags.json) for await (const s of execution.updates()) renderer.update(s)
      const result = await execution.done
      renderer.end()
      deps.stdout.write(flags.json ? jsonLine({ kind: 'result', ...result }) : resultText(result))
      if (result.state === 'completed') return 0
      const left =
        result.throttles.set && !result.throttles.cleared
          ? '; throttles LEFT SET: run `autopilot rebalance cancel` once Kafka answers'
          : ''
      if (result.cancelReason === 'aborted') {
        deps.stderr.write(`rebalance interrupted: in-flight moves reverted${left}\n`)
        return EXIT_INTERRUPTED
      }
      deps.stderr.write(
        result.state === 'failed'
          ? `rebalance failed: ${result.error?.message ?? 'unknown error'}${left}\n`
          : `rebalance cancelled by another process or a change in the cluster${left}\n`,
      )
      return 1
    } finally {
      stopListening()
    }
  })
}

export function registerExecute(rebalance: Command, deps: CommandDeps): void {
  addClusterOptions(
    rebalance
      .command('execute')
      .description(
        'run a reassignment with throttles and per-broker limits: a --plan file, or planned from the live cluster',
      ),
  )
    .option(
      '--plan <file>',
      'reassignment JSON ({"version":1,"partitions":[…]}) or `rebalance plan --json` output',
    )
    .option(
      '--add-broker <id>',
      'live broker to fill (repeatable); planned from the live cluster',
      parseAddBroker,
    )
    .option(
      '--remove-broker <id>',
      'broker to drain completely (repeatable); planned from the live cluster',
      brokerIdFlag('--remove-broker'),
    )
    .option(
      '--topic <glob>',
      'plan only these topics (repeatable; default every non-internal topic)',
      collectFlag('--topic'),
    )
    .option(
      '--throttle <bytes/s>',
      `replication throttle per broker: 10485760, 10MiB, 500KB/s or none (default ${formatBytes(DEFAULT_THROTTLE_BYTES_PER_SEC)}/s)`,
      parseThrottle,
    )
    .option(
      '--max-moves-per-broker <n>',
      'copies at once per broker (default 5)',
      intFlag('--max-moves-per-broker', 1),
    )
    .option('--max-moves <n>', 'moves at once in the cluster (default 50)', intFlag('--max-moves', 1))
    .option(
      '--poll-interval <ms>',
      'how often progress is read (default 2000)',
      intFlag('--poll-interval', 10),
    )
    .option('--dry-run', 'print the moves and throttle; change nothing')
    .option('--json', 'JSON lines: each executor event, then {"kind":"result",…}')
    .action(async (flags: ExecuteFlags) => {
      process.exitCode = await runRebalanceExecute(flags, deps)
    })
}
