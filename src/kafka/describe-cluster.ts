// DescribeCluster (API key 60) v2 (KIP-1073, Kafka 4.0+): the registered brokers with their fencing state.
// @platformatic/kafka ships v0–v1 only, so this is a small hand-written codec built with the library's exported
// createAPI / Writer / Reader (DescribeClusterRequest.json / DescribeClusterResponse.json). On a cluster without
// v2 the library's own version is used and fencing is unknown (fenced: null): fenced brokers are then absent.
import { type API, createAPI, type Reader, Writer } from '@platformatic/kafka'
import { protocolErrorName } from './error-mapping.ts'
import type { ClusterDescription } from './port.ts'
import type { KafkaSession } from './session.ts'

export const DESCRIBE_CLUSTER_KEY = 60
export const DESCRIBE_CLUSTER_VERSION = 2
/** EndpointType BROKERS (1), as opposed to CONTROLLERS (2). */
const BROKERS_ENDPOINT = 1

export interface DescribeClusterResponse {
  errorCode: number
  errorMessage: string | null
  clusterId: string
  controllerId: number
  brokers: Array<{ brokerId: number; host: string; port: number; rack: string | null; isFenced?: boolean }>
}

/*
  DescribeCluster Request (Version: 2) => include_cluster_authorized_operations endpoint_type
                                          include_fenced_brokers TAG_BUFFER
*/
export function createDescribeClusterRequest(includeFencedBrokers: boolean): Writer {
  return Writer.create()
    .appendBoolean(false)
    .appendInt8(BROKERS_ENDPOINT)
    .appendBoolean(includeFencedBrokers)
    .appendTaggedFields()
}

/*
  DescribeCluster Response (Version: 2) => throttle_time_ms error_code error_message endpoint_type cluster_id
      controller_id [brokers] cluster_authorized_operations TAG_BUFFER
    brokers => broker_id host port rack is_fenced TAG_BUFFER
*/
export function parseDescribeClusterResponse(
  _correlationId: number,
  _apiKey: number,
  _apiVersion: number,
  reader: Reader,
): DescribeClusterResponse {
  reader.readInt32() // throttle_time_ms
  const errorCode = reader.readInt16()
  const errorMessage = reader.readNullableString()
  reader.readInt8() // endpoint_type
  const clusterId = reader.readString()
  const controllerId = reader.readInt32()
  const brokers = reader.readArray((r) => ({
    brokerId: r.readInt32(),
    host: r.readString(),
    port: r.readInt32(),
    rack: r.readNullableString(),
    isFenced: r.readBoolean(),
  }))
  reader.readInt32() // cluster_authorized_operations
  reader.readTaggedFields()
  return { errorCode, errorMessage, clusterId, controllerId, brokers }
}

export const describeClusterV2: API<[includeFencedBrokers: boolean], DescribeClusterResponse> = createAPI(
  DESCRIBE_CLUSTER_KEY,
  DESCRIBE_CLUSTER_VERSION,
  createDescribeClusterRequest,
  parseDescribeClusterResponse,
)

export function toClusterDescription(response: DescribeClusterResponse): ClusterDescription {
  return {
    clusterId: response.clusterId,
    controllerId: response.controllerId,
    brokers: response.brokers
      .map((b) => ({
        id: b.brokerId,
        host: b.host,
        port: b.port,
        rack: b.rack,
        fenced: b.isFenced ?? null,
      }))
      .sort((a, b) => a.id - b.id),
  }
}

export async function describeCluster(session: KafkaSession): Promise<ClusterDescription> {
  let response: DescribeClusterResponse
  try {
    const range = await session.apiRange('DescribeCluster')
    if (range && range.maxVersion >= DESCRIBE_CLUSTER_VERSION) {
      response = await session.onAny((conn) => describeClusterV2.async(conn, true))
    } else {
      // v0–v1 through the library: (includeClusterAuthorizedOperations, endpointType); no fencing state.
      const api = await session.api<[boolean, number], DescribeClusterResponse>('DescribeCluster')
      const raw = await session.onAny((conn) => api.async(conn, false, BROKERS_ENDPOINT))
      response = { ...raw, brokers: raw.brokers.map(({ isFenced: _, ...b }) => b) }
    }
  } catch (error) {
    throw session.fail(error, 'DescribeCluster')
  }
  if (response.errorCode !== 0) {
    throw session.failWith(
      protocolErrorName(response.errorCode),
      'DescribeCluster',
      undefined,
      response.errorMessage,
    )
  }
  return toClusterDescription(response)
}
