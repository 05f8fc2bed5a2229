// `autopilot brokers add|remove`: the broker operations (src/executor/operations: scaleOut, scaleIn) from the
// command line. The cluster is either a local stack (`--bootstrap-server S --stack-dir DIR`, the local backend)
// or a configured one (`-c autopilot.yaml --cluster NAME`, its `clusters.NAME` backend and limits). Steps are
// printed as they happen (--json: each journal entry as a JSON line, then `{"kind":"result",…}`, the
// OperationResult). Ctrl-C stops waiting; a data movement in flight is reverted and its throttles cleared.
import type { Command } from 'commander'
import type { ClusterConfig } from '../../../config/clusters.ts'
import { loadConfig } from '../../../config/load.ts'
import { AutopilotError } from '../../../errors.ts'
import {
  type ClusterOps,
  type OpenClusterOpsDeps,
  openClusterOps,
} from '../../../executor/operations/open.ts'
import { scaleIn } from '../../../executor/operations/scale-in.ts'
import { scaleOut } from '../../../executor/operations/scale-out.ts'
import type { OperationResult, ReassignmentSettings } from '../../../executor/operations/types.ts'
import { DEFAULT_THROTTLE_BYTES_PER_SEC } from '../../../executor/reassignment/options.ts'
import type { JournalEntryInput } from '../../../journal/journal.ts'
import { parseBootstrapServers } from '../../../kafka/options.ts'
import { formatBytes, ProgressRenderer } from '../../progress.ts'
import { brokerIdFlag, intFlag, parseThrottle } from '../rebalance/flags.ts'
import { type CommandDeps, EXIT_INTERRUPTED, jsonLine, onCtrlC } from '../rebalance/session.ts'

export interface ScaleFlags {
  bootstrapServer?: string
  stackDir?: string
  config?: string
  cluster?: string
  count?: number
  id?: number[]
  throttle?: number | null
  maxMovesPerBroker?: number
  dryRun?: boolean
  json?: boolean
}

export interface ScaleDeps extends CommandDeps {
  openOps?: (name: string, config: ClusterConfig, deps?: OpenClusterOpsDeps) => Promise<ClusterOps>
}

/** Which cluster: the local stack from flags, or `clusters.NAME` of a config file. */
export async function resolveCluster(flags: ScaleFlags): Promise<{ name: string; config: ClusterConfig }> {
  const local = flags.bootstrapServer !== undefined || flags.stackDir !== undefined
  const configured = flags.config !== undefined || flags.cluster !== undefined
  if (local && configured) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      '--bootstrap-server/--stack-dir and -c/--cluster exclude each other',
      {
        field: flags.config !== undefined ? '--config' : '--cluster',
        hint: 'a local stack: --bootstrap-server S --stack-dir DIR; a configured cluster: -c autopilot.yaml --cluster NAME',
      },
    )
  }
  if (!local && !configured) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      'which cluster? give --bootstrap-server and --stack-dir, or -c and --cluster',
      {
        field: '--bootstrap-server',
        hint: 'a local stack: --bootstrap-server S --stack-dir DIR; a configured cluster: -c autopilot.yaml --cluster NAME',
      },
    )
  }
  if (local) {
    if (flags.bootstrapServer === undefined || flags.stackDir === undefined) {
      const missing = flags.bootstrapServer === undefined ? '--bootstrap-server' : '--stack-dir'
      throw new AutopilotError('AP_ERR_USAGE', `the local backend needs ${missing}`, {
        field: missing,
        hint: 'a local stack: --bootstrap-server S --stack-dir DIR (the folder of `autopilot stack up --dir`)',
      })
    }
    const bootstrapServers = parseBootstrapServers(
      flags.bootstrapServer.split(',').map((s) => s.trim()),
      '--bootstrap-server',
    )
    return {
      name: 'local',
      config: { bootstrapServers, backend: { type: 'local', dir: flags.stackDir }, reassignment: {} },
    }
  }
  if (flags.config === undefined) {
    throw new AutopilotError('AP_ERR_USAGE', '--cluster needs -c FILE (the config that declares clusters:)', {
      field: '--config',
    })
  }
  const { config } = await loadConfig(flags.config)
  const name = flags.cluster ?? 'default'
  const entry = config.clusters?.[name]
  if (entry === undefined) {
    const names = Object.keys(config.clusters ?? {})
    throw new AutopilotError('AP_ERR_CONFIG', `${flags.config} declares no cluster ${JSON.stringify(name)}`, {
      field: '--cluster',
      hint:
        names.length > 0
          ? `declared: ${names.join(', ')}`
          : 'add a clusters: section (see schema/autopilot.schema.json)',
    })
  }
  return { name, config: entry }
}

const CLI_FIELDS: Record<string, string> = { brokerId: '--id', count: '--count', '--dir': '--stack-dir' }

