// Options shared by `autopilot lag` and `autopilot exporter`: where Kafka is and which groups to read.
import { type Command, InvalidArgumentError, Option } from 'commander'
import type { OffsetResetPolicy } from '../analyzer/lag/types.ts'
import { parseBootstrapServers } from '../kafka/options.ts'
import type { ConnectionOptions } from '../kafka/port.ts'

export interface LagSelectionFlags {
  bootstrapServer: string
  group: string[]
  topic: string[]
  offsetReset: OffsetResetPolicy
  timeout?: number
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export function positiveNumber(flag: string, min = 0) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n <= min) {
      throw new InvalidArgumentError(`${flag} takes a number greater than ${min}`)
    }
    return n
  }
}

export function intOption(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}`)
    }
    return n
  }
}

export function addLagSelectionOptions(command: Command): Command {
  return command
    .requiredOption('--bootstrap-server <host:port[,host:port…]>', 'Kafka brokers to connect to')
    .addOption(
      new Option('--group <group>', 'consumer group to report (repeatable)')
        .argParser(collect)
        .default([], 'every group'),
    )
    .addOption(
      new Option('--topic <topic>', 'only this topic (repeatable)')
        .argParser(collect)
        .default([], 'every topic'),
    )
    .addOption(
      new Option(
        '--offset-reset <policy>',
        "the consumers' auto.offset.reset, for partitions without a commit",
      )
        .choices(['earliest', 'latest'])
        .default('latest'),
    )
    .option('--timeout <ms>', 'Kafka request timeout in milliseconds', positiveNumber('--timeout'))
}

export function connectionOptions(flags: LagSelectionFlags, clientId: string): ConnectionOptions {
  const bootstrapServers = parseBootstrapServers(
    flags.bootstrapServer.split(',').map((s) => s.trim()),
    '--bootstrap-server',
  )
  return { bootstrapServers, clientId, ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }) }
}
