import type { KafkaCluster } from '../kafka-model.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'

const TARGET_RF = 3

/** Broker settings that set a replication factor, with Kafka's own default when the key is absent. */
export const RF_KEYS: ReadonlyArray<{ key: string; kafkaDefault: number }> = [
  { key: 'default.replication.factor', kafkaDefault: 1 },
  { key: 'offsets.topic.replication.factor', kafkaDefault: 3 },
  { key: 'transaction.state.log.replication.factor', kafkaDefault: 3 },
]

export function effectiveConfig(cluster: KafkaCluster, key: string, kafkaDefault: number): number {
  const value = Number(cluster.config[key])
  return cluster.config[key] !== undefined && Number.isInteger(value) ? value : kafkaDefault
}

function setConfig(cluster: KafkaCluster, key: string, value: number): FixAction[] {
  if (cluster.configAt === null) return []
  const { resource, path } = cluster.configAt
  return [{ type: 'set', resource, path: [...path, key], value, note: 'replicated on 3 brokers' }]
}

export const kafkaReplicationFactor: AuditRule = {
  id: 'kafka-replication-factor',
  severity: 'critical',
  title: 'Replication factor 3 for topics and internal topics',
  why:
    'Replication factor 3 keeps every partition available and durable while one broker is down and another ' +
    'is being restarted. Kafka defaults default.replication.factor to 1: topics created without a factor ' +
    'then live on a single broker.',
  equivalent: [],
  fix: 'Strimzi: sets the replication factor keys in spec.kafka.config and spec.replicas of KafkaTopics to 3.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const cluster of stack.kafka) {
      const at = cluster.configAt ?? { resource: cluster.resource, path: [] }
      for (const { key, kafkaDefault } of RF_KEYS) {
        const rf = effectiveConfig(cluster, key, kafkaDefault)
        const given = cluster.config[key] !== undefined
        const path = given ? [...at.path, key] : at.path
        if (rf < TARGET_RF) {
          hits.push({
            resource: at.resource,
            path,
            message: `Kafka cluster ${cluster.name}: ${key} is ${rf}${given ? '' : ' (Kafka default)'}; set ${TARGET_RF}`,
            fix: setConfig(cluster, key, TARGET_RF),
          })
        } else if (cluster.brokers !== null && rf > cluster.brokers && cluster.brokers >= TARGET_RF) {
          hits.push({
            resource: at.resource,
            path,
            message: `Kafka cluster ${cluster.name}: ${key} ${rf} is above the ${cluster.brokers} brokers`,
          })
        }
      }
    }
    for (const topic of stack.topics) {
      if (topic.replicas !== null && topic.replicas < TARGET_RF) {
        const koperator = topic.resource.apiVersion.startsWith('kafka.banzaicloud.io')
        const path = ['spec', koperator ? 'replicationFactor' : 'replicas']
        hits.push({
          resource: topic.resource,
          path,
          message: `topic ${topic.name} has replication factor ${topic.replicas}; set ${TARGET_RF} (changing it on an existing topic reassigns its partitions)`,
          fix: [
            {
              type: 'set',
              resource: topic.resource,
              path,
              value: TARGET_RF,
              note: 'replicated on 3 brokers',
            },
          ],
        })
      }
    }
    return hits
  },
}
