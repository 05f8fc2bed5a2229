// Flags shared by the `rebalance` and `brokers` subcommands: where the cluster is, which brokers and topics,
// throttle rates and limits. Each parser throws commander's InvalidArgumentError naming its flag, so a bad value
// is a usage error (exit 2) before anything connects.
import { type Command, InvalidArgumentError } from 'commander'
import type { RebalanceBroker } from '../../../analyzer/rebalance/types.ts'
import { parseBootstrapServers } from '../../../kafka/options.ts'
import type { ConnectionOptions } from '../../../kafka/port.ts'

export interface ClusterFlags {
  bootstrapServer: string
  timeout?: number
}

/** `--add-broker 7` or `--add-broker 7:rack-b` (repeatable). */
export function parseAddBroker(value: string, previous: RebalanceBroker[] = []): RebalanceBroker[] {
  const match = /^(\d+)(?::(\S+))?$/.exec(value.trim())
  if (!match) throw new InvalidArgumentError('--add-broker takes ID or ID:RACK (e.g. 7 or 7:rack-b)')
  return [...previous, { id: Number(match[1]), ...(match[2] ? { rack: match[2] } : {}) }]
}

/** A repeatable broker id flag (`--remove-broker 4`, `--id 4`). */
export function brokerIdFlag(flag: string) {
  return (value: string, previous: number[] = []): number[] => {
    if (!/^\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${flag} takes a broker id (a whole number)`)
    return [...previous, Number(value)]
  }
}

/** `--remove-broker 4` (repeatable). */
export const parseBrokerId = brokerIdFlag('--remove-broker')

/** A repeatable string flag; an empty value is refused. */
export function collectFlag(flag: string) {
  return (value: string, previous: string[] = []): string[] => {
    if (value.trim() === '') throw new InvalidArgumentError(`${flag} takes a non-empty value`)
    return [...previous, value.trim()]
  }
}

export function intFlag(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value.trim())
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `${flag} takes a whole number ≥ ${min}`
          : `${flag} takes a whole number from ${min} to ${max}`,
      )
    }
    return n
  }
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
}

/**
 * `--throttle`: bytes per second, `10485760`, `10MiB`, `10MB/s`, `512KiB`; `none` moves unthrottled (null).
 * Fractions are rounded to whole bytes; the result must be at least 1 byte/s.
 */
export function parseThrottle(value: string): number | null {
  const text = value.trim().toLowerCase()
  if (text === 'none') return null
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?$/.exec(text)
  const unit = match ? UNITS[match[2]!] : undefined
  const bytes = match && unit !== undefined ? Math.round(Number(match[1]) * unit) : 0
  if (!match || unit === undefined || bytes < 1 || !Number.isSafeInteger(bytes)) {
    throw new InvalidArgumentError(
      '--throttle takes bytes per second (e.g. 10485760, 10MiB, 500KB/s) or none for no throttle',
    )
  }
  return bytes
}

export function addClusterOptions(command: Command): Command {
  return command
    .requiredOption('--bootstrap-server <host:port[,…]>', 'Kafka brokers to connect to')
    .option('--timeout <ms>', 'Kafka request timeout in milliseconds', intFlag('--timeout', 1))
}

export function connectionOptions(flags: ClusterFlags, clientId: string): ConnectionOptions {
  const bootstrapServers = parseBootstrapServers(
    flags.bootstrapServer.split(',').map((s) => s.trim()),
    '--bootstrap-server',
  )
  return { bootstrapServers, clientId, ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }) }
}
