// `autopilot verify`: live checks after a change (scale-out, broker replacement): every broker up, no
// under-replicated or offline partition, consumer lag under its threshold, no alert firing. Exit 0 only
// when no check fails.
import { type Command, InvalidArgumentError, Option } from 'commander'
import type { OffsetResetPolicy } from '../../analyzer/lag/types.ts'
import { evaluateChecks, verifyPassed } from '../../analyzer/verify/evaluate.ts'
import {
  type CheckResult,
  DEFAULT_VERIFY_OPTIONS,
  type VerifyOptions,
  type VerifySnapshot,
} from '../../analyzer/verify/types.ts'
import { parseBootstrapServers } from '../../kafka/options.ts'
import { type FetchLike, readActiveAlerts } from '../../monitor/active-alerts.ts'
import { LagMonitor } from '../../monitor/lag-monitor.ts'
import { type AdminPortFactory, openAdminPort } from '../admin-port.ts'

export interface VerifyFlags {
  bootstrapServer: string
  brokers?: number
  group: string[]
  maxLag: Array<{ topic: string | null; records: number }>
  maxLagSeconds?: number
  alertmanager?: string
  ignoreAlert: string[]
  offsetReset: OffsetResetPolicy
  timeout?: number
  json?: boolean
}

export interface VerifyDeps {
  openPort: AdminPortFactory
  fetch?: FetchLike
  stdout: { write(text: string): unknown }
}

/** `--max-lag 500` (every topic) or `--max-lag orders=2000` (one topic). */
export function parseMaxLag(value: string, previous: VerifyFlags['maxLag'] = []): VerifyFlags['maxLag'] {
  const match = /^(?:([^=\s]+)=)?(\d+)$/.exec(value.trim())
  if (!match) throw new InvalidArgumentError('--max-lag takes RECORDS or TOPIC=RECORDS')
  return [...previous, { topic: match[1] ?? null, records: Number(match[2]) }]
}

export function verifyOptions(flags: VerifyFlags): VerifyOptions {
  const general = flags.maxLag.filter((m) => m.topic === null).pop()
  return {
    expectedBrokers: flags.brokers ?? null,
    maxLag: general?.records ?? DEFAULT_VERIFY_OPTIONS.maxLag,
    maxLagByTopic: Object.fromEntries(
      flags.maxLag.filter((m) => m.topic !== null).map((m) => [m.topic!, m.records]),
    ),
    maxLagSeconds: flags.maxLagSeconds ?? null,
    ignoreAlerts: [...DEFAULT_VERIFY_OPTIONS.ignoreAlerts, ...flags.ignoreAlert],
  }
}

/** Gathers the snapshot (Kafka through the port, alerts over HTTP), evaluates it, prints; returns the exit code. */
export async function runVerify(flags: VerifyFlags, deps: VerifyDeps): Promise<number> {
  const bootstrapServers = parseBootstrapServers(flags.bootstrapServer.split(','), '--bootstrap-server')
  const options = verifyOptions(flags)
  const alertsPromise =
    flags.alertmanager === undefined
      ? Promise.resolve(null)
      : readActiveAlerts(flags.alertmanager, { ...(deps.fetch ? { fetch: deps.fetch } : {}) })
  const port = await deps.openPort({
    bootstrapServers,
    clientId: 'autopilot-verify',
    ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
  })
  let snapshot: VerifySnapshot
  try {
    const metadata = await port.metadata()
    const groups =
      flags.group.length === 0
        ? null
        : (
            await new LagMonitor(port, {
              groups: flags.group,
              policy: flags.offsetReset,
              strict: true,
            }).poll()
          ).groups
    snapshot = { metadata, groups, alerts: await alertsPromise }
  } finally {
    await port.close()
  }
  const results = evaluateChecks(snapshot, options)
  const passed = verifyPassed(results)
  deps.stdout.write(
    flags.json ? `${JSON.stringify({ passed, checks: results }, null, 2)}\n` : verifyTable(results, passed),
  )
  return passed ? 0 : 1
}

export function verifyTable(results: readonly CheckResult[], passed: boolean): string {
  const rows = [
    ['CHECK', 'STATUS', 'DETAIL'],
    ...results.map((r) => [r.check, r.status === 'fail' ? 'FAIL' : r.status, r.summary]),
  ]
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)))
  const lines = rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`)
  return `${lines.join('\n')}\n\n${passed ? 'verify: passed' : 'verify: FAILED'}\n`
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

function positiveInt(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
      throw new InvalidArgumentError(`${flag} takes a whole number ≥ 1`)
    return Number(value)
  }
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'live checks: brokers up, no under-replicated/offline partitions, lag under threshold, no firing alerts',
    )
    .requiredOption('--bootstrap-server <host:port[,…]>', 'Kafka brokers to connect to')
    .option(
      '--brokers <n>',
      'brokers that must be up (default: every broker holding a replica)',
      positiveInt('--brokers'),
    )
    .option('--group <group>', 'consumer group whose lag must be under threshold (repeatable)', collect, [])
    .option(
      '--max-lag <records|topic=records>',
      `lag threshold in records (repeatable per topic; default ${DEFAULT_VERIFY_OPTIONS.maxLag})`,
      parseMaxLag,
      [],
    )
    .option(
      '--max-lag-seconds <s>',
      'also require lag in seconds under this',
      positiveInt('--max-lag-seconds'),
    )
    .option('--alertmanager <url>', 'Alertmanager to ask for firing alerts')
    .option(
      '--ignore-alert <name>',
      'alert that does not count (repeatable; Watchdog and InfoInhibitor never do)',
      collect,
      [],
    )
    .addOption(
      new Option('--offset-reset <policy>', "the consumers' auto.offset.reset")
        .choices(['earliest', 'latest'])
        .default('latest'),
    )
    .option('--timeout <ms>', 'Kafka request timeout in milliseconds', positiveInt('--timeout'))
    .option('--json', 'print {"passed", "checks": [...]} as JSON')
    .action(async (flags: VerifyFlags) => {
      process.exitCode = await runVerify(flags, { openPort: openAdminPort, stdout: process.stdout })
    })
}
