// `autopilot plan scale-out`: new Helm values, a diff and the runbook for growing the node pool from N to N+M.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { stringify } from 'yaml'
import { planScaleOut, type ScaleOutPlan } from '../../analyzer/capacity/plan.ts'
import { DEFAULT_RULES, parseScaleRules, type ScaleRules } from '../../analyzer/capacity/rules.ts'
import { AutopilotError } from '../../errors.ts'
import type { JournalEntryInput } from '../../journal/journal.ts'
import { parseBootstrapServers } from '../../kafka/options.ts'
import { readTopicPartitions } from '../../monitor/topic-partitions.ts'
import { type AdminPortFactory, openAdminPort } from '../admin-port.ts'
import { type ApplySummary, applyScaleOut } from './plan-apply.ts'

export interface PlanScaleOutFlags {
  values?: string
  nodes?: number
  add?: number
  rules?: string
  volumeGrowth?: number
  out?: string
  json?: boolean
  bootstrapServer?: string
  release?: string
  namespace?: string
  chart?: string
  chartVersion?: string
  printRules?: boolean
  applyKafka?: boolean
  dryRun?: boolean
  throttle?: number
  journal?: string
  onlyTopic?: string[]
}

/** Where --apply-kafka journals by default: the daemon's default (src/config/daemon.ts). */
export const DEFAULT_APPLY_JOURNAL = '.autopilot/journal.db'

export interface OpenedJournal {
  append(entry: JournalEntryInput): unknown
  close(): void
}

export interface PlanDeps {
  openPort: AdminPortFactory
  stdout: { write(text: string): unknown }
  readFile: (path: string) => Promise<string>
  writeFile: (path: string, text: string) => Promise<void>
  /** --apply-kafka: opens the journal file (created with its folder when missing). */
  openJournal?: (path: string) => Promise<OpenedJournal>
}

async function openSqliteJournal(path: string): Promise<OpenedJournal> {
  await mkdir(dirname(resolve(path)), { recursive: true })
  const { SqliteJournal } = await import('../../journal/sqlite-journal.ts')
  return new SqliteJournal({ path: resolve(path) })
}

/** `1.5`, `1.5x`, `50%` or `+50%` → a multiplier. */
export function parseGrowth(value: string): number {
  const text = value.trim()
  const percent = /^\+?(\d+(\.\d+)?)%$/.exec(text)
  const n = percent ? 1 + Number(percent[1]) / 100 : Number(text.replace(/x$/i, ''))
  if (text === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('--volume-growth takes a multiplier (1.5, 1.5x) or a percentage (+50%)')
  }
  return n
}

