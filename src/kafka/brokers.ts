// Broker-level operations: log dirs per broker (one DescribeLogDirs per broker, a dead broker is reported, not
// thrown) and KRaft UnregisterBroker (raw; forwarded to the active controller by any broker).
import { describeItemError, protocolErrorName } from './error-mapping.ts'
import type { MetadataCache } from './metadata.ts'
import type { LogDirDescription } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertArray, assertInt } from './validate.ts'
import type { DescribeLogDirsResponse, UnregisterBrokerResponse } from './wire-types.ts'

export function toLogDirs(broker: number, response: DescribeLogDirsResponse): LogDirDescription[] {
  return response.results.map((result) => ({
    broker,
    logDir: result.logDir,
    error: result.errorCode === 0 ? null : protocolErrorName(result.errorCode),
    totalBytes: Number(result.totalBytes),
    usableBytes: Number(result.usableBytes),
    partitions: result.topics
      .flatMap((t) =>
        t.partitions.map((p) => ({
          topic: t.name,
          partition: p.partitionIndex,
          size: Number(p.partitionSize),
          offsetLag: Number(p.offsetLag),
          isFuture: p.isFutureKey,
        })),
      )
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  }))
}

export async function describeLogDirs(
  session: KafkaSession,
  metadata: MetadataCache,
  brokerIds?: number[],
): Promise<LogDirDescription[]> {
  if (brokerIds !== undefined) {
    assertArray(brokerIds, 'brokerIds')
    for (const [i, id] of brokerIds.entries()) assertInt(id, `brokerIds[${i}]`, 0)
  }
  try {
    await metadata.fetch([])
  } catch (error) {
    throw session.fail(error, 'Metadata')
  }
  const ids = brokerIds ? [...new Set(brokerIds)] : [...session.brokers.keys()].sort((a, b) => a - b)
  const empty = (broker: number, error: string): LogDirDescription => ({
    broker,
    logDir: '',
    error,
    partitions: [],
  })
  const answers = await Promise.all(
    ids.map(async (broker) => {
      if (!session.brokers.has(broker)) return [empty(broker, 'BROKER_NOT_AVAILABLE')]
      try {
        const api = await session.api<[null], DescribeLogDirsResponse>('DescribeLogDirs')
        const response = await tolerant(api.async(await session.brokerConnection(broker), null))
        if (response.errorCode !== 0) return [empty(broker, protocolErrorName(response.errorCode))]
        return toLogDirs(broker, response)
      } catch (error) {
        return [empty(broker, `broker ${broker} unreachable or failed: ${describeItemError(error)}`)]
      }
    }),
  )
  return answers.flat()
}

export async function unregisterBroker(session: KafkaSession, brokerId: number): Promise<void> {
  assertInt(brokerId, 'brokerId', 0)
  let response: UnregisterBrokerResponse
  try {
    const api = await session.api<[number], UnregisterBrokerResponse>('UnregisterBroker')
    response = await session.onAny((conn) => tolerant(api.async(conn, brokerId)), { write: true })
  } catch (error) {
    throw session.fail(error, 'UnregisterBroker', `broker ${brokerId}`)
  }
  if (response.errorCode !== 0) {
    throw session.failWith(
      protocolErrorName(response.errorCode),
      'UnregisterBroker',
      `broker ${brokerId}`,
      response.errorMessage,
    )
  }
}
