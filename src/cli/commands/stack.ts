import { type Command, InvalidArgumentError } from 'commander'
import { AutopilotError } from '../../errors.ts'
import {
  addBroker,
  pauseBroker,
  removeBroker,
  stackStatus,
  startStack,
  stopStack,
} from '../../stack/cluster.ts'
import type { StackState } from '../../stack/types.ts'
import { registerAddDisk } from './stack-add-disk.ts'

const DEFAULT_DIR = '.stack/kafka'

export function parseIntOption(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}`)
    }
    return n
  }
}

interface UpOptions {
  brokers: number
  dir: string
  portBase?: number
  rack?: string[]
  monitoring?: boolean
  webhook: string
  json?: boolean
}

function parseWebhook(value: string): string {
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString()
  } catch {}
  throw new AutopilotError('AP_ERR_USAGE', `--webhook must be an http(s) URL, got '${value}'`, {
    field: '--webhook',
  })
}

function upJson(state: StackState) {
  return {
    bootstrapServers: state.bootstrapServers,
    brokers: state.nodes.map((n) => ({
      id: n.id,
      host: n.host,
      port: n.port,
      pid: n.pid,
      roles: n.roles,
      jmxPort: n.jmxPort,
      logFile: n.logFile,
    })),
    dir: state.dir,
    clusterId: state.clusterId,
    ...(state.monitoring
      ? { prometheusUrl: state.monitoring.prometheusUrl, alertmanagerUrl: state.monitoring.alertmanagerUrl }
      : {}),
  }
}

function printNodes(nodes: Array<StackState['nodes'][number] & { alive?: boolean }>): void {
  const rows = nodes.map((n) => [
    String(n.id),
    n.roles.join('+'),
    `${n.host}:${n.port}`,
    String(n.pid),
    `${n.host}:${n.jmxPort}`,
    n.alive === undefined ? 'up' : n.alive ? 'up' : 'DOWN',
  ])
  const header = ['ID', 'ROLES', 'ADDRESS', 'PID', 'METRICS', 'STATE']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  for (const row of [header, ...rows]) {
    process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`)
  }
}

export function registerStack(program: Command): void {
  const stack = program.command('stack').description('run a real local Kafka cluster (KRaft, 127.0.0.1)')

  stack
    .command('up')
    .description('fetch the Kafka jars once, then format and start the nodes')
    .option(
      '--brokers <n>',
      'number of brokers (the first 3 are also controllers)',
      parseIntOption('--brokers', 1, 9),
      3,
    )
    .option('--dir <dir>', 'folder for configs, data and logs', DEFAULT_DIR)
    .option(
      '--port-base <port>',
      'fixed ports (node N uses base+10N..+2) instead of free ones',
      parseIntOption('--port-base', 1024, 65000),
    )
    .option('--rack <rack...>', 'rack names assigned round-robin to the brokers')
    .option('--monitoring', "also start Debian's Prometheus and Alertmanager")
    .option('--webhook <url>', 'where Alertmanager posts alerts', 'http://127.0.0.1:18080/alerts')
    .option('--json', 'print the cluster as JSON')
    .action(async (opts: UpOptions) => {
      const state = await startStack({
        dir: opts.dir,
        brokers: opts.brokers,
        ...(opts.portBase === undefined ? {} : { portBase: opts.portBase }),
        ...(opts.rack ? { racks: opts.rack } : {}),
        ...(opts.monitoring ? { monitoring: { webhookUrl: parseWebhook(opts.webhook) } } : {}),
      })
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(upJson(state))}\n`)
        return
      }
      printNodes(state.nodes)
      if (state.monitoring) {
        const m = state.monitoring
        process.stdout.write(
          `\nprometheus:   ${m.prometheusUrl}\nalertmanager: ${m.alertmanagerUrl} -> ${m.webhookUrl}\n`,
        )
      }
      process.stdout.write(
        `\nbootstrap servers: ${state.bootstrapServers}\nstop with: autopilot stack down --dir ${opts.dir}\n`,
      )
    })

  stack
    .command('down')
    .description('stop every node by PID and remove the data')
    .option('--dir <dir>', 'the stack folder', DEFAULT_DIR)
    .option('--keep-logs', 'keep logs/ for a post-mortem')
    .action(async (opts: { dir: string; keepLogs?: boolean }) => {
      const { killed } = await stopStack(opts.dir, { keepLogs: Boolean(opts.keepLogs) })
      process.stdout.write(
        killed.length > 0 ? `stopped (killed after the grace period: ${killed.join(', ')})\n` : 'stopped\n',
      )
    })

  stack
    .command('status')
    .description('show the nodes and whether they are running')
    .option('--dir <dir>', 'the stack folder', DEFAULT_DIR)
    .option('--json', 'print JSON')
    .action(async (opts: { dir: string; json?: boolean }) => {
      const state = await stackStatus(opts.dir)
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...upJson(state), nodes: state.nodes })}\n`)
      } else {
        printNodes(state.nodes)
        process.stdout.write(`\nbootstrap servers: ${state.bootstrapServers}\n`)
      }
      if (state.nodes.some((n) => !n.alive)) process.exitCode = 1
    })

  stack
    .command('add-broker')
    .description('start a broker-only node that joins the cluster')
    .option('--dir <dir>', 'the stack folder', DEFAULT_DIR)
    .option('--rack <rack>', 'broker.rack for the new broker')
    .option('--json', 'print JSON')
    .action(async (opts: { dir: string; rack?: string; json?: boolean }) => {
      const node = await addBroker(opts.dir, opts.rack ? { rack: opts.rack } : {})
      process.stdout.write(
        opts.json ? `${JSON.stringify(node)}\n` : `broker ${node.id} started on ${node.host}:${node.port}\n`,
      )
    })

  stack
    .command('remove-broker')
    .description('stop a broker-only node and unregister it (no drain: see `autopilot brokers remove`)')
    .option('--dir <dir>', 'the stack folder', DEFAULT_DIR)
    .requiredOption('--id <id>', 'broker id', parseIntOption('--id', 0))
    .action(async (opts: { dir: string; id: number }) => {
      await removeBroker(opts.dir, opts.id)
      process.stdout.write(`broker ${opts.id} stopped and unregistered\n`)
    })

  registerAddDisk(stack, { dir: DEFAULT_DIR, parseId: parseIntOption('--id', 0) })

  for (const [name, paused] of [
    ['pause-broker', true],
    ['resume-broker', false],
  ] as const) {
    stack
      .command(name)
      .description(
        paused ? 'SIGSTOP a broker (a stalled broker, for failure drills)' : 'SIGCONT a paused broker',
      )
      .option('--dir <dir>', 'the stack folder', DEFAULT_DIR)
      .requiredOption('--id <id>', 'broker id', parseIntOption('--id', 0))
      .action(async (opts: { dir: string; id: number }) => {
        await pauseBroker(opts.dir, opts.id, paused)
        process.stdout.write(`broker ${opts.id} ${paused ? 'paused' : 'resumed'}\n`)
      })
  }
}
