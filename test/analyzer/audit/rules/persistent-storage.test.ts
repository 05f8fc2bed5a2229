import { describe, expect, it } from 'vitest'
import { persistentStorage } from '../../../../src/analyzer/audit/rules/persistent-storage.ts'
import { findingsOf, strimzi, workload } from '../helpers.ts'

describe('persistent-storage', () => {
  const rows: Array<{ name: string; input: string; expected: string[] }> = [
    {
      name: 'clean: StatefulSet with volumeClaimTemplates',
      input: workload({ kind: 'StatefulSet', image: 'postgres:16', volumeClaim: true }),
      expected: [],
    },
    { name: 'clean: stateless Deployment', input: workload(), expected: [] },
    {
      name: 'StatefulSet without volumes',
      input: workload({ kind: 'StatefulSet', image: 'postgres:16' }),
      expected: ['StatefulSet web keeps state'],
    },
    {
      name: 'database in a Deployment without a PVC',
      input: workload({ image: 'bitnami/postgresql:16' }),
      expected: ['Deployment web keeps state'],
    },
    {
      name: 'clean: redis cache StatefulSet without volumes',
      input: workload({ kind: 'StatefulSet', image: 'redis:7' }),
      expected: [],
    },
    { name: 'clean: Strimzi persistent-claim', input: strimzi(), expected: [] },
    {
      name: 'Strimzi ephemeral storage',
      input: strimzi({ storage: 'ephemeral' }),
      expected: ['KafkaNodePool/brokers: storage is ephemeral', 'KafkaNodePool/controllers'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(persistentStorage, row.input)
      expect(findings.map((f) => f.message)).toEqual(row.expected.map((e) => expect.stringContaining(e)))
      for (const f of findings) expect(f.severity).toBe('critical')
    })
  }
})
