// Rebalance planner benchmark: Autopilot's planner against Kafka's own `kafka-reassign-partitions --generate`
// on the same assignments, RF 3, adding a 7th broker (6 → 7) and removing it again (7 → 6). Prints time and
// replica moves (replicas copied to a broker that did not hold them) for both, and the ratios.
//
// The tool needs a live cluster holding the topics, so those rows run on a local 7-broker stack (topics for
// 6 → 7 are created while only brokers 1–6 are up, so Kafka itself places them there). Sizes: 1,000 and
// 10,000 partitions. 100,000 partitions is planner-only: 300,000 replicas on 7 brokers is ~43,000 replica
// logs per broker, above the 20,000 open files a process gets here and, with two index maps per log, above
// vm.max_map_count (65,530); the 2-core machine could not create them in reasonable time either.
// Usage: npm run bench -- planner [--quick] [--no-kafka]   or   node bench/planner.ts [--quick] [--no-kafka]
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { planReassignment } from '../src/analyzer/rebalance/plan.ts'
import type { PartitionReplicas, RebalanceReport } from '../src/analyzer/rebalance/types.ts'
import { AutopilotError } from '../src/errors.ts'
import { createAdminPort } from '../src/kafka/index.ts'
import { addBroker, startStack, stopStack } from '../src/stack/cluster.ts'
import { KAFKA_TOOLS, runKafkaTool } from '../src/stack/tools.ts'
import type { StackState } from '../src/stack/types.ts'
import { median, printTable } from './report.ts'

const quick = process.argv.includes('--quick')
const withKafka = !process.argv.includes('--no-kafka')
const RF = 3
const TOPIC_PARTITIONS = 1000
const PURE_SIZES = quick ? [1000, 10_000] : [1000, 10_000, 100_000]
const KAFKA_SIZES = quick ? [1000] : [1000, 10_000]
const RUNS = 3

type Scenario = 'add 6→7' | 'remove 7→6'

interface Row {
  scenario: Scenario
  partitions: number
  source: 'local cluster' | 'striped (no cluster)'
  ours: RebalanceReport
  oursMs: number
  tool: { moves: number; leaderMoves: number; ms: number } | null
  toolBaselineMs: number | null
}

const BROKERS_6 = [1, 2, 3, 4, 5, 6]
const BROKERS_7 = [...BROKERS_6, 7]

/** Kafka-like striped placement (first replica round-robin, followers next), for the planner-only rows. */
function striped(partitions: number, brokers: number[]): PartitionReplicas[] {
  return Array.from({ length: partitions }, (_, i) => ({
    topic: `t${Math.floor(i / TOPIC_PARTITIONS)}`,
    partition: i % TOPIC_PARTITIONS,
    replicas: Array.from({ length: RF }, (_, r) => brokers[(i + r) % brokers.length]!),
  }))
}

function planOurs(scenario: Scenario, partitions: PartitionReplicas[]) {
  const brokers = BROKERS_7.map((id) => ({ id }))
  const options = scenario === 'add 6→7' ? {} : { remove: [7] }
  const times: number[] = []
  let ours: RebalanceReport | undefined
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    ours = planReassignment({ brokers, partitions }, options)
    times.push(performance.now() - started)
  }
  return { ours: ours!, oursMs: median(times) }
}

/** Replica additions and first-replica changes of a proposal against the current assignment. */
function countMoves(current: PartitionReplicas[], proposed: PartitionReplicas[]) {
  const before = new Map(current.map((p) => [`${p.topic}\u0000${p.partition}`, p.replicas]))
  let moves = 0
  let leaderMoves = 0
  for (const p of proposed) {
    const was = before.get(`${p.topic}\u0000${p.partition}`)!
    moves += p.replicas.filter((b) => !was.includes(b)).length
    if (p.replicas[0] !== was[0]) leaderMoves++
  }
  return { moves, leaderMoves }
}

