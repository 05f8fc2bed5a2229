// `autopilot rebalance status`: what reassignment work Kafka holds now, from any process: ongoing reassignments
// (original → target replicas) and the replication throttle keys left on brokers and topics; with --plan, how far
// each of the plan's partitions is. --topic limits it to those topics (and the brokers holding them). Read-only.
import type { Command } from 'commander'
import { inScope } from '../../../analyzer/capacity/apply-steps.ts'
import type { Scope } from '../../../executor/reassignment/scope.ts'
import { type ReassignmentStatus, status } from '../../../executor/reassignment/status.ts'
import type { KafkaAdminPort } from '../../../kafka/port.ts'
import { addClusterOptions, type ClusterFlags, collectFlag, connectionOptions } from './flags.ts'
import { readPlanFile } from './live-plan.ts'
import { type CommandDeps, withPort } from './session.ts'

export interface StatusFlags extends ClusterFlags {
  topic?: string[]
  plan?: string
  json?: boolean
}

/** The scope of --topic globs: every partition of the matching topics (undefined: the whole cluster). */
export async function topicScope(
  port: KafkaAdminPort,
  topics: readonly string[] = [],
): Promise<Scope | undefined> {
  if (topics.length === 0) return undefined
  const metadata = await port.metadata()
  return {
    partitions: metadata.topics
      .filter((t) => inScope(t.name, topics))
      .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition }))),
  }
}

export function throttleLines(throttles: Record<string, Record<string, string>>): string[] {
  return Object.entries(throttles).map(
    ([where, configs]) =>
      `  ${where}: ${Object.entries(configs)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
  )
}

export function statusText(s: ReassignmentStatus): string {
  const lines: string[] = []
  if (s.ongoing.length === 0) lines.push('No reassignment in progress.')
  else {
    lines.push(`Reassignments in progress: ${s.ongoing.length}`)
    for (const m of s.ongoing) {
      const change = [
        m.adding.length > 0 ? `adding ${m.adding.join(',')}` : '',
        m.removing.length > 0 ? `removing ${m.removing.join(',')}` : '',
      ].filter(Boolean)
      lines.push(
        `  ${m.topic}-${m.partition}: [${m.from.join(',')}] → [${m.to.join(',')}]${change.length ? ` (${change.join(', ')})` : ''}`,
      )
    }
  }
  const throttles = throttleLines(s.throttles)
  lines.push(
    throttles.length === 0 ? 'No replication throttle set.' : 'Replication throttles set:',
    ...throttles,
  )
  if (s.verification) {
    const v = s.verification
    lines.push(`Plan: ${v.done}/${v.partitions.length} partitions done${v.complete ? ' (complete)' : ''}`)
    for (const p of v.partitions.filter((x) => x.state !== 'done'))
      lines.push(`  ${p.topic}-${p.partition}: ${p.state}`)
  }
  return `${lines.join('\n')}\n`
}

export async function runRebalanceStatus(flags: StatusFlags, deps: CommandDeps): Promise<ReassignmentStatus> {
  const connection = connectionOptions(flags, 'autopilot-rebalance')
  const plan = flags.plan === undefined ? undefined : await readPlanFile(flags.plan, deps.readFile)
  return withPort(deps, connection, async (port) => {
    const scope = await topicScope(port, flags.topic)
    const s = await status(port, {
      ...(plan === undefined ? {} : { plan }),
      ...(scope === undefined ? {} : { scope }),
    })
    deps.stdout.write(flags.json ? `${JSON.stringify(s, null, 2)}\n` : statusText(s))
    return s
  })
}

export function registerStatus(rebalance: Command, deps: CommandDeps): void {
  addClusterOptions(
    rebalance
      .command('status')
      .description('ongoing reassignments and replication throttles left in the cluster (read-only)'),
  )
    .option('--topic <glob>', 'only these topics (repeatable)', collectFlag('--topic'))
    .option('--plan <file>', 'also show how far each partition of this plan is')
    .option('--json', 'print {ongoing, throttles, verification} as JSON')
    .action(async (flags: StatusFlags) => {
      await runRebalanceStatus(flags, deps)
    })
}
