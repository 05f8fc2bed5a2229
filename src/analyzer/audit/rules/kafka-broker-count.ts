import type { KafkaCluster } from '../kafka-model.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'

const MIN_BROKERS = 3

/** Strimzi only: the fix raises the first broker pool (or spec.kafka.replicas) to make up the difference. */
function fixFor(cluster: KafkaCluster): FixAction[] {
  if (cluster.flavour !== 'strimzi' || cluster.brokers === null) return []
  const group = cluster.groups.find((g) => g.roles.includes('broker') && g.replicas !== null)
  if (group === undefined) return []
  const value = (group.replicas ?? 0) + (MIN_BROKERS - cluster.brokers)
  return [
    {
      type: 'set',
      resource: group.replicasAt.resource,
      path: group.replicasAt.path,
      value,
      note: `${MIN_BROKERS} brokers`,
    },
  ]
}

export const kafkaBrokerCount: AuditRule = {
  id: 'kafka-broker-count',
  severity: 'critical',
  title: 'At least 3 Kafka brokers',
  why:
    'With fewer than 3 brokers a topic cannot have replication factor 3, and losing or restarting one broker ' +
    'either stops writes (min.insync.replicas 2) or risks losing acknowledged data (min.insync.replicas 1).',
  equivalent: [],
  fix: 'Strimzi: raises the broker node pool (or spec.kafka.replicas) to 3.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const cluster of stack.kafka) {
      const { resource, path } = cluster.brokersAt
      if (cluster.brokers === null) {
        hits.push({
          resource,
          path,
          label: `${cluster.resource.kind}/${cluster.name}`,
          severity: 'info',
          message: `cannot count the brokers of Kafka cluster ${cluster.name}: its node pools or replicas are not in the input`,
        })
      } else if (cluster.brokers < MIN_BROKERS) {
        hits.push({
          resource,
          path,
          message: `Kafka cluster ${cluster.name} has ${cluster.brokers} broker(s); run at least ${MIN_BROKERS}`,
          fix: fixFor(cluster),
        })
      }
    }
    return hits
  },
}
