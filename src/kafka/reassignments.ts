// Partition reassignments (KIP-455), raw AlterPartitionReassignments / ListPartitionReassignments over any broker
// (KRaft brokers forward them to the active controller). `replicas: null` cancels a pending reassignment.
import { AutopilotError } from '../errors.ts'
import { protocolErrorName } from './error-mapping.ts'
import { byTopic, partitionKey } from './leaders.ts'
import type { TopicPartition } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertArray, assertPartitions } from './validate.ts'
import type { AlterPartitionReassignmentsResponse, ListPartitionReassignmentsResponse } from './wire-types.ts'

type Move = TopicPartition & { replicas: number[] | null }
type AlterTopics = Array<{
  name: string
  partitions: Array<{ partitionIndex: number; replicas: number[] | null }>
}>

function assertMoves(moves: Move[]): void {
  assertPartitions(moves, 'moves')
  moves.forEach((m, i) => {
    if (m.replicas === null) return
    assertArray(m.replicas, `moves[${i}].replicas`)
    const ok = m.replicas.length > 0 && m.replicas.every((r) => Number.isInteger(r) && r >= 0)
    if (!ok || new Set(m.replicas).size !== m.replicas.length) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `moves[${i}].replicas must be distinct broker ids (or null to cancel)`,
        {
          field: `moves[${i}].replicas`,
        },
      )
    }
  })
}

export async function alterPartitionReassignments(
  session: KafkaSession,
  moves: Move[],
): Promise<Array<TopicPartition & { error: string | null }>> {
  assertMoves(moves)
  if (moves.length === 0) return []
  const topics: AlterTopics = byTopic(moves).map(({ name, items }) => ({
    name,
    partitions: items.map((m) => ({
      partitionIndex: m.partition,
      replicas: m.replicas ? [...m.replicas] : null,
    })),
  }))
  let response: AlterPartitionReassignmentsResponse
  try {
    const api = await session.api<unknown[], AlterPartitionReassignmentsResponse>(
      'AlterPartitionReassignments',
    )
    const timeout = session.requestTimeoutMs - 1_000
    // v1 (KIP-860) added allow_replication_factor_change; keep Kafka's default (true) so both versions behave alike.
    const args = api.version >= 1 ? [timeout, true, topics] : [timeout, topics]
    // a write: a timed-out request may have been applied, so it is not sent again to another broker
    response = await session.onAny((conn) => tolerant(api.async(conn, ...args)), { write: true })
  } catch (error) {
    throw session.fail(error, 'AlterPartitionReassignments')
  }
  if (response.errorCode !== 0) {
    throw session.failWith(
      protocolErrorName(response.errorCode),
      'AlterPartitionReassignments',
      undefined,
      response.errorMessage,
    )
  }
  const errors = new Map<string, string | null>()
  for (const t of response.responses) {
    for (const p of t.partitions) {
      const name = p.errorCode === 0 ? null : protocolErrorName(p.errorCode)
      errors.set(
        partitionKey({ topic: t.name, partition: p.partitionIndex }),
        name && p.errorMessage ? `${name}: ${p.errorMessage}` : name,
      )
    }
  }
  return moves.map((m) => ({
    topic: m.topic,
    partition: m.partition,
    error: errors.has(partitionKey(m)) ? errors.get(partitionKey(m))! : 'MISSING_IN_RESPONSE',
  }))
}

export async function listPartitionReassignments(session: KafkaSession) {
  let response: ListPartitionReassignmentsResponse
  try {
    const api = await session.api<[number, null], ListPartitionReassignmentsResponse>(
      'ListPartitionReassignments',
    )
    response = await session.onAny((conn) =>
      tolerant(api.async(conn, session.requestTimeoutMs - 1_000, null)),
    )
  } catch (error) {
    throw session.fail(error, 'ListPartitionReassignments')
  }
  if (response.errorCode !== 0) {
    throw session.failWith(
      protocolErrorName(response.errorCode),
      'ListPartitionReassignments',
      undefined,
      response.errorMessage,
    )
  }
  return response.topics
    .flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        replicas: [...p.replicas],
        addingReplicas: [...p.addingReplicas],
        removingReplicas: [...p.removingReplicas],
      })),
    )
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}
