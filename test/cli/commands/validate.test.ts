import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { registerValidate, runValidate } from '../../../src/cli/commands/validate.ts'
import { AutopilotError, formatError } from '../../../src/errors.ts'

const fixture = (name: string) => new URL(`../../fixtures/config/${name}`, import.meta.url).pathname

function output() {
  const chunks: string[] = []
  return { write: (s: string) => chunks.push(s), text: () => chunks.join('') }
}

describe('autopilot validate', () => {
  it('summarises a valid file, one line per scaler', async () => {
    const stdout = output()
    await runValidate({ config: fixture('valid.yaml') }, { stdout, stderr: output() })
    const lines = stdout.text().trim().split('\n')
    expect(lines[0]).toMatch(/valid\.yaml: valid, 2 scalers$/)
    expect(lines[1]).toBe(
      '  orders: group orders on orders, lag lagThreshold=100, replicas 0–12, target process node',
    )
    expect(lines[2]).toContain('slo maxLagSeconds=30')
  })

  it('--json prints the configuration with defaults filled in', async () => {
    const stdout = output()
    await runValidate({ config: fixture('valid.yaml'), json: true }, { stdout, stderr: output() })
    const doc = JSON.parse(stdout.text())
    expect(doc.scalers[1].behavior.scaleDown).toMatchObject({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
    })
    expect(doc.scalers[0].pollingInterval).toBe(5)
  })

  it('--json never prints secrets', async () => {
    const stdout = output()
    await runValidate({ config: fixture('secret.yaml'), json: true }, { stdout, stderr: output() })
    const metadata = JSON.parse(stdout.text()).scalers[0].trigger.metadata
    expect([metadata.username, metadata.password, metadata.key]).toEqual(['svc', '***', '***'])
    expect(stdout.text()).not.toContain('hunter2')
  })

  it('through commander: an invalid file is AP_ERR_CONFIG (exit 3) listing every problem with its line', async () => {
    const program = new Command('autopilot').exitOverride()
    registerValidate(program, { stdout: output(), stderr: output() })
    const err = await program
      .parseAsync(['node', 'autopilot', 'validate', '-c', fixture('invalid.yaml')])
      .catch((e: unknown) => e)
    expect(AutopilotError.is(err)).toBe(true)
    if (!AutopilotError.is(err)) return
    expect(err.exitCode).toBe(3)
    const text = formatError(err)
    expect(text).toContain(
      'invalid.yaml:11:23: scalers[0].trigger.metadata.lagThreshold: must be an integer ≥ 1',
    )
    expect(text).toContain('invalid.yaml:12:9: scalers[0].trigger.metadata.lagThreshhold: unknown field')
    expect(text).not.toMatch(/\n\s+at /)
  })
})