/** The JSON line after `heading` in the tool's output. */
function jsonAfter(stdout: string, heading: string): PartitionReplicas[] {
  const lines = stdout.split('\n')
  const at = lines.findIndex((l) => l.startsWith(heading))
  const doc = at < 0 ? undefined : lines.slice(at + 1).find((l) => l.trim().startsWith('{'))
  if (!doc) throw new Error(`kafka-reassign-partitions printed no "${heading}":\n${stdout.slice(-1000)}`)
  return (JSON.parse(doc) as { partitions: PartitionReplicas[] }).partitions.map(
    ({ topic, partition, replicas }) => ({
      topic,
      partition,
      replicas,
    }),
  )
}

async function generate(stack: StackState, topics: string[], brokerList: number[]) {
  const file = join(stack.dir, `topics-${topics[0]}.json`)
  await writeFile(file, JSON.stringify({ version: 1, topics: topics.map((topic) => ({ topic })) }))
  const args = [
    '--bootstrap-server',
    stack.bootstrapServers,
    '--generate',
    '--topics-to-move-json-file',
    file,
    '--broker-list',
    brokerList.join(','),
  ]
  // The 2-core machine can starve the brokers (a metadata request times out): a failed run is retried, and
  // only a successful run is timed.
  let failure = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await runKafkaTool(stack, KAFKA_TOOLS.reassignPartitions, args, {
      timeoutMs: 300_000,
      heapMb: 1024,
    })
    if (result.code === 0) {
      return {
        current: jsonAfter(result.stdout, 'Current partition replica assignment'),
        proposed: jsonAfter(result.stdout, 'Proposed partition reassignment configuration'),
        ms: result.durationMs,
      }
    }
    failure = `${result.stdout.slice(-1000)}${result.stderr.slice(-1000)}`
    process.stderr.write(
      `  kafka-reassign-partitions failed (attempt ${attempt + 1}): ${failure.trim().slice(-300)}\n`,
    )
  }
  throw new Error(`kafka-reassign-partitions --generate failed 3 times: ${failure}`)
}

/**
 * Topics of 1,000 partitions each. The admin port's createTopic takes no explicit assignment (it sends
 * CreateTopics with `assignments: []`), so Kafka places the replicas over the brokers that are up. It also
 * waits (10 s) for every partition to have a leader, which thousands of partitions on this machine can
 * outlast: --generate only reads the assignment, so that timeout is tolerated.
 */
async function createTopics(stack: StackState, prefix: string, partitions: number): Promise<string[]> {
  const admin = createAdminPort({
    bootstrapServers: stack.bootstrapServers.split(','),
    clientId: 'bench-planner',
  })
  const names = Array.from({ length: partitions / TOPIC_PARTITIONS }, (_, i) => `${prefix}-${i}`)
  try {
    for (const topic of names) {
      await admin
        .createTopic({ topic, partitions: TOPIC_PARTITIONS, replicationFactor: RF })
        .catch((err: unknown) => {
          if (!(AutopilotError.is(err) && err.code === 'AP_ERR_TIMEOUT')) throw err
        })
    }
  } finally {
    await admin.close()
  }
  return names
}

