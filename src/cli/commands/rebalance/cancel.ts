// `autopilot rebalance cancel`: reverts the ongoing reassignments (Kafka restores their original replicas) and
// clears the replication throttles, from any process: after a crash, a second Ctrl-C, or another tool's run.
// Without --topic it takes the whole cluster (every ongoing reassignment, every replication throttle); --topic
// limits it to those topics and the brokers holding them. Output as `rebalance execute` (--json: JSON lines).
import type { Command } from 'commander'
import type { ReassignmentEvent } from '../../../executor/reassignment/events.ts'
import { cancel } from '../../../executor/reassignment/recover.ts'
import { ProgressRenderer, progressText } from '../../progress.ts'
import { addClusterOptions, type ClusterFlags, collectFlag, connectionOptions, intFlag } from './flags.ts'
import { type CommandDeps, jsonLine, withPort } from './session.ts'
import { topicScope } from './status.ts'

export interface CancelFlags extends ClusterFlags {
  topic?: string[]
  pollInterval?: number
  json?: boolean
}

/** Returns the exit code: 0 when nothing was left or everything was reverted and cleared, 1 otherwise. */
export async function runRebalanceCancel(flags: CancelFlags, deps: CommandDeps): Promise<number> {
  const connection = connectionOptions(flags, 'autopilot-rebalance')
  return withPort(deps, connection, async (port) => {
    const renderer = new ProgressRenderer(deps.stdout)
    const journal = (e: ReassignmentEvent) => {
      if (flags.json) deps.stdout.write(jsonLine(e))
      else renderer.event(e)
    }
    const scope = await topicScope(port, flags.topic)
    const recovery = await cancel(port, {
      journal,
      ...(scope === undefined ? {} : { scope }),
      ...(flags.pollInterval === undefined ? {} : { pollIntervalMs: flags.pollInterval }),
    })
    if (recovery.execution === null) {
      deps.stdout.write(
        flags.json
          ? jsonLine({ kind: 'result', state: 'nothing-to-do' })
          : 'Nothing to cancel: no reassignment in progress and no replication throttle set.\n',
      )
      return 0
    }
    if (!flags.json) for await (const s of recovery.execution.updates()) renderer.update(s)
    const result = await recovery.execution.done
    renderer.end()
    const ok = result.error === null && result.throttles.cleared
    if (flags.json) deps.stdout.write(jsonLine({ kind: 'result', ...result }))
    else {
      deps.stdout.write(
        `${ok ? 'cancelled' : 'cancel FAILED'}: ${progressText(result.progress)}; throttles ${result.throttles.cleared ? 'cleared' : 'LEFT SET'}\n`,
      )
      for (const w of result.warnings) deps.stdout.write(`warning: ${w}\n`)
    }
    if (!ok)
      deps.stderr.write(`rebalance cancel failed: ${result.error?.message ?? 'throttles were not cleared'}\n`)
    return ok ? 0 : 1
  })
}

export function registerCancel(rebalance: Command, deps: CommandDeps): void {
  addClusterOptions(
    rebalance
      .command('cancel')
      .description(
        'revert ongoing reassignments and clear replication throttles (whole cluster, or --topic)',
      ),
  )
    .option('--topic <glob>', 'only these topics (repeatable)', collectFlag('--topic'))
    .option(
      '--poll-interval <ms>',
      'how often progress is read (default 2000)',
      intFlag('--poll-interval', 10),
    )
    .option('--json', 'JSON lines: each step, then {"kind":"result",…}')
    .action(async (flags: CancelFlags) => {
      process.exitCode = await runRebalanceCancel(flags, deps)
    })
}