function wholeNumber(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${flag} takes a whole number`)
    return Number(value)
  }
}

async function read(deps: PlanDeps, path: string, field: string): Promise<string> {
  try {
    return await deps.readFile(path)
  } catch (cause) {
    throw new AutopilotError('AP_ERR_NOT_FOUND', `cannot read ${path}`, { field, cause })
  }
}

export async function runPlanScaleOut(
  flags: PlanScaleOutFlags,
  deps: PlanDeps,
): Promise<ScaleOutPlan | null> {
  if (flags.applyKafka && flags.bootstrapServer === undefined) {
    throw new AutopilotError('AP_ERR_USAGE', '--apply-kafka needs --bootstrap-server', {
      field: '--bootstrap-server',
      hint: 'give the cluster to change: --bootstrap-server host:9092',
    })
  }
  if (flags.throttle !== undefined && flags.throttle < 1) {
    throw new AutopilotError('AP_ERR_USAGE', '--throttle must be at least 1 byte/s', { field: '--throttle' })
  }
  if (!flags.applyKafka) {
    for (const flag of ['dryRun', 'throttle', 'journal', 'onlyTopic'] as const) {
      if (flags[flag] !== undefined) {
        const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
        throw new AutopilotError('AP_ERR_USAGE', `${name} only applies with --apply-kafka`, { field: name })
      }
    }
  }
  let rules: ScaleRules = DEFAULT_RULES
  if (flags.rules !== undefined)
    rules = parseScaleRules(await read(deps, flags.rules, '--rules'), flags.rules)
  if (flags.printRules) {
    deps.stdout.write(
      `# autopilot plan scale-out rules (a key you set replaces its default)\n${stringify(rules)}`,
    )
    return null
  }
  for (const flag of ['values', 'nodes', 'add'] as const) {
    if (flags[flag] === undefined)
      throw new AutopilotError('AP_ERR_USAGE', `--${flag} is required`, { field: `--${flag}` })
  }
  const valuesFile = flags.values!
  if (flags.out !== undefined && resolve(flags.out) === resolve(valuesFile)) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      '--out must not overwrite --values: the runbook compares the two',
      { field: '--out' },
    )
  }
  const valuesText = await read(deps, valuesFile, '--values')
  type Live = Awaited<ReturnType<typeof readTopicPartitions>>
  const buildPlan = (liveTopics: Live | undefined): ScaleOutPlan =>
    planScaleOut({
      valuesText,
      nodes: flags.nodes!,
      add: flags.add!,
      rules,
      ...(flags.volumeGrowth === undefined ? {} : { volumeGrowth: flags.volumeGrowth }),
      ...(liveTopics === undefined ? {} : { liveTopics }),
      context: {
        valuesFile,
        outFile: flags.out ?? null,
        release: flags.release ?? null,
        namespace: flags.namespace ?? null,
        chart: flags.chart ?? null,
        chartVersion: flags.chartVersion ?? null,
        bootstrapServer: flags.bootstrapServer ?? null,
      },
    })
  const emit = async (plan: ScaleOutPlan, apply?: ApplySummary) => {
    if (flags.out !== undefined) await deps.writeFile(flags.out, plan.values)
    if (flags.json) {
      deps.stdout.write(`${JSON.stringify({ ...planJson(plan), ...(apply ? { apply } : {}) }, null, 2)}\n`)
    } else if (!apply) deps.stdout.write(planText(plan, flags.out))
  }
  if (flags.bootstrapServer === undefined) {
    const plan = buildPlan(undefined)
    await emit(plan)
    return plan
  }
  const bootstrapServers = parseBootstrapServers(flags.bootstrapServer.split(','), '--bootstrap-server')
  const port = await deps.openPort({ bootstrapServers, clientId: 'autopilot-plan' })
  try {
    const plan = buildPlan(await readTopicPartitions(port))
    if (!flags.applyKafka) {
      await emit(plan)
      return plan
    }
    if (!flags.json) deps.stdout.write(planText(plan, flags.out))
    const dryRun = flags.dryRun === true
    const journal = dryRun
      ? null
      : await (deps.openJournal ?? openSqliteJournal)(flags.journal ?? DEFAULT_APPLY_JOURNAL)
    try {
      const summary = await applyScaleOut(
        plan.partitions,
        {
          dryRun,
          only: flags.onlyTopic ?? [],
          ...(flags.throttle === undefined ? {} : { throttleBytesPerSec: flags.throttle }),
        },
        {
          port,
          journal: journal ? (e) => journal.append(e) : null,
          // --json prints one document at the end: progress lines would break it.
          stdout: flags.json ? { write: () => true } : deps.stdout,
          now: Date.now,
        },
      )
      await emit(plan, summary)
    } finally {
      journal?.close()
    }
    return plan
  } finally {
    await port.close()
  }
}

