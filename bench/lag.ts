// Lag snapshot benchmark: Autopilot's lag monitor against Kafka's own `kafka-consumer-groups --describe
// --all-groups`, measured on the same real cluster in the same run, for 1, 10 and 100 groups over topics of
// 10, 100 and 1,000 partitions, then with more brokers. Prints time per snapshot, requests per snapshot and
// the ratios. Usage: npm run bench:lag [-- --quick]
import { mkdir, mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { createAdminPort, createProducerPort, diffCounts } from '../src/kafka/index.ts'
import type { KafkaAdminPort, RequestCounts } from '../src/kafka/port.ts'
import { LagMonitor } from '../src/monitor/lag-monitor.ts'
import { addBroker, startStack, stopStack } from '../src/stack/cluster.ts'
import { KAFKA_TOOLS, runKafkaTool } from '../src/stack/tools.ts'
import type { StackState } from '../src/stack/types.ts'
import { median, printTable } from './report.ts'

interface Row {
  brokers: number
  partitions: number
  groups: number
  autopilotMs: number
  requests: RequestCounts
  toolMs: number
  toolBaselineMs: number
}

const quick = process.argv.includes('--quick')
const GROUPS = quick ? [1, 10] : [1, 10, 100]
const PARTITIONS = quick ? [10, 100] : [10, 100, 1000]
const RUNS = quick ? 3 : 5
const RECORDS_PER_PARTITION = 20

async function fillTopic(stack: StackState, admin: KafkaAdminPort, topic: string, partitions: number) {
  await admin.createTopic({ topic, partitions, replicationFactor: 3 })
  const producer = createProducerPort({
    bootstrapServers: stack.bootstrapServers.split(','),
    clientId: 'bench-fill',
  })
  try {
    for (let round = 0; round < RECORDS_PER_PARTITION; round++) {
      await producer.send(
        Array.from({ length: partitions }, (_, p) => ({
          topic,
          partition: p,
          key: `${round}`,
          value: 'x'.repeat(64),
        })),
      )
    }
  } finally {
    await producer.close()
  }
}

/** Groups with commits at different positions (some lagging, some caught up), no live members. */
async function makeGroups(
  admin: KafkaAdminPort,
  prefix: string,
  topic: string,
  partitions: number,
  count: number,
) {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
  for (const [i, group] of names.entries()) {
    await admin.alterGroupOffsets(
      group,
      Array.from({ length: partitions }, (_, p) => ({
        topic,
        partition: p,
        offset: (i + p) % (RECORDS_PER_PARTITION + 1),
      })),
    )
  }
  return names
}

async function timeTool(stack: StackState): Promise<number> {
  const result = await runKafkaTool(stack, KAFKA_TOOLS.consumerGroups, [
    '--bootstrap-server',
    stack.bootstrapServers,
    '--describe',
    '--all-groups',
  ])
  if (result.code !== 0) throw new Error(`kafka-consumer-groups failed: ${result.stderr.slice(-500)}`)
  return result.durationMs
}

async function measure(
  stack: StackState,
  brokers: number,
  partitions: number,
  groups: number,
  baselineMs: number,
) {
  const bootstrapServers = stack.bootstrapServers.split(',')
  const admin = createAdminPort({ bootstrapServers, clientId: 'bench-setup' })
  const topic = `bench-${brokers}b-${partitions}p-${groups}g`
  let names: string[] = []
  try {
    await fillTopic(stack, admin, topic, partitions)
    names = await makeGroups(admin, topic, topic, partitions, groups)
    // A fresh port per scenario: its request counter and connection pool start empty, as a CLI run would.
    const port = createAdminPort({ bootstrapServers, clientId: 'bench-lag' })
    const times: number[] = []
    let requests: RequestCounts = {}
    try {
      const monitor = new LagMonitor(port, { strict: true })
      await monitor.poll() // warm: connections, coordinators, API versions
      for (let i = 0; i < RUNS; i++) {
        // A cold monitor each run (no probe cache), so every snapshot does the full work.
        const cold = new LagMonitor(port, { strict: true })
        const before = port.requestCounts()
        const started = performance.now()
        const snapshot = await cold.poll()
        times.push(performance.now() - started)
        requests = diffCounts(before, port.requestCounts())
        if (snapshot.groups.length !== groups)
          throw new Error(`expected ${groups} groups, saw ${snapshot.groups.length}`)
      }
    } finally {
      await port.close()
    }
    const toolTimes: number[] = []
    for (let i = 0; i < (quick ? 1 : 2); i++) toolTimes.push(await timeTool(stack))
    return {
      brokers,
      partitions,
      groups,
      autopilotMs: median(times),
      requests,
      toolMs: median(toolTimes),
      toolBaselineMs: baselineMs,
    } satisfies Row
  } finally {
    await admin.deleteGroups(names).catch(() => undefined)
    await admin.deleteTopics([topic]).catch(() => undefined)
    await admin.close()
  }
}

function report(rows: Row[]): void {
  printTable(
    [
      'brokers',
      'partitions',
      'groups',
      'autopilot ms',
      'kafka-consumer-groups ms',
      'speed-up',
      'speed-up excl. JVM start',
      'OffsetFetch',
      'ListOffsets',
      'Fetch',
      'all requests',
    ],
    rows.map((r) => {
      const toolWork = r.toolMs - r.toolBaselineMs
      const total = Object.values(r.requests).reduce((a, b) => a + b, 0)
      return [
        r.brokers,
        r.partitions,
        r.groups,
        r.autopilotMs.toFixed(1),
        r.toolMs.toFixed(0),
        `${(r.toolMs / r.autopilotMs).toFixed(1)}x`,
        // Below a tenth of the tool's time the difference is start-up noise, not group work.
        toolWork > r.toolMs * 0.1 ? `${(toolWork / r.autopilotMs).toFixed(1)}x` : 'n/a',
        r.requests.OffsetFetch ?? 0,
        r.requests.ListOffsets ?? 0,
        r.requests.Fetch ?? 0,
        total,
      ]
    }),
  )
  process.stdout.write(
    '\nspeed-up = kafka-consumer-groups time / autopilot snapshot time (higher is better).\n' +
      '"excl. JVM start" subtracts the tool\'s run time on the same cluster with no groups.\n' +
      'Requests are per snapshot (cold: no probe cache). Budget: one OffsetFetch per group coordinator and a fixed\n' +
      'number of ListOffsets per broker, whatever the number of groups.\n',
  )
}

export async function benchLag(): Promise<void> {
  await mkdir(join(process.cwd(), '.stack'), { recursive: true })
  const dir = await mkdtemp(join(process.cwd(), '.stack', 'bench-lag-'))
  process.stdout.write(`\n## Lag snapshot: autopilot vs kafka-consumer-groups --describe --all-groups\n\n`)
  const stack = await startStack({ dir, brokers: 3 })
  const rows: Row[] = []
  try {
    // No groups yet: what the tool costs before any group work (JVM start, connect, list).
    const baselineMs = median([await timeTool(stack), await timeTool(stack), await timeTool(stack)])
    for (const partitions of PARTITIONS) {
      for (const groups of GROUPS) {
        rows.push(await measure(stack, 3, partitions, groups, baselineMs))
        process.stderr.write(`  measured ${partitions} partitions × ${groups} groups\n`)
      }
    }
    // More brokers: the same largest scenario spread over 5 brokers.
    if (!quick) {
      await addBroker(dir)
      const five = await addBroker(dir)
      const state = { ...stack, bootstrapServers: `${stack.bootstrapServers},${five.host}:${five.port}` }
      rows.push(await measure(state, 5, PARTITIONS.at(-1)!, GROUPS.at(-1)!, baselineMs))
    }
  } finally {
    await stopStack(dir)
  }
  report(rows)
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLag()
