import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { kafkaMinInsyncReplicas } from '../../../../src/analyzer/audit/rules/kafka-min-insync-replicas.ts'
import { findingsOf, kafkaTopic, stackOf, strimzi } from '../helpers.ts'

const cfg = (minIsr: number | undefined, rf = 3) => ({
  'default.replication.factor': rf,
  ...(minIsr === undefined ? {} : { 'min.insync.replicas': minIsr }),
})

describe('kafka-min-insync-replicas', () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    { name: 'clean: RF 3, min.insync 2', input: [strimzi()], expected: [] },
    {
      name: 'clean: RF 5, min.insync 3',
      input: [strimzi({ brokers: 5, config: { ...cfg(3, 5) } })],
      expected: [],
    },
    {
      name: 'Kafka default of 1',
      input: [strimzi({ config: cfg(undefined) })],
      expected: ['min.insync.replicas (Kafka default) is 1'],
    },
    {
      name: 'equal to RF',
      input: [strimzi({ config: cfg(3) })],
      expected: ['is 3 with replication factor 3'],
    },
    {
      name: 'transaction log min.isr equal to its RF',
      input: [
        strimzi({
          config: {
            ...cfg(2),
            'transaction.state.log.replication.factor': 3,
            'transaction.state.log.min.isr': 3,
          },
        }),
      ],
      expected: ['transaction.state.log.min.isr is 3'],
    },
    {
      name: 'topic-level min.insync.replicas 1',
      input: [strimzi(), kafkaTopic('orders', 3, 3, '  config:\n    min.insync.replicas: 1\n')],
      expected: ['topic orders: min.insync.replicas is 1'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(kafkaMinInsyncReplicas, row.input.join('\n---\n'))
      expect(findings).toHaveLength(row.expected.length)
      row.expected.forEach((text, i) => {
        expect(findings[i]!.message).toContain(text)
      })
    })
  }

  it('fixes to 2', () => {
    const { fixes } = runAudit(stackOf(strimzi({ config: cfg(3) })), [kafkaMinInsyncReplicas])
    expect(fixes[0]!.actions).toMatchObject([
      { type: 'set', path: ['spec', 'kafka', 'config', 'min.insync.replicas'], value: 2 },
    ])
  })
})
