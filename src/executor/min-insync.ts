// min.insync.replicas per topic, as Kafka has it in force (set on the topic or the broker default), in one
// DescribeConfigs. Both places that take a replica out of an ISR check against it first: the broker operations
// before a drain (scaleIn) and the local backend before it restarts a broker (addDisk).
import type { KafkaAdminPort } from '../kafka/port.ts'

/** Topic → min.insync.replicas; a topic whose value is missing or not a positive whole number is left out. */
export async function readMinInsyncReplicas(
  admin: Pick<KafkaAdminPort, 'describeConfigs'>,
  topics: readonly string[],
): Promise<Record<string, number>> {
  if (topics.length === 0) return {}
  const configs = await admin.describeConfigs(
    topics.map((name) => ({ type: 'topic' as const, name, keys: ['min.insync.replicas'] })),
  )
  const out: Record<string, number> = {}
  for (const c of configs) {
    const v = Number(c.configs['min.insync.replicas'])
    if (Number.isInteger(v) && v > 0) out[c.name] = v
  }
  return out
}
