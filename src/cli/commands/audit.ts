// `autopilot audit PATH…`: HA audit of Kubernetes manifests (files, folders, helm template output, `-` for
// stdin). Prints findings, exits 1 when one is at or above --min-severity; --fix DIR writes what is missing.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { atOrAbove, runAudit } from '../../analyzer/audit/engine.ts'
import { planFixes } from '../../analyzer/audit/fix/plan.ts'
import { mergeManifests, parseManifests } from '../../analyzer/audit/manifest.ts'
import { buildStack } from '../../analyzer/audit/model.ts'
import { RULES } from '../../analyzer/audit/registry.ts'
import { type Finding, SEVERITIES, type Severity } from '../../analyzer/audit/types.ts'
import { AutopilotError } from '../../errors.ts'
import { readManifestFiles } from '../../monitor/manifests.ts'

export interface AuditFlags {
  json?: boolean
  fix?: string
  minSeverity: Severity
  consumerScaler?: 'keda' | 'autopilot'
  listRules?: boolean
}

export interface AuditDeps {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  readStdin?: () => Promise<string>
}

/** Runs the audit and returns the exit code: 0 clean, 1 findings at or above --min-severity. */
export async function runAuditCommand(paths: string[], flags: AuditFlags, deps: AuditDeps): Promise<number> {
  if (flags.listRules) {
    deps.stdout.write(
      flags.json ? `${JSON.stringify({ rules: RULES.map(ruleJson) }, null, 2)}\n` : rulesTable(),
    )
    return 0
  }
  if (paths.length === 0) {
    throw new AutopilotError('AP_ERR_USAGE', 'give at least one file or folder to audit (or - for stdin)', {
      field: 'PATH',
    })
  }
  const { files, problems } = await readManifestFiles(paths, deps.readStdin)
  if (flags.fix !== undefined) guardOutDir(flags.fix, paths)
  const merged = mergeManifests([
    ...files.map((f) => parseManifests(f.text, f.path)),
    { resources: [], problems },
  ])
  const result = runAudit(buildStack(merged.resources, merged.problems))
  let exitFindings = result.findings
  let fixDoc: Record<string, unknown> | undefined
  if (flags.fix !== undefined) {
    const outDir = flags.fix
    const plan = planFixes(files, outDir, { consumerScaler: flags.consumerScaler ?? 'keda' })
    for (const file of plan.files) {
      const target = join(outDir, file.name)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, file.text)
    }
    exitFindings = plan.remaining
    fixDoc = {
      outDir,
      files: plan.files.map((f) => join(outDir, f.name)),
      fixed: plan.applied.length,
      remaining: plan.remaining,
    }
    if (!flags.json) {
      deps.stdout.write(findingsText(result.findings, flags.minSeverity))
      deps.stdout.write(
        fixText(
          outDir,
          plan.files.map((f) => join(outDir, f.name)),
          plan.applied.length,
          plan.remaining,
          paths,
        ),
      )
    }
  } else if (!flags.json) {
    deps.stdout.write(findingsText(result.findings, flags.minSeverity))
  }
  if (flags.json) {
    const doc = {
      findings: result.findings,
      overridden: merged.overridden,
      ...(fixDoc ? { fix: fixDoc } : {}),
    }
    deps.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
  } else {
    const [first, ...more] = merged.overridden
    if (first !== undefined) {
      const others = more.length > 0 ? ` and ${more.length} more (see --json)` : ''
      deps.stderr.write(
        `note: resources defined more than once are audited as last defined: ${first.resource} (${first.file}:${first.line} → ${first.by.file}:${first.by.line})${others}\n`,
      )
    }
  }
  return atOrAbove(exitFindings, flags.minSeverity).length > 0 ? 1 : 0
}

/** The output folder must not be an input: the patched copies would be audited as originals next time. */
function guardOutDir(outDir: string, paths: string[]): void {
  const out = resolve(outDir)
  if (paths.some((p) => p !== '-' && resolve(p) === out)) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      `--fix ${outDir} is also an input; write the fixes to another folder`,
      { field: '--fix' },
    )
  }
}

function ruleJson(r: (typeof RULES)[number]) {
  return { id: r.id, severity: r.severity, title: r.title, why: r.why, equivalent: r.equivalent, fix: r.fix }
}

function rulesTable(): string {
  const width = Math.max(...RULES.map((r) => r.id.length))
  return `${RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title}`).join('\n')}\n`
}

function location(f: Finding): string {
  if (f.file === undefined) return ''
  return `  (${f.file}${f.line === undefined ? '' : `:${f.line}`}${f.template ? `, from ${f.template}` : ''})`
}

export function findingsText(findings: readonly Finding[], min: Severity): string {
  if (findings.length === 0) return 'No findings.\n'
  const lines: string[] = []
  for (const f of findings) {
    lines.push(`${f.severity.padEnd(8)}  ${f.rule}  ${f.resource}${location(f)}`)
    lines.push(`          ${f.message}${f.fixable ? '  [fixable]' : ''}`)
    if (f.equivalent.length > 0) lines.push(`          same as ${f.equivalent.join(', ')}`)
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length
  const fixable = findings.filter((f) => f.fixable).length
  const failing = atOrAbove(findings, min).length
  lines.push(
    '',
    `${findings.length} finding(s): ${[...SEVERITIES]
      .reverse()
      .map((s) => `${count(s)} ${s}`)
      .join(', ')}; ` + `${fixable} fixable with --fix DIR; ${failing} at or above ${min}.`,
  )
  return `${lines.join('\n')}\n`
}

function fixText(
  outDir: string,
  written: string[],
  fixed: number,
  remaining: readonly Finding[],
  paths: string[],
): string {
  const lines = [
    '',
    `Wrote ${written.length} file(s) to ${outDir} for ${fixed} finding(s):`,
    ...written.map((w) => `  ${w}`),
  ]
  const inputs = paths.join(' ')
  lines.push(
    '',
    `Review them, then apply after the originals: kubectl apply -f ${inputs.replaceAll(' ', ' -f ')} -f ${outDir} --recursive`,
    `Check: autopilot audit ${inputs} ${outDir}`,
  )
  if (remaining.length > 0) {
    lines.push('', `Left for a person (${remaining.length}):`)
    for (const f of remaining)
      lines.push(`  ${f.severity.padEnd(8)}  ${f.rule}  ${f.resource}${location(f)}: ${f.message}`)
  } else {
    lines.push('', 'Nothing left: originals + fixes audit clean.')
  }
  return `${lines.join('\n')}\n`
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('HA audit of Kubernetes manifests (files, folders, helm template output; - reads stdin)')
    .argument('[paths...]', 'manifest files or folders')
    .option('--json', 'print {"findings": [...]} as JSON')
    .option(
      '--fix <dir>',
      'write the missing pieces (PDBs, autoscalers, alert rules, patched copies) to this folder',
    )
    .addOption(
      new Option('--min-severity <level>', 'exit 1 when a finding is at or above this level')
        .choices([...SEVERITIES])
        .default('warning'),
    )
    .addOption(
      new Option(
        '--consumer-scaler <kind>',
        'with --fix: autoscale Kafka consumers with a KEDA ScaledObject or an autopilot.yaml scaler',
      )
        .choices(['keda', 'autopilot'])
        .default('keda'),
    )
    .option('--list-rules', 'list the rules and exit')
    .action(async (paths: string[], flags: AuditFlags) => {
      process.exitCode = await runAuditCommand(paths, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
      })
    })
}
