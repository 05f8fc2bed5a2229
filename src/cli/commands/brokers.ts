// `autopilot brokers …`: the brokers of a cluster. `list` reads Kafka's metadata (through the port) and shows per
// broker its address, rack, whether it is the controller Kafka reports, its replicas, the partitions it leads,
// the under-replicated partitions it leads (Kafka's UnderReplicatedPartitions metric counts on the leader) and
// its replicas out of the ISR. A broker that is registered but fenced (DescribeCluster v2, Kafka 4.0+) is listed
// as fenced; one that holds replicas but is neither in the metadata nor registered (stopped) as offline. `add` and `remove` (brokers/scale.ts) register through BROKERS_SUBCOMMANDS.
import type { Command } from 'commander'
import type { ClusterDescription, ClusterMetadata } from '../../kafka/port.ts'
import { registerAdd, registerRemove } from './brokers/scale.ts'
import { addClusterOptions, type ClusterFlags, connectionOptions } from './rebalance/flags.ts'
import { type CommandDeps, commandDeps, withPort } from './rebalance/session.ts'

export interface BrokerRow {
  id: number
  /** null for an offline broker (neither in the metadata nor registered). */
  host: string | null
  port: number | null
  rack: string | null
  /** The broker Kafka's Metadata answer names as controller (in KRaft: the one it forwards admin requests to). */
  controller: boolean
  /** live: in the metadata; fenced: registered but fenced by the controller; offline: neither. */
  state: 'live' | 'fenced' | 'offline'
  replicas: number
  leaders: number
  /** Partitions this broker leads whose ISR is smaller than their replicas. */
  underReplicated: number
  /** This broker's replicas that are not in their partition's ISR. */
  outOfSync: number
}

export interface BrokerList {
  clusterId: string
  controllerId: number
  brokers: BrokerRow[]
  partitions: number
  underReplicated: number
  /** Partitions without a leader. */
  offline: number
}

/** Pure: the per-broker view of the metadata (and of DescribeCluster when known), sorted by id. */
export function brokerList(metadata: ClusterMetadata, description?: ClusterDescription): BrokerList {
  const rows = new Map<number, BrokerRow>()
  const row = (id: number): BrokerRow => {
    let r = rows.get(id)
    if (!r) {
      r = {
        id,
        host: null,
        port: null,
        rack: null,
        controller: id === metadata.controllerId,
        state: 'offline',
        replicas: 0,
        leaders: 0,
        underReplicated: 0,
        outOfSync: 0,
      }
      rows.set(id, r)
    }
    return r
  }
  for (const b of description?.brokers ?? []) {
    if (b.fenced) Object.assign(row(b.id), { host: b.host, port: b.port, rack: b.rack, state: 'fenced' })
  }
  for (const b of metadata.brokers)
    Object.assign(row(b.id), { host: b.host, port: b.port, rack: b.rack, state: 'live' })
  let partitions = 0
  let underReplicated = 0
  let offline = 0
  for (const t of metadata.topics) {
    for (const p of t.partitions) {
      partitions++
      const urp = p.isr.length < p.replicas.length
      if (urp) underReplicated++
      if (p.leader < 0) offline++
      else {
        row(p.leader).leaders++
        if (urp) row(p.leader).underReplicated++
      }
      for (const id of p.replicas) {
        const r = row(id)
        r.replicas++
        if (!p.isr.includes(id)) r.outOfSync++
      }
    }
  }
  return {
    clusterId: metadata.clusterId,
    controllerId: metadata.controllerId,
    brokers: [...rows.values()].sort((a, b) => a.id - b.id),
    partitions,
    underReplicated,
    offline,
  }
}

export function brokerTable(list: BrokerList): string {
  const rows = [
    ['ID', 'ADDRESS', 'RACK', 'STATE', 'CONTROLLER', 'REPLICAS', 'LEADERS', 'URP', 'OUT-OF-SYNC'],
    ...list.brokers.map((b) => [
      String(b.id),
      b.host === null ? '-' : `${b.host}:${b.port}`,
      b.rack ?? '-',
      b.state,
      b.controller ? 'yes' : '',
      String(b.replicas),
      String(b.leaders),
      String(b.underReplicated),
      String(b.outOfSync),
    ]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  )
  const count = (state: BrokerRow['state']) => list.brokers.filter((b) => b.state === state).length
  const live = count('live')
  const down = (['fenced', 'offline'] as const)
    .filter((st) => count(st) > 0)
    .map((st) => `, ${count(st)} ${st}`)
  lines.push(
    '',
    `${live} live broker${live === 1 ? '' : 's'}${down.join('')}; ` +
      `${list.partitions} partitions, ${list.underReplicated} under-replicated, ${list.offline} without a leader (cluster ${list.clusterId})`,
  )
  return `${lines.join('\n')}\n`
}

export interface BrokersListFlags extends ClusterFlags {
  json?: boolean
}

export async function runBrokersList(flags: BrokersListFlags, deps: CommandDeps): Promise<BrokerList> {
  const connection = connectionOptions(flags, 'autopilot-brokers')
  return withPort(deps, connection, async (port) => {
    const metadata = await port.metadata()
    // Fenced brokers are absent from the metadata; DescribeCluster v2 lists them (unknown on older Kafka).
    const description = await port.describeCluster?.().catch(() => undefined)
    const list = brokerList(metadata, description)
    deps.stdout.write(flags.json ? `${JSON.stringify(list, null, 2)}\n` : brokerTable(list))
    return list
  })
}

function registerList(brokers: Command, deps: CommandDeps): void {
  addClusterOptions(
    brokers
      .command('list')
      .description(
        'brokers with address, rack, controller, replicas, leaders and under-replicated partitions',
      ),
  )
    .option('--json', 'print {clusterId, controllerId, brokers: [...], partitions, underReplicated, offline}')
    .action(async (flags: BrokersListFlags) => {
      await runBrokersList(flags, deps)
    })
}

/** One register function per subcommand. */
const BROKERS_SUBCOMMANDS: Array<(brokers: Command, deps: CommandDeps) => void> = [
  registerList,
  registerAdd,
  registerRemove,
]

export function registerBrokers(program: Command, deps: Partial<CommandDeps> = {}): void {
  const brokers = program.command('brokers').description('the brokers of a cluster: list, add, remove')
  for (const register of BROKERS_SUBCOMMANDS) register(brokers, commandDeps(deps))
}
