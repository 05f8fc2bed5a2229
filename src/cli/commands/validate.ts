// `autopilot validate -c FILE`: checks autopilot.yaml and lists every problem with its line, or summarises
// the scalers it defines. Exit 0 when valid, 3 (AP_ERR_CONFIG) when not.
import type { Command } from 'commander'
import { formatIssue, type LoadedConfig, loadConfig } from '../../config/load.ts'
import type { ScalerConfig } from '../../config/schema.ts'

export interface ValidateFlags {
  config: string
  json?: boolean
}

export interface ValidateDeps {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

export async function runValidate(flags: ValidateFlags, deps: ValidateDeps): Promise<LoadedConfig> {
  const loaded = await loadConfig(flags.config)
  for (const w of loaded.warnings) deps.stderr.write(`warning: ${formatIssue(loaded.file, w)}\n`)
  if (flags.json) {
    deps.stdout.write(`${JSON.stringify(loaded.config, redactSecrets, 2)}\n`)
    return loaded
  }
  const { scalers } = loaded.config
  deps.stdout.write(`${loaded.file}: valid, ${scalers.length} scaler${scalers.length === 1 ? '' : 's'}\n`)
  for (const s of scalers) deps.stdout.write(`  ${describeScaler(s)}\n`)
  return loaded
}

const SECRET_FIELDS = new Set(['password', 'keyPassword', 'key'])

/** JSON replacer: secrets in trigger metadata are printed as "***". */
function redactSecrets(key: string, value: unknown): unknown {
  return SECRET_FIELDS.has(key) && typeof value === 'string' ? '***' : value
}

export function describeScaler(s: ScalerConfig): string {
  const m = s.trigger.metadata
  const topics = m.topics.length > 0 ? m.topics.join(',') : '(all topics of the group)'
  const policy =
    s.policy.type === 'slo'
      ? `slo maxLagSeconds=${s.policy.maxLagSeconds}`
      : `lag lagThreshold=${m.lagThreshold}`
  const target =
    s.target.type === 'kubernetes'
      ? `kubernetes ${s.target.kind}/${s.target.namespace}/${s.target.name}`
      : `${s.target.type} ${s.target.command}`
  return `${s.name}: group ${m.consumerGroup} on ${topics}, ${policy}, replicas ${s.minReplicaCount}–${s.maxReplicaCount}, target ${target}`
}

export function registerValidate(program: Command, deps: Partial<ValidateDeps> = {}): void {
  program
    .command('validate')
    .description('check an autopilot.yaml and report every problem with its line')
    .option('-c, --config <file>', 'configuration file', 'autopilot.yaml')
    .option('--json', 'print the configuration with every default filled in')
    .action(async (flags: ValidateFlags) => {
      await runValidate(flags, {
        stdout: deps.stdout ?? process.stdout,
        stderr: deps.stderr ?? process.stderr,
      })
    })
}
