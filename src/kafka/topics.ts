// Topic administration: create (placed by the controller or on explicit replica lists; then wait, bounded, until
// every partition has a leader), delete, add partitions.
// KRaft brokers forward these requests to the active controller, so any reachable broker is addressed.
import type { createPartitionsV3, createTopicsV7, deleteTopicsV6 } from '@platformatic/kafka'
import { AutopilotError } from '../errors.ts'
import { protocolErrorName } from './error-mapping.ts'
import type { MetadataCache } from './metadata.ts'
import { partitionOffsets } from './offsets.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertArray, assertInt, assertName, assertNames, invalid } from './validate.ts'
import { pollUntil } from './wait.ts'

const READY_TIMEOUT_MS = 10_000

export interface CreateTopicOptions {
  topic: string
  partitions: number
  replicationFactor: number
  configs?: Record<string, string>
  /** replicas[p]: broker ids of partition p, preferred leader first (see KafkaAdminPort.createTopic). */
  replicas?: number[][]
}

/** Explicit replica lists: one per partition, each replicationFactor distinct broker ids. */
function assertAssignments(options: CreateTopicOptions): void {
  const replicas: unknown = options.replicas
  if (replicas === undefined) return
  assertArray(replicas, 'replicas')
  if (replicas.length !== options.partitions) {
    invalid('replicas', `replicas must list ${options.partitions} partitions, got ${replicas.length}`)
  }
  for (const [p, list] of replicas.entries()) {
    const field = `replicas[${p}]`
    assertArray(list, field)
    if (list.length !== options.replicationFactor) {
      invalid(field, `${field} must list ${options.replicationFactor} brokers, got ${list.length}`)
    }
    for (const [i, id] of list.entries()) assertInt(id, `${field}[${i}]`, 0)
    const twice = list.find((id, i) => list.indexOf(id) !== i)
    if (twice !== undefined) invalid(field, `${field} names broker ${String(twice)} twice`)
  }
}

/**
 * Waits until Metadata shows every partition of `topic` (count >= `partitions`) with a leader, and every leader
 * answers for its partitions: Metadata from one broker can be ahead of what the leaders themselves have applied,
 * and a produce sent in between fails with NOT_LEADER_OR_FOLLOWER.
 */
async function waitForLeaders(
  session: KafkaSession,
  metadata: MetadataCache,
  topic: string,
  partitions: number,
): Promise<boolean> {
  return pollUntil(async () => {
    const entry = (await metadata.topics([topic], { refresh: true })).get(topic)
    const parts = entry?.topic?.partitions ?? []
    if (parts.length < partitions || parts.some((p) => p.leader < 0)) return false
    const offsets = await partitionOffsets(
      session,
      metadata,
      parts.map((p) => ({ topic, partition: p.partition })),
    )
    return offsets.every((o) => o.error === null)
  }, READY_TIMEOUT_MS)
}

export async function createTopic(
  session: KafkaSession,
  metadata: MetadataCache,
  options: CreateTopicOptions,
) {
  assertName(options?.topic, 'topic')
  assertInt(options.partitions, 'partitions', 1)
  assertInt(options.replicationFactor, 'replicationFactor', 1)
  assertAssignments(options)
  const configs = Object.entries(options.configs ?? {}).map(([name, value]) => ({
    name,
    value: String(value),
  }))
  let result: createTopicsV7.CreateTopicsResponseTopic | undefined
  try {
    const api = await session.api<createTopicsV7.CreateTopicsRequest, createTopicsV7.CreateTopicsResponse>(
      'CreateTopics',
    )
    const request = [
      {
        name: options.topic,
        // With explicit assignments Kafka requires -1 for both counts (they follow from the lists).
        numPartitions: options.replicas ? -1 : options.partitions,
        replicationFactor: options.replicas ? -1 : options.replicationFactor,
        assignments: (options.replicas ?? []).map((brokerIds, partitionIndex) => ({
          partitionIndex,
          brokerIds,
        })),
        configs,
      },
    ]
    const response = await session.onAny(
      (conn) => tolerant(api.async(conn, request, session.requestTimeoutMs - 1_000, false)),
      { write: true },
    )
    result = response.topics.find((t) => t.name === options.topic)
  } catch (error) {
    throw session.fail(error, 'CreateTopics', `topic ${options.topic}`)
  }
  if (!result) throw session.failWith('MISSING_IN_RESPONSE', 'CreateTopics', `topic ${options.topic}`)
  if (result.errorCode !== 0) {
    const name = protocolErrorName(result.errorCode)
    throw session.failWith(name, 'CreateTopics', `topic ${options.topic}`, result.errorMessage, fieldOf(name))
  }
  try {
    if (await waitForLeaders(session, metadata, options.topic, options.partitions)) return
  } catch (error) {
    throw session.fail(error, 'Metadata', `topic ${options.topic}`)
  }
  throw new AutopilotError(
    'AP_ERR_TIMEOUT',
    `topic ${options.topic} was created but its partitions have no leader yet`,
    {
      retryable: true,
    },
  )
}

