// `autopilot run -c autopilot.yaml`: the daemon. Loads the config, builds the daemon (src/daemon/), serves
// the HTTP API, runs until SIGTERM/SIGINT, then shuts down gracefully. A second signal exits at once.
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { daemonSettings } from '../../config/daemon.ts'
import { formatIssue, loadConfig } from '../../config/load.ts'
import type { AutopilotConfig } from '../../config/schema.ts'
import type { createDaemon } from '../../daemon/daemon.ts'
import { intOption } from '../lag-options.ts'

export interface RunFlags {
  config: string
  dryRun?: boolean
  host?: string
  port?: number
  journal?: string
}

export interface RunDeps {
  log: (line: string) => void
  /** Resolves with the signal name when the daemon should stop. */
  shutdown: () => Promise<string>
  create?: typeof createDaemon
}

export async function runDaemon(flags: RunFlags, deps: RunDeps): Promise<void> {
  const loaded = await loadConfig(flags.config)
  for (const w of loaded.warnings) deps.log(`warning: ${formatIssue(loaded.file, w)}`)
  const config = withJournalFlag(loaded.config, flags.journal)
  const create = deps.create ?? (await import('../../daemon/daemon.ts')).createDaemon
  const daemon = await create(config, {
    baseDir: dirname(resolve(loaded.file)),
    dryRun: Boolean(flags.dryRun),
    server: {
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(flags.port === undefined ? {} : { port: flags.port }),
    },
    log: deps.log,
  })
  let url: string
  try {
    url = await daemon.listen()
  } catch (err) {
    await daemon.stop()
    throw err
  }
  daemon.start()
  deps.log(
    `autopilot run: ${doing(config, daemon.controllers)}; API ${url} (/metrics, /readyz, /api/v1/scalers)${flags.dryRun ? '; DRY RUN' : ''}`,
  )
  const signal = await deps.shutdown()
  deps.log(`${signal}: stopping (again to exit at once)`)
  await daemon.stop()
  deps.log('stopped')
}

/** The scalers, or for a self-healing-only config the clusters and whether alerts are taken. */
function doing(config: AutopilotConfig, controllers: ReadonlyArray<{ name: string }>): string {
  if (controllers.length > 0) return controllers.map((c) => c.name).join(', ')
  const clusters = Object.keys(config.clusters ?? {})
  const parts = ['no scalers']
  if (clusters.length > 0) parts.push(`clusters ${clusters.join(', ')}`)
  if (config.alerts) parts.push('alerts')
  return parts.join(', ')
}

function withJournalFlag(config: AutopilotConfig, file: string | undefined): AutopilotConfig {
  if (file === undefined) return config
  return { ...config, journal: { ...daemonSettings(config).journal, path: resolve(file) } }
}

/** First SIGTERM/SIGINT: graceful stop. A second one: exit now (process replicas still get onExit: stop). */
function waitForSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const first = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', first)
      process.off('SIGINT', first)
      const force = () => process.exit(130)
      process.once('SIGTERM', force)
      process.once('SIGINT', force)
      resolveSignal(signal)
    }
    process.once('SIGTERM', first)
    process.once('SIGINT', first)
  })
}

export function registerRun(program: Command, deps: Partial<RunDeps> = {}): void {
  program
    .command('run')
    .description(
      'run the daemon: poll each scaler, decide, act; take alerts and heal clusters; journal; serve the HTTP API',
    )
    .option('-c, --config <file>', 'configuration file', 'autopilot.yaml')
    .option('--dry-run', 'decide and journal, but only dry-run the scales')
    .option('--host <address>', 'HTTP address (overrides server.host)')
    .option('--port <port>', 'HTTP port (overrides server.port; 0: any)', intOption('--port', 0, 65_535))
    .option('--journal <file>', 'journal file (overrides journal.path)')
    .action(async (flags: RunFlags) => {
      await runDaemon(flags, {
        log: deps.log ?? ((line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)),
        shutdown: deps.shutdown ?? waitForSignal,
        ...(deps.create ? { create: deps.create } : {}),
      })
    })
}
