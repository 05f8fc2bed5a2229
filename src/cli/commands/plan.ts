// `autopilot plan scale-out`: new Helm values, a diff and the runbook for growing the node pool from N to N+M.
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { stringify } from 'yaml'
import { planScaleOut, type ScaleOutPlan } from '../../analyzer/capacity/plan.ts'
import { DEFAULT_RULES, parseScaleRules, type ScaleRules } from '../../analyzer/capacity/rules.ts'
import { AutopilotError } from '../../errors.ts'
import { parseBootstrapServers } from '../../kafka/options.ts'
import { readTopicPartitions } from '../../monitor/topic-partitions.ts'
import { type AdminPortFactory, openAdminPort } from '../admin-port.ts'

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
}

export interface PlanDeps {
  openPort: AdminPortFactory
  stdout: { write(text: string): unknown }
  readFile: (path: string) => Promise<string>
  writeFile: (path: string, text: string) => Promise<void>
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
  if (flags.applyKafka) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      '--apply-kafka is not available yet: the rebalance engine it needs is not built',
      {
        field: '--apply-kafka',
        hint: 'run the "Increase partitions" and "Rebalance Kafka" steps of the runbook by hand',
      },
    )
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
  let liveTopics: Awaited<ReturnType<typeof readTopicPartitions>> | undefined
  if (flags.bootstrapServer !== undefined) {
    const bootstrapServers = parseBootstrapServers(flags.bootstrapServer.split(','), '--bootstrap-server')
    const port = await deps.openPort({ bootstrapServers, clientId: 'autopilot-plan' })
    try {
      liveTopics = await readTopicPartitions(port)
    } finally {
      await port.close()
    }
  }
  const plan = planScaleOut({
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
  if (flags.out !== undefined) await deps.writeFile(flags.out, plan.values)
  deps.stdout.write(flags.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : planText(plan, flags.out))
  return plan
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
    .option('--apply-kafka', 'increase partitions and rebalance through Autopilot (not available yet)')
    .action(async (flags: PlanScaleOutFlags) => {
      await runPlanScaleOut(flags, {
        openPort: openAdminPort,
        stdout: process.stdout,
        readFile: (p) => readFile(p, 'utf8'),
        writeFile: (p, t) => writeFile(p, t),
      })
    })
}