async function kafkaRows(): Promise<Row[]> {
  await mkdir(join(process.cwd(), '.stack'), { recursive: true })
  const dir = await mkdtemp(join(process.cwd(), '.stack', 'bench-planner-'))
  const rows: Row[] = []
  const stack = await startStack({ dir, brokers: 6, readyTimeoutMs: 300_000 })
  try {
    // 1. Topics on brokers 1–6 (for 6 → 7), then a 7th broker, then topics on 1–7 (for 7 → 6).
    const onSix = new Map<number, string[]>()
    for (const size of KAFKA_SIZES) onSix.set(size, await createTopics(stack, `six-${size}`, size))
    const seventh = await addBroker(dir, { readyTimeoutMs: 300_000 })
    const state = { ...stack, bootstrapServers: `${stack.bootstrapServers},${seventh.host}:${seventh.port}` }
    const onSeven = new Map<number, string[]>()
    for (const size of KAFKA_SIZES) onSeven.set(size, await createTopics(state, `seven-${size}`, size))
    process.stderr.write('  topics created\n')
    // 2. The tool's fixed cost: --generate on one small topic.
    const [small] = await createTopics(state, 'baseline', TOPIC_PARTITIONS)
    const baseline = median([
      (await generate(state, [small!], BROKERS_7)).ms,
      (await generate(state, [small!], BROKERS_7)).ms,
    ])
    // 3. Per size and direction: the tool's proposal, then ours on the very assignment the tool read.
    for (const size of KAFKA_SIZES) {
      for (const [scenario, topics, list] of [
        ['add 6→7', onSix.get(size)!, BROKERS_7],
        ['remove 7→6', onSeven.get(size)!, BROKERS_6],
      ] as const) {
        const tool = await generate(state, topics, list)
        const { ours, oursMs } = planOurs(scenario, tool.current)
        rows.push({
          scenario,
          partitions: size,
          source: 'local cluster',
          ours,
          oursMs,
          tool: { ...countMoves(tool.current, tool.proposed), ms: tool.ms },
          toolBaselineMs: baseline,
        })
        process.stderr.write(`  measured ${scenario} with ${size} partitions\n`)
      }
    }
  } finally {
    await stopStack(dir)
  }
  return rows
}

function pureRows(): Row[] {
  const rows: Row[] = []
  for (const size of PURE_SIZES) {
    if (withKafka && KAFKA_SIZES.includes(size)) continue
    for (const [scenario, brokers] of [
      ['add 6→7', BROKERS_6],
      ['remove 7→6', BROKERS_7],
    ] as const) {
      rows.push({
        scenario,
        partitions: size,
        source: 'striped (no cluster)',
        ...planOurs(scenario, striped(size, brokers)),
        tool: null,
        toolBaselineMs: null,
      })
    }
  }
  return rows
}

function report(rows: Row[]): void {
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(3))
  printTable(
    [
      'scenario',
      'partitions',
      'input',
      'ours moves',
      'lower bound',
      'ours leader moves',
      'ours ms',
      'tool moves',
      'tool leader moves',
      'tool ms',
      'moves ours/tool',
      'time ours/tool',
      'time ours/tool excl. JVM',
    ],
    rows.map((r) => [
      r.scenario,
      r.partitions,
      r.source,
      r.ours.moves,
      r.ours.lowerBound.moves,
      r.ours.leaderMoves,
      r.oursMs.toFixed(0),
      r.tool?.moves ?? 'n/a',
      r.tool?.leaderMoves ?? 'n/a',
      r.tool ? r.tool.ms.toFixed(0) : 'n/a',
      r.tool ? ratio(r.ours.moves, r.tool.moves) : 'n/a',
      r.tool ? ratio(r.oursMs, r.tool.ms) : 'n/a',
      r.tool && r.toolBaselineMs !== null && r.tool.ms - r.toolBaselineMs > r.tool.ms * 0.1
        ? ratio(r.oursMs, r.tool.ms - r.toolBaselineMs)
        : 'n/a',
    ]),
  )
  process.stdout.write(
    '\nmoves = replicas copied to a broker that did not hold them; lower bound from bounds.ts (balanced = ±1 of the mean).\n' +
      'ours ms is the median of 3 plans; tool ms is one `kafka-reassign-partitions --generate` run (JVM start, metadata,\n' +
      'proposal). "excl. JVM" subtracts the tool\'s time for one 1,000-partition topic. The tool plans each topic afresh\n' +
      'from a random start, ignoring the current placement, so it moves nearly every replica; it also has no drain mode:\n' +
      'for 7→6 it is simply given brokers 1–6. 100,000 partitions run on the planner only (see the header).\n',
  )
}

export async function benchPlanner(): Promise<void> {
  process.stdout.write('\n## Rebalance planner: autopilot vs kafka-reassign-partitions --generate (RF 3)\n\n')
  const rows = withKafka ? await kafkaRows() : []
  rows.push(...pureRows())
  rows.sort((a, b) => a.partitions - b.partitions || a.scenario.localeCompare(b.scenario))
  report(rows)
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPlanner()
