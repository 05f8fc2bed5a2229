import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { containerProbes } from '../../../../src/analyzer/audit/rules/container-probes.ts'
import { findingsOf, stackOf, workload } from '../helpers.ts'

describe('container-probes', () => {
  const readinessOnly = workload().replace(/ {10}livenessProbe:\n.*\n/, '')
  const rows: Array<{ name: string; input: string; expected: string[] }> = [
    { name: 'clean: both probes', input: workload(), expected: [] },
    {
      name: 'no probes',
      input: workload({ probes: false }),
      expected: ['container web: no readinessProbe or livenessProbe'],
    },
    { name: 'liveness missing', input: readinessOnly, expected: ['container web: no livenessProbe'] },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const findings = findingsOf(containerProbes, row.input)
      expect(findings.map((f) => f.message)).toEqual(row.expected.map((e) => expect.stringContaining(e)))
    })
  }

  it('reports the container line', () => {
    const [finding] = findingsOf(containerProbes, workload({ probes: false, spread: false }))
    expect(finding!.line).toBe(
      workload({ probes: false, spread: false }).split('\n').indexOf('        - name: web') + 1,
    )
  })

  it('fixes with TCP probes on the first port; no fix without a port', () => {
    const withPort = runAudit(stackOf(workload({ probes: false })), [containerProbes]).fixes[0]!.actions
    expect(withPort).toMatchObject([
      {
        path: ['spec', 'template', 'spec', 'containers', 0, 'readinessProbe'],
        value: { tcpSocket: { port: 8080 } },
      },
      {
        path: ['spec', 'template', 'spec', 'containers', 0, 'livenessProbe'],
        value: { tcpSocket: { port: 8080 }, failureThreshold: 6 },
      },
    ])
    const noPort = runAudit(stackOf(workload({ probes: false, port: false })), [containerProbes])
    expect(noPort.findings[0]!.fixable).toBe(false)
  })
})
