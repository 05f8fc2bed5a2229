import type { Command } from 'commander'
import { parseDuration, parseProfile } from '../../workload/profile.ts'
import { intOption } from '../lag-options.ts'
import { shutdownSignal } from './workload.ts'

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the demo: a local Kafka cluster, load with a burst, workers, and live lag')
    .option('--dir <dir>', 'folder for the demo cluster', '.stack/demo')
    .option('--topic <topic>', 'demo topic', 'demo-orders')
    .option('--group <group>', 'consumer group of the workers', 'demo-workers')
    .option('--partitions <n>', 'partitions of the demo topic', intOption('--partitions', 1, 1000), 12)
    .option('--workers <n>', 'sample workers', intOption('--workers', 1, 100), 2)
    .option('--work-ms <ms>', 'time each worker spends per record', intOption('--work-ms', 0, 10_000), 2)
    .option('--profile <phases>', 'load phases, duration@rate, repeated', '20s@100,20s@1500,40s@100')
    .option('--poll <duration>', 'how often lag is read', '2s')
    .option('--duration <duration>', 'stop by itself after this long')
    .action(
      async (opts: {
        dir: string
        topic: string
        group: string
        partitions: number
        workers: number
        workMs: number
        profile: string
        poll: string
        duration?: string
      }) => {
        const phases = parseProfile(opts.profile)
        const pollMs = parseDuration(opts.poll, '--poll')
        const durationMs =
          opts.duration === undefined ? undefined : parseDuration(opts.duration, '--duration')
        const { runDemo } = await import('../../demo/demo.ts')
        const { signal, dispose } = shutdownSignal()
        try {
          await runDemo({
            dir: opts.dir,
            topic: opts.topic,
            group: opts.group,
            partitions: opts.partitions,
            workers: opts.workers,
            workMs: opts.workMs,
            phases,
            pollMs,
            ...(durationMs === undefined ? {} : { durationMs }),
            signal,
            out: process.stdout,
          })
        } finally {
          dispose()
        }
      },
    )
}
