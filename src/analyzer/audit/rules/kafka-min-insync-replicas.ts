import type { KafkaCluster } from '../kafka-model.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'
import { effectiveConfig } from './kafka-replication-factor.ts'

const TARGET_MIN_ISR = 2

/** (min.insync.replicas key, the replication factor it is measured against), with Kafka's defaults. */
const PAIRS = [
  { isrKey: 'min.insync.replicas', isrDefault: 1, rfKey: 'default.replication.factor', rfDefault: 1 },
  {
    isrKey: 'transaction.state.log.min.isr',
    isrDefault: 2,
    rfKey: 'transaction.state.log.replication.factor',
    rfDefault: 3,
  },
] as const

function problem(minIsr: number, rf: number): string | null {
  if (minIsr < TARGET_MIN_ISR)
    return `is ${minIsr}: an acknowledged write (acks=all) can live on one broker only; set ${TARGET_MIN_ISR}`
  if (minIsr > rf - 1)
    return `is ${minIsr} with replication factor ${rf}: one broker down stops writes (acks=all); keep it at most RF−1`
  return null
}

function setConfig(cluster: KafkaCluster, key: string): FixAction[] {
  if (cluster.configAt === null) return []
  const { resource, path } = cluster.configAt
  return [
    {
      type: 'set',
      resource,
      path: [...path, key],
      value: TARGET_MIN_ISR,
      note: 'acks=all writes need 2 copies',
    },
  ]
}

export const kafkaMinInsyncReplicas: AuditRule = {
  id: 'kafka-min-insync-replicas',
  severity: 'critical',
  title: 'min.insync.replicas 2, and at most replication factor − 1',
  why:
    'With acks=all, min.insync.replicas is how many copies a write must reach. 1 lets a single broker ' +
    'failure lose acknowledged data; a value equal to the replication factor makes every broker restart ' +
    'stop producers. 2 with replication factor 3 survives one broker down without either.',
  equivalent: [],
  fix: 'Strimzi: sets min.insync.replicas (and transaction.state.log.min.isr) to 2 in spec.kafka.config; KafkaTopic spec.config likewise.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const cluster of stack.kafka) {
      const at = cluster.configAt ?? { resource: cluster.resource, path: [] }
      for (const pair of PAIRS) {
        const minIsr = effectiveConfig(cluster, pair.isrKey, pair.isrDefault)
        // Judge against the target factor when the factor itself is too low: that is reported on its own.
        const rf = Math.max(effectiveConfig(cluster, pair.rfKey, pair.rfDefault), 3)
        const text = problem(minIsr, rf)
        if (text === null) continue
        const given = cluster.config[pair.isrKey] !== undefined
        hits.push({
          resource: at.resource,
          path: given ? [...at.path, pair.isrKey] : at.path,
          message: `Kafka cluster ${cluster.name}: ${pair.isrKey}${given ? '' : ' (Kafka default)'} ${text}`,
          fix: setConfig(cluster, pair.isrKey),
        })
      }
    }
    for (const topic of stack.topics) {
      const raw = topic.config['min.insync.replicas']
      if (raw === undefined || !Number.isInteger(Number(raw))) continue
      const text = problem(Number(raw), topic.replicas ?? 3)
      if (text === null) continue
      const path = ['spec', 'config', 'min.insync.replicas']
      hits.push({
        resource: topic.resource,
        path,
        message: `topic ${topic.name}: min.insync.replicas ${text}`,
        fix: [
          {
            type: 'set',
            resource: topic.resource,
            path,
            value: TARGET_MIN_ISR,
            note: 'acks=all writes need 2 copies',
          },
        ],
      })
    }
    return hits
  },
}
