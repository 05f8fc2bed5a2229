import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { kafkaReplicationFactor } from '../../../../src/analyzer/audit/rules/kafka-replication-factor.ts'
import { findingsOf, kafkaTopic, stackOf, strimzi, workload } from '../helpers.ts'

describe('kafka-replication-factor', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    { name: 'clean: RF 3 everywhere', input: [strimzi(), kafkaTopic('orders', 12)], expected: [] },
    {
      name: 'no config: Kafka default RF 1 for new topics',
      input: [strimzi({ config: {} })],
      expected: ['default.replication.factor is 1 (Kafka default)'],
    },
    {
      name: 'internal topics with RF 1',
      input: [
        strimzi({
          config: {
            'default.replication.factor': 3,
            'min.insync.replicas': 2,
            'offsets.topic.replication.factor': 1,
          },
        }),
      ],
      expected: ['offsets.topic.replication.factor is 1; set 3'],
    },
    {
      name: 'a KafkaTopic with RF 2',
      input: [strimzi(), kafkaTopic('orders', 12, 2)],
      expected: ['topic orders has replication factor 2'],
    },
    {
      name: 'RF above the broker count',
      input: [strimzi({ brokers: 3, config: { 'default.replication.factor': 4 } })],
      expected: ['default.replication.factor 4 is above the 3 brokers'],
    },
    {
      name: 'Bitnami StatefulSet: config from KAFKA_CFG_ env',
      input: [
        workload({
          name: 'kafka',
          kind: 'StatefulSet',
          image: 'bitnami/kafka:3.9',
          replicas: 3,
          env: { KAFKA_CFG_DEFAULT_REPLICATION_FACTOR: '2', KAFKA_CFG_PROCESS_ROLES: 'broker,controller' },
        }),
      ],
      expected: ['default.replication.factor is 2; set 3'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(kafkaReplicationFactor, row.input.join('\n---\n'))
      expect(findings.map((f) => f.message)).toHaveLength(row.expected.length)
      row.expected.forEach((text, i) => {
        expect(findings[i]!.message).toContain(text)
      })
      for (const f of findings) expect(f.severity).toBe('critical')
    })
  }

  it('fixes Strimzi config keys in spec.kafka.config and KafkaTopic spec.replicas', () => {
    const { fixes } = runAudit(stackOf(`${strimzi({ config: {} })}---\n${kafkaTopic('orders', 6, 1)}`), [
      kafkaReplicationFactor,
    ])
    expect(
      fixes.flatMap((f) => f.actions).map((a) => (a.type === 'set' ? [a.path.join('.'), a.value] : [])),
    ).toEqual([
      ['spec.kafka.config.default.replication.factor', 3],
      ['spec.replicas', 3],
    ])
  })
})
