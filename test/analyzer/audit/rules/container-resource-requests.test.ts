import { describe, expect, it } from 'vitest'
import { containerResourceRequests } from '../../../../src/analyzer/audit/rules/container-resource-requests.ts'
import { findingsOf, strimzi, workload } from '../helpers.ts'

describe('container-resource-requests', () => {
  const cpuOnly = workload().replace('{ cpu: 100m, memory: 128Mi }', '{ cpu: 100m }')
  const rows: Array<{ name: string; input: string; expected: string[] }> = [
    { name: 'clean: cpu and memory', input: workload(), expected: [] },
    { name: 'no requests', input: workload({ requests: false }), expected: ['no cpu or memory request'] },
    { name: 'memory missing', input: cpuOnly, expected: ['no memory request'] },
    { name: 'clean: Strimzi pools with requests', input: strimzi(), expected: [] },
    {
      name: 'Strimzi pools without requests',
      input: strimzi({ requests: false }),
      expected: ['KafkaNodePool/brokers', 'KafkaNodePool/controllers'],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(containerResourceRequests, row.input)
      expect(findings.map((f) => f.message)).toEqual(row.expected.map((e) => expect.stringContaining(e)))
      for (const f of findings) expect(f.fixable).toBe(false)
    })
  }
})
