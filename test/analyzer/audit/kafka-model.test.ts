import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseProperties } from '../../../src/analyzer/audit/kafka-model.ts'
import { stackOf, strimzi, workload } from './helpers.ts'

const koperator = `apiVersion: kafka.banzaicloud.io/v1beta1
kind: KafkaCluster
metadata: { name: kc, namespace: kafka }
spec:
  kRaft: true
  oneBrokerPerNode: true
  disruptionBudget: { create: true, budget: "0" }
  clusterWideConfig: |
    min.insync.replicas=2
  readOnlyConfig: |
    # read-only wins over cluster-wide
    default.replication.factor=3
    min.insync.replicas: 1
  brokerConfigGroups:
    default:
      storageConfigs: [{ mountPath: /kafka-logs, pvcSpec: { resources: { requests: { storage: 10Gi } } } }]
      resourceRequirements: { requests: { cpu: "1", memory: 2Gi } }
  brokers:
    - { id: 0, brokerConfigGroup: default, brokerConfig: { processRoles: [controller] } }
    - { id: 1, brokerConfigGroup: default, brokerConfig: { processRoles: [controller] } }
    - { id: 2, brokerConfigGroup: default, brokerConfig: { processRoles: [controller] } }
    - { id: 3, brokerConfigGroup: default }
    - { id: 4, brokerConfigGroup: default }
`

describe('Kafka model', () => {
  it('Koperator: groups by config group and roles, merges per-broker config over the group, reads properties', () => {
    const [cluster] = stackOf(koperator).kafka
    expect(cluster).toMatchObject({ flavour: 'koperator', brokers: 2, quorum: { mode: 'kraft', count: 3 } })
    expect(cluster!.config).toEqual({ 'min.insync.replicas': '1', 'default.replication.factor': '3' })
    expect(
      cluster!.groups.map((g) => [g.label, g.replicas, g.storage, g.spreadsAcrossNodes, g.disruptionBudget]),
    ).toEqual([
      ['KafkaCluster/kafka/kc (default, controller)', 3, 'persistent', true, 'blocking'],
      ['KafkaCluster/kafka/kc (default)', 2, 'persistent', true, 'blocking'],
    ])
  })

  it('Strimzi: node pools inherit resources from spec.kafka when they set none', () => {
    const text = strimzi({ requests: false }).replace(
      '    version: 4.1.0\n',
      '    version: 4.1.0\n    resources: { requests: { cpu: "2", memory: 8Gi } }\n',
    )
    const [cluster] = stackOf(text).kafka
    expect(cluster!.groups.map((g) => g.requests)).toEqual([
      { cpu: '2', memory: '8Gi' },
      { cpu: '2', memory: '8Gi' },
    ])
  })

  it('Strimzi with ZooKeeper and no node pools', () => {
    const text = `apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: { name: old }
spec:
  kafka: { replicas: 3, rack: { topologyKey: kubernetes.io/hostname }, storage: { type: ephemeral } }
  zookeeper: { replicas: 3, storage: { type: persistent-claim, size: 1Gi } }
`
    const [cluster] = stackOf(text).kafka
    expect(cluster).toMatchObject({ brokers: 3, quorum: { mode: 'zookeeper', count: 3 } })
    expect(cluster!.groups.map((g) => [g.label, g.roles, g.storage, g.spreadsAcrossNodes])).toEqual([
      ['Kafka/old (kafka)', ['broker'], 'ephemeral', true],
      ['Kafka/old (zookeeper)', ['zookeeper'], 'persistent', false],
    ])
  })

  it('StatefulSets: Bitnami KRaft combined nodes count as brokers and controllers', () => {
    const text = workload({
      name: 'kafka',
      kind: 'StatefulSet',
      image: 'docker.io/bitnami/kafka:3.9.0',
      replicas: 3,
      env: { KAFKA_CFG_PROCESS_ROLES: 'controller,broker', KAFKA_CFG_MIN_INSYNC_REPLICAS: '2' },
    })
    const [cluster] = stackOf(text).kafka
    expect(cluster).toMatchObject({
      flavour: 'workload',
      brokers: 3,
      quorum: { mode: 'kraft', count: 3 },
      config: { 'min.insync.replicas': '2' },
    })
  })

  it('the event-stack fixture has one Strimzi cluster with two pools', () => {
    const texts = ['kafka.yaml', 'topics.yaml'].map((f) =>
      readFileSync(`test/fixtures/audit/event-stack/${f}`, 'utf8'),
    )
    const stack = stackOf(...texts)
    expect(stack.kafka.map((k) => [k.name, k.brokers, k.quorum.count, k.groups.length])).toEqual([
      ['events', 1, 1, 2],
    ])
    expect(stack.topics.map((t) => [t.name, t.partitions, t.replicas])).toEqual([
      ['orders', 12, 1],
      ['payments', 6, 1],
    ])
  })

  it('parses Java properties text', () => {
    expect(parseProperties('# c\n! c\na=1\nb : 2\n\nc.d=x=y\n')).toEqual({ a: '1', b: '2', 'c.d': 'x=y' })
  })
})
