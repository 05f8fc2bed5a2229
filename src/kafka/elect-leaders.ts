// ElectLeaders (API key 43) v2: @platformatic/kafka ships no module for it, so this is a small hand-written codec
// built with the library's exported createAPI / Writer / Reader (encoding per the Kafka protocol spec,
// ElectLeadersRequest.json / ElectLeadersResponse.json). Only preferred-leader election is used.
import { type API, createAPI, type Reader, Writer } from '@platformatic/kafka'
import { protocolErrorName } from './error-mapping.ts'
import { byTopic } from './leaders.ts'
import type { TopicPartition } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertPartitions } from './validate.ts'

export const ELECT_LEADERS_KEY = 43
export const ELECT_LEADERS_VERSION = 2
export const PREFERRED_ELECTION = 0

export interface ElectLeadersTopic {
  topic: string
  partitions: number[]
}

export interface ElectLeadersResponse {
  throttleTimeMs: number
  errorCode: number
  results: Array<{
    topic: string
    partitions: Array<{ partitionId: number; errorCode: number; errorMessage: string | null }>
  }>
}

/*
  ElectLeaders Request (Version: 2) => election_type [topic_partitions] timeout_ms TAG_BUFFER
    election_type => INT8
    topic_partitions => topic [partitions] TAG_BUFFER      (null array = every partition)
      topic => COMPACT_STRING
      partitions => INT32
    timeout_ms => INT32
*/
export function createElectLeadersRequest(
  electionType: number,
  topics: ElectLeadersTopic[] | null,
  timeoutMs: number,
): Writer {
  return Writer.create()
    .appendInt8(electionType)
    .appendArray(
      topics,
      (w, t) => {
        w.appendString(t.topic).appendArray(t.partitions, (w2, p) => w2.appendInt32(p), true, false)
      },
      true,
      true,
    )
    .appendInt32(timeoutMs)
    .appendTaggedFields()
}

/*
  ElectLeaders Response (Version: 2) => throttle_time_ms error_code [replica_election_results] TAG_BUFFER
    replica_election_results => topic [partition_result] TAG_BUFFER
      partition_result => partition_id error_code error_message TAG_BUFFER
*/
export function parseElectLeadersResponse(
  _correlationId: number,
  _apiKey: number,
  _apiVersion: number,
  reader: Reader,
): ElectLeadersResponse {
  const throttleTimeMs = reader.readInt32()
  const errorCode = reader.readInt16()
  const results = reader.readArray((r) => ({
    topic: r.readString(),
    partitions: r.readArray((p) => ({
      partitionId: p.readInt32(),
      errorCode: p.readInt16(),
      errorMessage: p.readNullableString(),
    })),
  }))
  reader.readTaggedFields()
  return { throttleTimeMs, errorCode, results }
}

export const electLeadersV2: API<
  [electionType: number, topics: ElectLeadersTopic[] | null, timeoutMs: number],
  ElectLeadersResponse
> = createAPI(ELECT_LEADERS_KEY, ELECT_LEADERS_VERSION, createElectLeadersRequest, parseElectLeadersResponse)

export type ElectionOutcome = 'elected' | 'not-needed' | 'failed'

export function toElectionResults(
  response: ElectLeadersResponse,
): Array<TopicPartition & { error: string | null; outcome: ElectionOutcome }> {
  return response.results
    .flatMap((t) =>
      t.partitions.map((p) => {
        const name = p.errorCode === 0 ? null : protocolErrorName(p.errorCode)
        // ELECTION_NOT_NEEDED: the preferred replica already leads; not a failure.
        const outcome: ElectionOutcome =
          name === null ? 'elected' : name === 'ELECTION_NOT_NEEDED' ? 'not-needed' : 'failed'
        const error = outcome === 'failed' ? `${name}${p.errorMessage ? `: ${p.errorMessage}` : ''}` : null
        return { topic: t.topic, partition: p.partitionId, error, outcome }
      }),
    )
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

export async function electPreferredLeaders(session: KafkaSession, partitions?: TopicPartition[]) {
  if (partitions !== undefined) assertPartitions(partitions, 'partitions')
  const topics = partitions
    ? byTopic(partitions).map((t) => ({ topic: t.name, partitions: t.items.map((i) => i.partition) }))
    : null
  if (topics && topics.length === 0) return []
  let response: ElectLeadersResponse
  try {
    const range = await session.apiRange('ElectLeaders')
    if (!range || range.maxVersion < ELECT_LEADERS_VERSION) {
      throw session.failWith(
        'UNSUPPORTED_VERSION',
        'ElectLeaders',
        undefined,
        'the brokers do not support ElectLeaders v2',
      )
    }
    response = await session.onAny(
      (conn) =>
        tolerant(electLeadersV2.async(conn, PREFERRED_ELECTION, topics, session.requestTimeoutMs - 1_000)),
      { write: true },
    )
  } catch (error) {
    throw session.fail(error, 'ElectLeaders')
  }
  if (response.errorCode !== 0) throw session.failWith(protocolErrorName(response.errorCode), 'ElectLeaders')
  return toElectionResults(response)
}
