// Runs Kafka's own `kafka-consumer-groups` (ConsumerGroupCommand, from the stack's jars) and parses its tables,
// so integration tests can check `autopilot lag` against what Kafka itself reports.
import { KAFKA_TOOLS, runKafkaTool } from '../../src/stack/tools.ts'
import type { StackState } from '../../src/stack/types.ts'

export interface DescribeRow {
  group: string
  topic: string
  partition: number
  currentOffset: number | null
  logEndOffset: number | null
  lag: number | null
  consumerId: string | null
  host: string | null
  clientId: string | null
}

const value = (s: string | undefined): string | null => (s === undefined || s === '-' ? null : s)
const number = (s: string | undefined): number | null => (value(s) === null ? null : Number(s))

/** `--describe` rows of the given groups. */
export async function describeGroups(kafka: StackState, groups: string[]): Promise<DescribeRow[]> {
  const stdout = await run(kafka, ['--describe', ...groups.flatMap((g) => ['--group', g])])
  const wanted = new Set(groups)
  const rows: DescribeRow[] = []
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/)
    if (cells.length < 9 || !wanted.has(cells[0]!) || cells[1] === 'TOPIC') continue
    rows.push({
      group: cells[0]!,
      topic: cells[1]!,
      partition: Number(cells[2]),
      currentOffset: number(cells[3]),
      logEndOffset: number(cells[4]),
      lag: number(cells[5]),
      consumerId: value(cells[6]),
      host: value(cells[7]),
      clientId: value(cells[8]),
    })
  }
  return rows
}

/** `--describe --state`: state and member count per group. */
export async function describeStates(
  kafka: StackState,
  groups: string[],
): Promise<Map<string, { state: string; members: number }>> {
  const stdout = await run(kafka, ['--describe', '--state', ...groups.flatMap((g) => ['--group', g])])
  const wanted = new Set(groups)
  const states = new Map<string, { state: string; members: number }>()
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/)
    if (!wanted.has(cells[0]!) || cells.length < 4) continue
    states.set(cells[0]!, { state: cells.at(-2)!, members: Number(cells.at(-1)) })
  }
  return states
}

async function run(kafka: StackState, args: string[]): Promise<string> {
  const result = await runKafkaTool(kafka, KAFKA_TOOLS.consumerGroups, [
    '--bootstrap-server',
    kafka.bootstrapServers,
    ...args,
  ])
  if (result.code !== 0)
    throw new Error(`kafka-consumer-groups ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`)
  return result.stdout
}

/** DeleteRecords through Kafka's own tool: moves the log start like retention would. */
export async function deleteRecordsBefore(
  kafka: StackState,
  partitions: Array<{ topic: string; partition: number; offset: number }>,
  file: string,
): Promise<void> {
  const { writeFile } = await import('node:fs/promises')
  await writeFile(file, JSON.stringify({ version: 1, partitions }))
  const result = await runKafkaTool(kafka, 'org.apache.kafka.tools.DeleteRecordsCommand', [
    '--bootstrap-server',
    kafka.bootstrapServers,
    '--offset-json-file',
    file,
  ])
  if (result.code !== 0) throw new Error(`kafka-delete-records failed: ${result.stderr.slice(-2000)}`)
}
