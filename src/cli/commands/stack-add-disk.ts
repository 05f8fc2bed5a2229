// `autopilot stack add-disk --id N [--mount-path /kafka-logs2] [--size 1Gi] [--rebalance]`: the local broker
// backend's addDisk (a new log dir for that broker alone, with a controlled restart of it) and, with
// --rebalance, its rebalance({disk: true}) (replicas spread over the broker's dirs). Thin: the work is there.
import type { Command } from 'commander'
import type { BrokerResult } from '../../executor/brokers/backend.ts'
import { createLocalBackend } from '../../executor/brokers/local.ts'

interface AddDiskOptions {
  dir: string
  id: number
  mountPath?: string
  size: string
  rebalance?: boolean
  dryRun?: boolean
  json?: boolean
}

export function registerAddDisk(
  stack: Command,
  defaults: { dir: string; parseId: (value: string) => number },
): void {
  stack
    .command('add-disk')
    .description(
      'add a log dir to one broker (restarts that broker only); --rebalance moves replicas onto it',
    )
    .option('--dir <dir>', 'the stack folder', defaults.dir)
    .requiredOption('--id <id>', 'broker id', defaults.parseId)
    .option('--mount-path <path>', 'names the new dir: /kafka-logs2 → <dir>/data/node<id>-kafka-logs2')
    .option('--size <quantity>', 'recorded only: a local log dir is a folder', '1Gi')
    .option('--rebalance', "then spread each broker's replicas over its log dirs")
    .option('--dry-run', 'say what would happen, change nothing')
    .option('--json', 'print JSON')
    .action(async (opts: AddDiskOptions) => {
      const backend = createLocalBackend({ dir: opts.dir }, { field: '--dir' })
      const run = { dryRun: Boolean(opts.dryRun) }
      try {
        const results: BrokerResult[] = [
          await backend.addDisk(
            opts.id,
            { size: opts.size, ...(opts.mountPath ? { mountPath: opts.mountPath } : {}) },
            run,
          ),
        ]
        if (opts.rebalance) results.push(await backend.rebalance({ disk: true }, run))
        process.stdout.write(
          opts.json ? `${JSON.stringify(results)}\n` : results.map((r) => `${r.message}\n`).join(''),
        )
      } finally {
        await backend.close()
      }
    })
}