function fieldOf(kafkaError: string): string | undefined {
  if (kafkaError === 'INVALID_REPLICATION_FACTOR') return 'replicationFactor'
  if (kafkaError === 'INVALID_PARTITIONS') return 'partitions'
  if (kafkaError === 'INVALID_CONFIG') return 'configs'
  if (kafkaError === 'INVALID_TOPIC_EXCEPTION') return 'topic'
  if (kafkaError === 'INVALID_REPLICA_ASSIGNMENT' || kafkaError === 'BROKER_NOT_AVAILABLE') return 'replicas'
  return undefined
}

export async function deleteTopics(session: KafkaSession, metadata: MetadataCache, topics: string[]) {
  assertNames(topics, 'topics')
  const names = [...new Set(topics)]
  if (names.length === 0) return
  let failures: deleteTopicsV6.DeleteTopicsResponseResponse[] = []
  try {
    const api = await session.api<deleteTopicsV6.DeleteTopicsRequest, deleteTopicsV6.DeleteTopicsResponse>(
      'DeleteTopics',
    )
    const response = await session.onAny(
      (conn) =>
        tolerant(
          api.async(
            conn,
            names.map((name) => ({ name })),
            session.requestTimeoutMs - 1_000,
          ),
        ),
      { write: true },
    )
    failures = response.responses.filter((r) => r.errorCode !== 0)
  } catch (error) {
    throw session.fail(error, 'DeleteTopics', names.join(','))
  } finally {
    metadata.invalidate(names)
  }
  const first = failures[0]
  if (first) {
    throw session.failWith(
      protocolErrorName(first.errorCode),
      'DeleteTopics',
      `topic ${first.name}`,
      first.errorMessage,
    )
  }
}

export async function createPartitions(
  session: KafkaSession,
  metadata: MetadataCache,
  topic: string,
  totalCount: number,
) {
  assertName(topic, 'topic')
  assertInt(totalCount, 'totalCount', 1)
  let failure: createPartitionsV3.CreatePartitionsResponseResult | undefined
  try {
    const api = await session.api<
      createPartitionsV3.CreatePartitionsRequest,
      createPartitionsV3.CreatePartitionsResponse
    >('CreatePartitions')
    const response = await session.onAny(
      (conn) =>
        tolerant(
          api.async(
            conn,
            [{ name: topic, count: totalCount, assignments: null }],
            session.requestTimeoutMs - 1_000,
            false,
          ),
        ),
      { write: true },
    )
    failure = response.results.find((r) => r.errorCode !== 0)
  } catch (error) {
    throw session.fail(error, 'CreatePartitions', `topic ${topic}`)
  }
  if (failure) {
    const name = protocolErrorName(failure.errorCode)
    throw session.failWith(
      name,
      'CreatePartitions',
      `topic ${topic}`,
      failure.errorMessage,
      name === 'INVALID_PARTITIONS' ? 'totalCount' : undefined,
    )
  }
  try {
    if (await waitForLeaders(session, metadata, topic, totalCount)) return
  } catch (error) {
    throw session.fail(error, 'Metadata', `topic ${topic}`)
  }
  throw new AutopilotError('AP_ERR_TIMEOUT', `partitions of ${topic} were added but have no leader yet`, {
    retryable: true,
  })
}
