// `autopilot rebalance …`: replica reassignment. `plan --from-file` (offline: a cluster file in, Kafka's
// reassignment JSON out) lives here; `execute`, `status` and `cancel` (on a live cluster, through the throttled
// executor) each live in rebalance/ and register themselves through REBALANCE_SUBCOMMANDS at the bottom.
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { parseClusterFile } from '../../analyzer/rebalance/input.ts'
import { planReassignment } from '../../analyzer/rebalance/plan.ts'
import type { RebalanceBroker, RebalanceInput, RebalanceReport } from '../../analyzer/rebalance/types.ts'
import { AutopilotError } from '../../errors.ts'
import { registerCancel } from './rebalance/cancel.ts'
import { registerExecute } from './rebalance/execute.ts'
import { parseAddBroker, parseBrokerId } from './rebalance/flags.ts'
import { readJsonFile } from './rebalance/live-plan.ts'
import { type CommandDeps, commandDeps } from './rebalance/session.ts'
import { registerStatus } from './rebalance/status.ts'

export interface RebalancePlanFlags {
  fromFile?: string
  addBroker?: RebalanceBroker[]
  removeBroker?: number[]
  json?: boolean
}

/** stdout and readFile for `plan`; the live subcommands also take the rest of CommandDeps (defaults: the process). */
export interface RebalanceDeps extends Partial<Omit<CommandDeps, 'stdout' | 'readFile'>> {
  stdout: CommandDeps['stdout']
  readFile: (path: string) => Promise<string>
}

export { parseAddBroker, parseBrokerId }

async function readCluster(file: string, deps: RebalanceDeps): Promise<RebalanceInput> {
  return parseClusterFile(await readJsonFile(file, deps.readFile, '--from-file'), file)
}

/**
 * --add-broker: a broker listed in the file is taken as listed (it may already be registered and empty);
 * one that is not is added, with the rack given as ID:RACK. When the file's brokers have racks, a new broker
 * needs one too, or rack awareness would be off for the whole plan.
 */
function withAddedBrokers(input: RebalanceInput, added: RebalanceBroker[]): RebalanceInput {
  const brokers = [...input.brokers]
  const racked = brokers.some((b) => b.rack)
  for (const add of added) {
    const listed = brokers.find((b) => b.id === add.id)
    if (listed) {
      if (add.rack && (listed.rack ?? null) !== add.rack) {
        throw new AutopilotError(
          'AP_ERR_USAGE',
          `--add-broker ${add.id}:${add.rack}: broker ${add.id} is in the file with rack ${listed.rack ?? '(none)'}`,
          { field: '--add-broker', hint: 'drop the rack from the flag or fix it in the file' },
        )
      }
      continue
    }
    if (racked && !add.rack) {
      throw new AutopilotError('AP_ERR_USAGE', `--add-broker ${add.id}: the brokers in the file have racks`, {
        field: '--add-broker',
        hint: `give the new broker's rack as ${add.id}:RACK`,
      })
    }
    brokers.push(add)
  }
  return { ...input, brokers }
}

export async function runRebalancePlan(
  flags: RebalancePlanFlags,
  deps: RebalanceDeps,
): Promise<RebalanceReport> {
  if (flags.fromFile === undefined) {
    throw new AutopilotError('AP_ERR_USAGE', '--from-file is required', {
      field: '--from-file',
      hint: 'a JSON file {"brokers":[{"id","rack"}],"partitions":[{"topic","partition","replicas"}]}',
    })
  }
  const added = flags.addBroker ?? []
  const removed = flags.removeBroker ?? []
  const input = withAddedBrokers(await readCluster(flags.fromFile, deps), added)
  for (const id of removed) {
    if (!input.brokers.some((b) => b.id === id)) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `--remove-broker ${id}: broker ${id} is not in ${flags.fromFile}`,
        {
          field: '--remove-broker',
        },
      )
    }
    if (added.some((b) => b.id === id)) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `broker ${id} is given to both --add-broker and --remove-broker`,
        {
          field: '--remove-broker',
        },
      )
    }
  }
  const report = planReassignment(input, { remove: removed })
  deps.stdout.write(flags.json ? `${JSON.stringify(planJson(report), null, 2)}\n` : planText(report, input))
  return report
}

