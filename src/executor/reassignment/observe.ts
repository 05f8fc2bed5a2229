// One look at the in-flight moves: what Kafka is still reassigning (controller state), the partitions' replicas
// and ISR (metadata), and optionally the adding replicas' sizes (DescribeLogDirs). classify() is the pure part.
//
// The controller's list and a broker's metadata are not read atomically: right after a move completes the
// broker may still show the old replicas. A partition that is neither reassigning nor at its target is
// therefore only declared changed by someone else after it looked so on STRAY_POLLS consecutive polls.
import { AutopilotError } from '../../errors.ts'
import type { ClusterMetadata, KafkaAdminPort, PartitionMetadata } from '../../kafka/port.ts'
import { partitionKey, sameList } from './moves.ts'
import type { Tracked } from './progress.ts'
import type { Move } from './types.ts'

export const STRAY_POLLS = 3

export type Ongoing = Awaited<ReturnType<KafkaAdminPort['listPartitionReassignments']>>[number]

export interface Observation {
  ongoing: Map<string, Ongoing>
  partitions: Map<string, PartitionMetadata>
  /** partition key → broker → bytes on that broker (null when not asked for or DescribeLogDirs failed). */
  sizes: Map<string, Map<number, number>> | null
}

/** 'stray': neither reassigning toward our target nor at it (someone cancelled or changed it, or stale metadata). */
export type Classification = 'in-flight' | 'done' | 'stray'

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

export function classify(move: Move, observation: Observation): Classification {
  const key = partitionKey(move)
  const ongoing = observation.ongoing.get(key)
  if (ongoing) {
    const target = ongoing.replicas.filter((b) => !ongoing.removingReplicas.includes(b))
    return sameSet(target, move.to) ? 'in-flight' : 'stray'
  }
  const p = observation.partitions.get(key)
  if (!p || !sameList(p.replicas, move.to)) return 'stray'
  return move.to.every((b) => p.isr.includes(b)) ? 'done' : 'in-flight'
}

/** Applies an observation to the in-flight moves; returns those that finished and those that diverged. */
export function applyObservation(
  inFlight: readonly Tracked[],
  observation: Observation,
): { done: Tracked[]; diverged: Tracked[] } {
  const done: Tracked[] = []
  const diverged: Tracked[] = []
  for (const t of inFlight) {
    const c = classify(t.move, observation)
    if (c === 'stray') {
      t.strayPolls++
      if (t.strayPolls >= STRAY_POLLS) {
        t.state = 'diverged'
        diverged.push(t)
      }
      continue
    }
    t.strayPolls = 0
    if (c === 'done') {
      t.state = 'done'
      done.push(t)
    } else if (observation.sizes && t.move.kind === 'copy') {
      const sizes = observation.sizes.get(partitionKey(t.move))
      t.copied = t.move.adding.reduce((sum, b) => sum + (sizes?.get(b) ?? 0), 0)
    }
  }
  return { done, diverged }
}

async function readMetadata(port: KafkaAdminPort, topics: string[]): Promise<ClusterMetadata> {
  try {
    return await port.metadata({ topics })
  } catch (error) {
    // A topic deleted while moving: read everything and let classify() see the partition missing.
    if (AutopilotError.is(error) && error.code === 'AP_ERR_NOT_FOUND') return port.metadata()
    throw error
  }
}

export async function observe(
  port: KafkaAdminPort,
  inFlight: readonly Move[],
  withSizes: boolean,
): Promise<Observation> {
  const topics = [...new Set(inFlight.map((m) => m.topic))]
  const [list, metadata] = await Promise.all([port.listPartitionReassignments(), readMetadata(port, topics)])
  const partitions = new Map<string, PartitionMetadata>()
  for (const t of metadata.topics) {
    for (const p of t.partitions) partitions.set(partitionKey({ topic: t.name, partition: p.partition }), p)
  }
  let sizes: Map<string, Map<number, number>> | null = null
  const adding = [...new Set(inFlight.filter((m) => m.kind === 'copy').flatMap((m) => m.adding))]
  if (withSizes && adding.length > 0) {
    try {
      sizes = new Map()
      for (const dir of await port.describeLogDirs(adding)) {
        for (const p of dir.partitions) {
          if (p.isFuture) continue
          const key = partitionKey(p)
          const perBroker = sizes.get(key) ?? new Map<number, number>()
          perBroker.set(dir.broker, (perBroker.get(dir.broker) ?? 0) + p.size)
          sizes.set(key, perBroker)
        }
      }
    } catch {
      sizes = null // sizes only feed the progress bar
    }
  }
  return { ongoing: new Map(list.map((r) => [partitionKey(r), r])), partitions, sizes }
}
