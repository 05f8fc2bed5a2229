import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AuditFlags, runAuditCommand } from '../../../src/cli/commands/audit.ts'
import { AutopilotError } from '../../../src/errors.ts'

const STACK = 'test/fixtures/audit/event-stack'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    deps: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
  }
}

const flags = (extra: Partial<AuditFlags> = {}): AuditFlags => ({ minSeverity: 'warning', ...extra })

describe('autopilot audit', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autopilot-audit-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prints findings with file and line and exits 1 on the gappy stack', async () => {
    const io = capture()
    expect(await runAuditCommand([STACK], flags(), io.deps)).toBe(1)
    const text = io.out.join('')
    expect(text).toContain(`kafka-broker-count  KafkaNodePool/shop/brokers  (${STACK}/kafka.yaml:55)`)
    expect(text).toMatch(/22 finding\(s\): 9 critical, 13 warning, 0 info; 22 fixable/)
  })

  it('--json gives {findings: [{rule, severity, resource, message, equivalent, file, line}]}', async () => {
    const io = capture()
    await runAuditCommand([STACK], flags({ json: true }), io.deps)
    const doc = JSON.parse(io.out.join('')) as { findings: Array<Record<string, unknown>> }
    expect(doc.findings).toHaveLength(22)
    expect(doc.findings.find((f) => f.rule === 'pdb-present')).toEqual({
      rule: 'pdb-present',
      severity: 'warning',
      resource: 'Deployment/shop/backend',
      message: 'Deployment backend runs up to 2 replicas and no PodDisruptionBudget selects its pods',
      equivalent: [
        'kube-score: deployment-has-poddisruptionbudget',
        'kube-score: statefulset-has-poddisruptionbudget',
        'Polaris: missingPodDisruptionBudget',
      ],
      file: `${STACK}/backend.yaml`,
      line: 9,
      fixable: true,
    })
  })

  it('--min-severity critical ignores warnings for the exit code', async () => {
    const io = capture()
    expect(
      await runAuditCommand([`${STACK}/frontend.yaml`], flags({ minSeverity: 'critical' }), io.deps),
    ).toBe(0)
    expect(io.out.join('')).toContain('autoscaler-present')
  })

  it('audit → --fix → audit again on originals + output: clean, exit 0', async () => {
    const out = join(dir, 'fixes')
    const first = capture()
    expect(await runAuditCommand([STACK], flags({ fix: out }), first.deps)).toBe(0)
    expect(first.out.join('')).toContain('Nothing left: originals + fixes audit clean.')
    const again = capture()
    expect(await runAuditCommand([STACK, out], flags({ json: true }), again.deps)).toBe(0)
    const doc = JSON.parse(again.out.join('')) as { findings: unknown[]; overridden: unknown[] }
    expect(doc.findings).toEqual([])
    expect(doc.overridden).toHaveLength(10)
    expect(await readFile(join(out, 'prometheus-rules.yaml'), 'utf8')).toContain('command: upScale')
  })

  it('reports malformed YAML and unknown kinds with file and line, and still audits the rest', async () => {
    await writeFile(
      join(dir, 'broken.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nmetadata:\n  name: [unclosed\n',
    )
    await writeFile(join(dir, 'gizmo.yaml'), 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g}\n')
    const io = capture()
    expect(await runAuditCommand([dir], flags({ json: true }), io.deps)).toBe(1)
    const { findings } = JSON.parse(io.out.join('')) as {
      findings: Array<{ rule: string; file: string; line: number }>
    }
    expect(findings.map((f) => [f.rule, f.file, f.line])).toEqual([
      ['input-invalid-yaml', join(dir, 'broken.yaml'), 7],
      ['input-unknown-kind', join(dir, 'gizmo.yaml'), 1],
    ])
  })

  it('reads stdin for -', async () => {
    const io = capture()
    const code = await runAuditCommand(['-'], flags({ json: true }), {
      ...io.deps,
      readStdin: async () => 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n',
    })
    expect(code).toBe(0)
    expect(JSON.parse(io.out.join('')).findings).toEqual([])
  })

  const usageRows: Array<{
    name: string
    paths: string[]
    extra?: Partial<AuditFlags>
    code: string
    field: string
  }> = [
    { name: 'no path', paths: [], code: 'AP_ERR_USAGE', field: 'PATH' },
    { name: 'a missing path', paths: ['no/such/dir'], code: 'AP_ERR_NOT_FOUND', field: 'PATH' },
    {
      name: '--fix into an input folder',
      paths: [STACK],
      extra: { fix: STACK },
      code: 'AP_ERR_USAGE',
      field: '--fix',
    },
  ]
  for (const row of usageRows) {
    it(`refuses ${row.name} with a typed error naming the field`, async () => {
      const error = await runAuditCommand(row.paths, flags(row.extra), capture().deps).catch(
        (e: unknown) => e,
      )
      expect(AutopilotError.is(error) && [error.code, error.field]).toEqual([row.code, row.field])
    })
  }

  it('--list-rules lists every rule', async () => {
    const io = capture()
    expect(await runAuditCommand([], flags({ listRules: true }), io.deps)).toBe(0)
    expect(io.out.join('')).toMatch(/^alert-rules-coverage\s+warning/)
  })
})

describe('autopilot audit on helm template output', () => {
  it('names the chart template each finding comes from', async () => {
    const out: string[] = []
    const rendered = `---\n# Source: shop/templates/web.yaml\n${readFileSync('test/fixtures/audit/event-stack/frontend.yaml', 'utf8')}`
    await runAuditCommand(
      ['-'],
      { minSeverity: 'warning', json: true },
      {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: () => true },
        readStdin: async () => rendered,
      },
    )
    const { findings } = JSON.parse(out.join('')) as {
      findings: Array<{ rule: string; template?: string; line: number }>
    }
    expect(findings.find((f) => f.rule === 'autoscaler-present')).toMatchObject({
      template: 'shop/templates/web.yaml',
      line: 9,
    })
  })
})