export function planJson(report: RebalanceReport) {
  return {
    moves: report.moves,
    leaderMoves: report.leaderMoves,
    ...(report.bytesMoved === null ? {} : { bytesMoved: report.bytesMoved }),
    lowerBound: report.lowerBound,
    balanced: report.balanced,
    warnings: report.warnings.map(({ code, message }) => ({ code, message })),
    plan: report.plan,
    rollback: report.rollback,
  }
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
}

export function planText(report: RebalanceReport, input: RebalanceInput): string {
  const moved = new Map<number, { in: number; out: number }>()
  const at = (id: number) => moved.get(id) ?? moved.set(id, { in: 0, out: 0 }).get(id)!
  for (const c of report.changes) {
    for (const b of c.after) if (!c.before.includes(b)) at(b).in++
    for (const b of c.before) if (!c.after.includes(b)) at(b).out++
  }
  const replicas = input.partitions.reduce((a, p) => a + p.replicas.length, 0)
  const kept = report.brokers.filter((b) => b.role === 'kept').length
  const lines = [
    `Rebalance plan: ${input.partitions.length} partitions, ${replicas} replicas, ${kept} brokers after the plan`,
    `Moves: ${report.moves} replica copies (lower bound ${report.lowerBound.moves}), ${report.leaderMoves} preferred-leader changes (lower bound ${report.lowerBound.leaderMoves})${report.bytesMoved === null ? '' : `, ${bytes(report.bytesMoved)} copied`}`,
    `Partitions changed: ${report.changes.length}`,
    '',
    ...table([
      ['BROKER', 'RACK', 'ROLE', 'IN', 'OUT', 'REPLICAS', 'TARGET', 'LEADERS', 'TARGET'],
      ...report.brokers.map((b) => [
        String(b.id),
        b.rack ?? '-',
        b.role,
        String(moved.get(b.id)?.in ?? 0),
        String(moved.get(b.id)?.out ?? 0),
        `${b.replicas.before} → ${b.replicas.after}`,
        b.role === 'kept' ? `${b.replicas.target[0]}–${b.replicas.target[1]}` : '0',
        `${b.leaders.before} → ${b.leaders.after}`,
        b.role === 'kept' ? `${b.leaders.target[0]}–${b.leaders.target[1]}` : '0',
      ]),
    ]),
  ]
  if (report.warnings.length > 0) lines.push('', 'WARNINGS', ...report.warnings.map((w) => `- ${w.message}`))
  lines.push(
    '',
    report.changes.length === 0
      ? 'Nothing to reassign.'
      : 'Run with --json for the reassignment (plan) and its rollback, in the format of kafka-reassign-partitions.',
  )
  return `${lines.join('\n')}\n`
}

function registerPlan(rebalance: Command, deps: RebalanceDeps): void {
  rebalance
    .command('plan')
    .description('plan a balanced reassignment with the fewest replica moves (offline, from a cluster file)')
    .option(
      '--from-file <file>',
      'cluster JSON: {"brokers":[{"id","rack"}],"partitions":[{"topic","partition","replicas"}]}',
    )
    .option(
      '--add-broker <id[:rack]>',
      'broker joining the cluster (repeatable); a listed id is used as listed',
      parseAddBroker,
    )
    .option('--remove-broker <id>', 'broker to drain: every replica moves off it (repeatable)', parseBrokerId)
    .option('--json', 'print {moves, leaderMoves, plan, rollback, …} as JSON')
    .action(async (flags: RebalancePlanFlags) => {
      await runRebalancePlan(flags, deps)
    })
}

/** One register function per subcommand. */
const REBALANCE_SUBCOMMANDS: Array<(rebalance: Command, deps: RebalanceDeps) => void> = [
  registerPlan,
  (rebalance, deps) => registerExecute(rebalance, commandDeps(deps)),
  (rebalance, deps) => registerStatus(rebalance, commandDeps(deps)),
  (rebalance, deps) => registerCancel(rebalance, commandDeps(deps)),
]

export function registerRebalance(
  program: Command,
  deps: RebalanceDeps = { stdout: process.stdout, readFile: (p) => readFile(p, 'utf8') },
): void {
  const rebalance = program
    .command('rebalance')
    .description('replica reassignment: plan, execute (throttled, with progress), status, cancel')
  for (const register of REBALANCE_SUBCOMMANDS) register(rebalance, deps)
}
