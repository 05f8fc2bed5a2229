// Moving replicas between the log dirs of their own broker (KIP-113 AlterReplicaLogDirs), raw: the library's
// Admin has no such method. The request goes to the broker that holds the replica (not the controller); the
// broker answers at once and copies in the background into a "future" replica, which DescribeLogDirs lists with
// isFuture until the swap. In KRaft with JBOD (KIP-858) the broker then tells the controller the new dir itself.
import { describeItemError, protocolErrorName } from './error-mapping.ts'
import type { MetadataCache } from './metadata.ts'
import type { ReplicaLogDirMove, ReplicaLogDirResult } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertInt, assertName, assertPartitions } from './validate.ts'

/** The library's v1/v2 request shape: one entry per destination path. */
type RequestDirs = Array<{ path: string; topics: Array<{ name: string; partitions: number[] }> }>
interface Response {
  results: Array<{ topicName: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>
}

function assertMoves(moves: ReplicaLogDirMove[]): void {
  assertPartitions(moves, 'moves')
  moves.forEach((m, i) => {
    assertInt(m.broker, `moves[${i}].broker`, 0)
    assertName(m.logDir, `moves[${i}].logDir`)
  })
}

/** Groups one broker's moves into the request: destination path → topic → partitions. */
export function toRequestDirs(moves: ReplicaLogDirMove[]): RequestDirs {
  const dirs = new Map<string, Map<string, number[]>>()
  for (const m of moves) {
    const topics = dirs.get(m.logDir) ?? new Map<string, number[]>()
    dirs.set(m.logDir, topics)
    topics.set(m.topic, [...(topics.get(m.topic) ?? []), m.partition])
  }
  return [...dirs].map(([path, topics]) => ({
    path,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  }))
}

/** Per-move outcome from a broker's answer; a move the answer does not mention is reported, not dropped. */
export function toResults(moves: ReplicaLogDirMove[], response: Response): ReplicaLogDirResult[] {
  const codes = new Map<string, number>()
  for (const t of response.results) {
    for (const p of t.partitions) codes.set(`${t.topicName}\u0000${p.partitionIndex}`, p.errorCode)
  }
  return moves.map((m) => {
    const code = codes.get(`${m.topic}\u0000${m.partition}`)
    const error = code === undefined ? 'NO_ANSWER' : code === 0 ? null : protocolErrorName(code)
    return { ...m, error }
  })
}

export async function alterReplicaLogDirs(
  session: KafkaSession,
  metadata: MetadataCache,
  moves: ReplicaLogDirMove[],
): Promise<ReplicaLogDirResult[]> {
  assertMoves(moves)
  if (moves.length === 0) return []
  try {
    await metadata.fetch([])
  } catch (error) {
    throw session.fail(error, 'Metadata')
  }
  const brokers = [...new Set(moves.map((m) => m.broker))]
  const answers = await Promise.all(
    brokers.map(async (broker): Promise<ReplicaLogDirResult[]> => {
      const mine = moves.filter((m) => m.broker === broker)
      if (!session.brokers.has(broker)) return mine.map((m) => ({ ...m, error: 'BROKER_NOT_AVAILABLE' }))
      try {
        const api = await session.api<[RequestDirs], Response>('AlterReplicaLogDirs')
        const conn = await session.brokerConnection(broker)
        return toResults(mine, await tolerant(api.async(conn, toRequestDirs(mine))))
      } catch (error) {
        const why = `broker ${broker} unreachable or failed: ${describeItemError(error)}`
        return mine.map((m) => ({ ...m, error: why }))
      }
    }),
  )
  return answers.flat()
}