function planJson(plan: ScaleOutPlan) {
  return {
    nodes: plan.nodes,
    add: plan.add,
    factor: plan.factor,
    volumeGrowth: plan.volumeGrowth,
    replicas: plan.replicas.map(({ pathSegments: _p, ...c }) => c),
    partitions: plan.partitions.map(({ pathSegments: _p, ...c }) => c),
    warnings: plan.warnings,
    runbook: plan.runbook,
    diff: plan.diff,
    values: plan.values,
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n')
}

export function planText(plan: ScaleOutPlan, out: string | undefined): string {
  const { numerator, denominator } = plan.factor
  const parts = [
    `Scale-out: ${plan.nodes} → ${plan.nodes + plan.add} nodes (replicas × ${numerator}/${denominator}, rounded up); partitions × ${Number(plan.volumeGrowth.toFixed(3))}`,
    '',
    'REPLICAS',
    table([
      ['LINE', 'FIELD', 'FROM', 'TO', 'WHY'],
      ...plan.replicas.map((c) => [
        String(c.line),
        c.path,
        String(c.from),
        c.to === c.from ? '=' : String(c.to),
        c.reason,
      ]),
    ]),
  ]
  if (plan.partitions.length > 0) {
    parts.push(
      '',
      'PARTITIONS',
      table([
        ['TOPIC', 'FROM', 'TO', 'KEYED', 'SOURCE'],
        ...plan.partitions.map((p) => [
          p.topic,
          String(p.from),
          p.to === p.from ? '=' : String(p.to),
          p.keyed,
          p.source + (p.line ? ` line ${p.line}` : ''),
        ]),
      ]),
    )
  }
  if (plan.warnings.length > 0) parts.push('', 'WARNINGS', ...plan.warnings.map((w) => `- ${w}`))
  parts.push('', 'DIFF', plan.diff.trimEnd() || '(no change)', '', 'RUNBOOK')
  plan.runbook.forEach((step, i) => {
    parts.push(`${i + 1}. ${step.title}`)
    for (const c of step.commands) parts.push(c.startsWith('#') ? `     ${c}` : `     $ ${c}`)
    for (const n of step.notes) parts.push(`     - ${n}`)
  })
  parts.push('', out ? `New values written to ${out}.` : 'Use --out FILE to write the new values.')
  return `${parts.join('\n')}\n`
}

export function registerPlan(program: Command): void {
  const plan = program.command('plan').description('capacity planning')
  plan
    .command('scale-out')
    .description('new Helm values, diff and runbook for growing the node pool from N to N+M nodes')
    .option('--values <file>', 'the Helm values file of the install')
    .option('--nodes <n>', 'nodes in the pool today', wholeNumber('--nodes'))
    .option('--add <m>', 'nodes to add', wholeNumber('--add'))
    .option('--rules <file>', 'rules file (quorum services, singletons, keys, topics); see --print-rules')
    .option(
      '--volume-growth <x>',
      'expected volume multiplier for partitions (1.5, +50%); default (N+M)/N',
      parseGrowth,
    )
    .option('--out <file>', 'write the new values here (comments and order kept)')
    .option('--json', 'print the plan as JSON')
    .option('--bootstrap-server <host:port[,…]>', 'also read topic partitions from the live cluster')
    .option('--release <name>', 'Helm release, for the runbook commands')
    .option('--namespace <ns>', 'namespace of the release, for the runbook commands')
    .option('--chart <ref>', 'chart reference, for the helm upgrade command')
    .option('--chart-version <v>', 'installed chart version, for the helm upgrade command')
    .option('--print-rules', 'print the rules in effect (defaults, or --rules merged) and exit')
    .option(
      '--apply-kafka',
      'increase partitions, then rebalance replicas over the live brokers (throttled, journaled); needs --bootstrap-server',
    )
    .option('--dry-run', 'with --apply-kafka: print the steps, change nothing')
    .option(
      '--throttle <bytes/s>',
      'with --apply-kafka: replication throttle per broker (default 10485760 = 10 MiB/s)',
      wholeNumber('--throttle'),
    )
    .option('--journal <file>', `with --apply-kafka: journal file (default ${DEFAULT_APPLY_JOURNAL})`)
    .option(
      '--only-topic <glob>',
      'with --apply-kafka: only these topics (repeatable): partitions and the rebalance',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (flags: PlanScaleOutFlags) => {
      await runPlanScaleOut(flags, {
        openPort: openAdminPort,
        stdout: process.stdout,
        readFile: (p) => readFile(p, 'utf8'),
        writeFile: (p, t) => writeFile(p, t),
      })
    })
}