/** The operations' and the local backend's errors name their option (`brokerId`, `--dir`); the CLI names its flag. */
function cliField(error: unknown): unknown {
  if (!AutopilotError.is(error)) return error
  const field = error.field === undefined ? undefined : (CLI_FIELDS[error.field] ?? error.field)
  if (field === error.field) return error
  return new AutopilotError(error.code, error.message, {
    ...(field === undefined ? {} : { field }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details === undefined ? {} : { details: error.details }),
    cause: error,
  })
}

function overrides(flags: ScaleFlags, base: ReassignmentSettings): ReassignmentSettings {
  return {
    ...base,
    ...(flags.throttle === undefined ? {} : { throttleBytesPerSec: flags.throttle }),
    ...(flags.maxMovesPerBroker === undefined ? {} : { maxMovesPerBroker: flags.maxMovesPerBroker }),
  }
}

export async function runBrokersScale(
  operation: 'add' | 'remove',
  flags: ScaleFlags,
  deps: ScaleDeps,
): Promise<number> {
  const { name, config } = await resolveCluster(flags)
  const ops = await (deps.openOps ?? openClusterOps)(name, config).catch((error: unknown) => {
    throw cliField(error)
  })
  const renderer = new ProgressRenderer(deps.stdout)
  const controller = new AbortController()
  const stopListening = onCtrlC(
    deps,
    () => {
      deps.stderr.write(
        'interrupted: stopping; a data movement in flight is reverted (Ctrl-C again to exit now)\n',
      )
      controller.abort()
    },
    'exiting without cleanup: check with `autopilot rebalance status`',
  )
  try {
    const ctx = ops.context({
      reassignment: overrides(flags, ops.reassignment),
      signal: controller.signal,
      ...(flags.json
        ? { journal: (entry: JournalEntryInput) => deps.stdout.write(jsonLine(entry)) }
        : { progress: (message: string) => renderer.line(message) }),
    })
    const dryRun = flags.dryRun === true
    let result: OperationResult
    try {
      result =
        operation === 'add'
          ? await scaleOut(ctx, { count: flags.count ?? 1, dryRun })
          : await scaleIn(ctx, { ...(flags.id ? { brokerIds: flags.id } : {}), dryRun })
    } catch (error) {
      throw cliField(error)
    }
    renderer.end()
    deps.stdout.write(
      flags.json
        ? jsonLine({ kind: 'result', ...result })
        : `${result.ok ? (result.dryRun ? 'dry run' : 'done') : 'FAILED'}: ${result.message}\n`,
    )
    if (result.ok) return 0
    if (controller.signal.aborted) return EXIT_INTERRUPTED
    deps.stderr.write(`brokers ${operation} failed: ${result.message}\n`)
    return 1
  } finally {
    stopListening()
    await ops.close()
  }
}

function addTargetOptions(command: Command): Command {
  return command
    .option('--bootstrap-server <host:port[,…]>', 'a local stack: its brokers (with --stack-dir)')
    .option('--stack-dir <dir>', 'a local stack: its folder (`autopilot stack up --dir`)')
    .option('-c, --config <file>', 'a configured cluster: the config that declares clusters:')
    .option('--cluster <name>', 'a configured cluster: its name under clusters: (default "default")')
    .option(
      '--throttle <bytes/s>',
      `replication throttle of the data movement: 10MiB, 500KB/s or none (default: the cluster's, else ${formatBytes(DEFAULT_THROTTLE_BYTES_PER_SEC)}/s)`,
      parseThrottle,
    )
    .option('--max-moves-per-broker <n>', 'copies at once per broker', intFlag('--max-moves-per-broker', 1))
    .option('--dry-run', 'plan and print; change nothing')
    .option('--json', 'JSON lines: each journal entry, then {"kind":"result",…}')
}

export function registerAdd(brokers: Command, deps: CommandDeps): void {
  addTargetOptions(
    brokers
      .command('add')
      .description('add brokers, then heal offline ones onto them or rebalance onto them (throttled)'),
  )
    .option('--count <n>', 'brokers to add (default 1)', intFlag('--count', 1, 100))
    .action(async (flags: ScaleFlags) => {
      process.exitCode = await runBrokersScale('add', flags, deps)
    })
}

export function registerRemove(brokers: Command, deps: CommandDeps): void {
  addTargetOptions(
    brokers
      .command('remove')
      .description(
        'drain brokers (move every replica away, throttled), verify, then stop and unregister them',
      ),
  )
    .option(
      '--id <id>',
      'broker to remove (repeatable; default the least loaded removable one)',
      brokerIdFlag('--id'),
    )
    .action(async (flags: ScaleFlags) => {
      process.exitCode = await runBrokersScale('remove', flags, deps)
    })
}
