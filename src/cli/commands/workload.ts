// `autopilot load` and `autopilot worker`: the load generator and the sample worker, as commands so that
// a process pool (or a person) can run them. Both stop cleanly on SIGTERM/SIGINT.
import { type Command, Option } from 'commander'
import { parseBootstrapServers } from '../../kafka/options.ts'
import { parseProfile } from '../../workload/profile.ts'
import { intOption } from '../lag-options.ts'

// The Kafka client is loaded only when a command runs, so help and usage errors stay instant.
const kafka = () => import('../../kafka/index.ts')

function servers(value: string): string[] {
  return parseBootstrapServers(
    value.split(',').map((s) => s.trim()),
    '--bootstrap-server',
  )
}

/** An AbortSignal that fires on SIGTERM or SIGINT, for the lifetime of one command. */
export function shutdownSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
    },
  }
}

export function registerWorkload(program: Command): void {
  program
    .command('load')
    .description('produce records at the rates of a profile (unique sequential keys)')
    .requiredOption('--bootstrap-server <host:port[,…]>', 'Kafka brokers')
    .requiredOption('--topic <topic>', 'topic to produce to')
    .option(
      '--profile <phases>',
      'phases as duration@rate, e.g. 30s@50,20s@2000,60s@50',
      '30s@50,20s@2000,60s@50',
    )
    .option('--loop', 'repeat the profile until stopped')
    .option('--value-bytes <n>', 'approximate record size', intOption('--value-bytes', 40, 1_000_000), 100)
    .option('--key-prefix <prefix>', 'keys are <prefix><sequence>', 'k-')
    .action(
      async (opts: {
        bootstrapServer: string
        topic: string
        profile: string
        loop?: boolean
        valueBytes: number
        keyPrefix: string
      }) => {
        const phases = parseProfile(opts.profile)
        const { runLoad } = await import('../../workload/load-generator.ts')
        const producer = (await kafka()).createProducerPort({
          bootstrapServers: servers(opts.bootstrapServer),
          clientId: 'autopilot-load',
        })
        const { signal, dispose } = shutdownSignal()
        try {
          const stats = await runLoad({
            producer,
            topic: opts.topic,
            phases,
            loop: Boolean(opts.loop),
            keyPrefix: opts.keyPrefix,
            valueBytes: opts.valueBytes,
            signal,
          })
          process.stdout.write(`sent ${stats.sent} records in ${(stats.elapsedMs / 1000).toFixed(1)} s\n`)
        } finally {
          dispose()
          await producer.close()
        }
      },
    )

  program
    .command('worker')
    .description('a sample consumer that spends --work-ms on each record')
    .requiredOption('--bootstrap-server <host:port[,…]>', 'Kafka brokers')
    .requiredOption('--group <group>', 'consumer group')
    .requiredOption('--topic <topic>', 'topic to consume')
    .option('--work-ms <ms>', 'time spent per record', intOption('--work-ms', 0, 60_000), 1)
    .option('--keys-file <file>', 'append each handled key to this file (for loss checks)')
    .option('--from-beginning', 'start from the earliest offset when the group has no commit')
    .addOption(
      new Option(
        '--group-protocol <protocol>',
        'consumer group protocol: classic (eager rebalances, every member pauses) or consumer (KIP-848, Kafka 4+: ' +
          'only moved partitions pause)',
      )
        .choices(['classic', 'consumer'])
        .default('classic'),
    )
    .action(
      async (opts: {
        bootstrapServer: string
        group: string
        topic: string
        workMs: number
        keysFile?: string
        fromBeginning?: boolean
        groupProtocol: 'classic' | 'consumer'
      }) => {
        const { startWorker } = await import('../../workload/worker.ts')
        let failure: unknown = null
        let onFailed: () => void = () => {}
        const failed = new Promise<void>((resolve) => {
          onFailed = resolve
        })
        const consumer = (await kafka()).createConsumerPort({
          onFailure: (error) => {
            failure = error
            onFailed()
          },
          bootstrapServers: servers(opts.bootstrapServer),
          clientId: `autopilot-worker-${process.env.AUTOPILOT_REPLICA_INDEX ?? process.pid}`,
          groupId: opts.group,
          topics: [opts.topic],
          fromBeginning: Boolean(opts.fromBeginning),
          groupProtocol: opts.groupProtocol,
        })
        const { signal, dispose } = shutdownSignal()
        const worker = await startWorker({
          consumer,
          workMs: opts.workMs,
          ...(opts.keysFile ? { keysFile: opts.keysFile } : {}),
        })
        process.stdout.write('worker ready\n')
        await Promise.race([
          failed,
          new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
        ])
        dispose()
        await worker.stop().catch((error: unknown) => {
          failure ??= error
        })
        process.stdout.write(`worker stopped after ${worker.handled()} records\n`)
        // A dead consumer exits non-zero, so whoever runs the worker (the process target) starts a new one.
        if (failure) throw failure
      },
    )
}
