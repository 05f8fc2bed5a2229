import { type Command, Option } from 'commander'
import { AutopilotError } from '../../errors.ts'
import { parseDuration, parseProfile } from '../../workload/profile.ts'
import { intOption } from '../lag-options.ts'
import { shutdownSignal } from './workload.ts'

interface DemoFlags {
  dir: string
  topic: string
  group: string
  partitions: number
  minWorkers: number
  maxWorkers: number
  workMs: number
  groupProtocol: 'classic' | 'consumer'
  profile: string
  policy: string
  lagThreshold: number
  maxLagSeconds: number
  polling: number
  stabilization: number
  host: string
  port: number
  duration?: string
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the demo: a local Kafka cluster, load with a burst, the daemon scaling sample workers, and a live dashboard',
    )
    .option('--dir <dir>', 'folder for the demo cluster', '.stack/demo')
    .option('--topic <topic>', 'demo topic', 'demo-orders')
    .option('--group <group>', 'consumer group of the workers', 'demo-workers')
    .option('--partitions <n>', 'partitions of the demo topic', intOption('--partitions', 1, 1000), 12)
    .option('--min-workers <n>', 'fewest workers', intOption('--min-workers', 0, 100), 1)
    .option('--max-workers <n>', 'most workers', intOption('--max-workers', 1, 100), 6)
    .option('--work-ms <ms>', 'time each worker spends per record', intOption('--work-ms', 0, 10_000), 5)
    .addOption(
      new Option('--group-protocol <protocol>', "the workers' consumer group protocol (consumer: KIP-848)")
        .choices(['classic', 'consumer'])
        .default('classic'),
    )
    .option(
      '--profile <phases>',
      'load phases, duration@records-per-second, repeated',
      '30s@50,20s@2000,100s@50',
    )
    .option('--policy <policy>', 'scaling policy: lag or slo', 'lag')
    .option(
      '--lag-threshold <n>',
      'lag policy: records of lag per worker',
      intOption('--lag-threshold', 1, 1e9),
      1000,
    )
    .option(
      '--max-lag-seconds <s>',
      'slo policy: the longest a record may wait',
      intOption('--max-lag-seconds', 1, 86_400),
      10,
    )
    .option('--polling <s>', 'seconds between decisions', intOption('--polling', 1, 3600), 2)
    .option(
      '--stabilization <s>',
      'scale-down stabilization window, seconds',
      intOption('--stabilization', 0, 3600),
      30,
    )
    .option('--host <host>', 'dashboard address', '127.0.0.1')
    .option('--port <port>', 'dashboard port (0: any free port)', intOption('--port', 0, 65_535), 8080)
    .option('--duration <duration>', 'stop by itself this long after the load starts')
    .action(async (opts: DemoFlags) => {
      const phases = parseProfile(opts.profile)
      if (opts.policy !== 'lag' && opts.policy !== 'slo') {
        throw new AutopilotError('AP_ERR_USAGE', `--policy: '${opts.policy}' must be lag or slo`, {
          field: '--policy',
        })
      }
      if (opts.maxWorkers < opts.minWorkers) {
        throw new AutopilotError('AP_ERR_USAGE', '--max-workers must be ≥ --min-workers', {
          field: '--max-workers',
        })
      }
      const durationMs = opts.duration === undefined ? undefined : parseDuration(opts.duration, '--duration')
      const { runDemo } = await import('../../demo/demo.ts')
      const { signal, dispose } = shutdownSignal()
      try {
        await runDemo({
          dir: opts.dir,
          topic: opts.topic,
          group: opts.group,
          partitions: opts.partitions,
          minWorkers: opts.minWorkers,
          maxWorkers: opts.maxWorkers,
          workMs: opts.workMs,
          groupProtocol: opts.groupProtocol,
          phases,
          policy: opts.policy,
          lagThreshold: opts.lagThreshold,
          maxLagSeconds: opts.maxLagSeconds,
          pollingSeconds: opts.polling,
          stabilizationSeconds: opts.stabilization,
          host: opts.host,
          port: opts.port,
          ...(durationMs === undefined ? {} : { durationMs }),
          signal,
          out: process.stdout,
        })
      } finally {
        dispose()
      }
    })
}
