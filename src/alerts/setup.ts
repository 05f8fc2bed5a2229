// Builds the self-healing part of the API from the config: the runner and the plugin options. Refuses an
// unauthenticated API beyond loopback.
import type { AlertsPluginOptions } from '../api/alerts.ts'
import type { AlertsConfig } from '../config/alerts.ts'
import type { Journal } from '../journal/journal.ts'
import { checkAuthRequired, resolveAuth } from './auth.ts'
import type { ActionHandlers } from './handlers.ts'
import { type AlertLeadership, AlertRunner } from './runner.ts'

export interface AlertsSetupDeps {
  journal: Pick<Journal, 'append'>
  /** The address the API listens on. */
  host: string
  env?: NodeJS.ProcessEnv
  now?: () => number
  brokerActions?: Partial<ActionHandlers>
  brokerCount?: (cluster: string) => number | undefined
  handlers?: ActionHandlers
  /** autopilot run --dry-run: the engine runs in mode dry-run whatever alerts.mode says. */
  dryRun?: boolean
  /** Under leader election: only the leader acts on alerts (see AlertRunner). */
  leadership?: AlertLeadership
}

export function setupAlerts(config: AlertsConfig, deps: AlertsSetupDeps): AlertsPluginOptions {
  const auth = resolveAuth(config.auth, deps.env)
  checkAuthRequired(auth, deps.host)
  const runner = new AlertRunner({
    config,
    journal: deps.journal,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.brokerActions ? { brokerActions: deps.brokerActions } : {}),
    ...(deps.brokerCount ? { brokerCount: deps.brokerCount } : {}),
    ...(deps.handlers ? { handlers: deps.handlers } : {}),
    ...(deps.env ? { env: deps.env } : {}),
    ...(deps.dryRun ? { dryRun: true } : {}),
    ...(deps.leadership ? { leadership: deps.leadership } : {}),
  })
  return { runner, auth, bodyLimitBytes: config.bodyLimitBytes, ...(deps.now ? { now: deps.now } : {}) }
}
