// Fetch (API key 1, v13–v17) with a response parser that keeps each partition's raw record bytes, so the probe
// can read the header of a batch cut off by the partition byte limit (the library's parser drops such batches).
// Requests are encoded by the library's own per-version modules; only the response parsing is ours.
import {
  type API,
  createAPI,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  type Reader,
} from '@platformatic/kafka'

export interface RawFetchPartition {
  partitionIndex: number
  errorCode: number
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
  records: Buffer | null
}

export interface RawFetchResponse {
  errorCode: number
  responses: Array<{ topicId: string; partitions: RawFetchPartition[] }>
}

export interface FetchPartitionRequest {
  partition: number
  currentLeaderEpoch: number
  fetchOffset: bigint
  lastFetchedEpoch: number
  partitionMaxBytes: number
}

export type RawFetchArgs = [
  maxWaitMs: number,
  minBytes: number,
  maxBytes: number,
  isolationLevel: number,
  sessionId: number,
  sessionEpoch: number,
  topics: Array<{ topicId: string; partitions: FetchPartitionRequest[] }>,
  forgottenTopicsData: [],
  rackId: string,
]

/*
  Fetch Response (v13–v17, flexible) => throttle_time_ms error_code session_id [responses] TAG_BUFFER
    responses => topic_id [partitions] TAG_BUFFER
      partitions => partition_index error_code high_watermark last_stable_offset log_start_offset
                    [aborted_transactions] preferred_read_replica records TAG_BUFFER
        aborted_transactions => producer_id first_offset TAG_BUFFER
  Tagged fields (diverging_epoch, current_leader, snapshot_id, node_endpoints) are skipped.
*/
export function parseRawFetchResponse(
  _correlationId: number,
  _apiKey: number,
  _apiVersion: number,
  reader: Reader,
): RawFetchResponse {
  reader.readInt32() // throttle_time_ms
  const errorCode = reader.readInt16()
  reader.readInt32() // session_id
  const responses = reader.readArray((r) => ({
    topicId: r.readUUID(),
    partitions: r.readArray((p) => {
      const partitionIndex = p.readInt32()
      const partitionError = p.readInt16()
      const highWatermark = p.readInt64()
      const lastStableOffset = p.readInt64()
      const logStartOffset = p.readInt64()
      p.readNullableArray((a) => [a.readInt64(), a.readInt64()])
      p.readInt32() // preferred_read_replica
      const size = p.readUnsignedVarInt() - 1
      let records: Buffer | null = null
      if (size > 0) {
        records = Buffer.from(p.buffer.slice(p.position, p.position + size))
        p.skip(size)
      }
      return {
        partitionIndex,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        records,
      }
    }),
  }))
  reader.readTaggedFields()
  return { errorCode, responses }
}

const REQUEST_BY_VERSION: Record<
  number,
  (...args: RawFetchArgs) => ReturnType<typeof fetchV17.createRequest>
> = {
  13: fetchV13.createRequest as never,
  14: fetchV14.createRequest as never,
  15: fetchV15.createRequest as never,
  16: fetchV16.createRequest as never,
  17: fetchV17.createRequest,
}

export const MIN_FETCH_VERSION = 13
export const MAX_FETCH_VERSION = 17

/** The raw Fetch API at `version` (13–17: topic ids, flexible encoding). */
export function rawFetchApi(version: number): API<RawFetchArgs, RawFetchResponse> {
  const createRequest = REQUEST_BY_VERSION[version]
  if (!createRequest) throw new Error(`Fetch v${version} is not supported by the probe (needs v13–v17)`)
  return createAPI<RawFetchArgs, RawFetchResponse>(1, version, createRequest, parseRawFetchResponse)
}
