import type { KafkaCluster } from '../kafka-model.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'

const MIN_QUORUM = 3

function fixFor(cluster: KafkaCluster): FixAction[] {
  if (cluster.flavour !== 'strimzi') return []
  const role = cluster.quorum.mode === 'zookeeper' ? 'zookeeper' : 'controller'
  const groups = cluster.groups.filter((g) => g.roles.includes(role))
  // Only a single group is raised: with several controller pools the split is a person's choice.
  if (groups.length !== 1 || groups[0]!.replicas === null) return []
  const group = groups[0]!
  const others = (cluster.quorum.count ?? 0) - (group.replicas ?? 0)
  const value = Math.max(MIN_QUORUM - others, group.replicas ?? 0)
  return [
    {
      type: 'set',
      resource: group.replicasAt.resource,
      path: group.replicasAt.path,
      value,
      note: 'quorum of 3',
    },
  ]
}

export const kafkaQuorumSize: AuditRule = {
  id: 'kafka-quorum-size',
  severity: 'critical',
  title: 'At least 3 KRaft controllers or ZooKeeper nodes, an odd number',
  why:
    'The controller quorum (KRaft controllers or ZooKeeper) needs a majority to elect a leader: 1 node is a ' +
    'single point of failure, and an even count tolerates no more failures than the odd count below it.',
  equivalent: [],
  fix: 'Strimzi: raises the single controller pool (or spec.zookeeper.replicas) to 3. On a running KRaft cluster this needs dynamic quorum support.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const cluster of stack.kafka) {
      const { mode, count, at } = cluster.quorum
      const what = mode === 'zookeeper' ? 'ZooKeeper nodes' : 'KRaft controllers'
      if (mode === 'external') continue // ZooKeeper outside the input: audited where it is deployed
      if (count === null || mode === 'unknown') {
        hits.push({
          resource: at.resource,
          path: at.path,
          severity: 'info',
          message: `cannot count the controllers of Kafka cluster ${cluster.name}: no controller pool or ZooKeeper found in the input`,
        })
      } else if (count < MIN_QUORUM) {
        hits.push({
          resource: at.resource,
          path: at.path,
          message: `Kafka cluster ${cluster.name} has ${count} ${what}; run at least ${MIN_QUORUM}`,
          fix: fixFor(cluster),
        })
      } else if (count % 2 === 0) {
        hits.push({
          resource: at.resource,
          path: at.path,
          message: `Kafka cluster ${cluster.name} has ${count} ${what}; use an odd number (${count - 1} or ${count + 1})`,
        })
      }
    }
    return hits
  },
}
