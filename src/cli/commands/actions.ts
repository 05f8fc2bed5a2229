// `autopilot actions list|approve ID`: the self-healing actions of a running `autopilot run`, through its
// HTTP API (GET /api/v1/actions, POST /api/v1/actions/:id/approve). The address and credentials come from
// the config (server, alerts.auth), or --url; an API error keeps its code and field.
import { access } from 'node:fs/promises'
import type { Command } from 'commander'
import { resolveAuth } from '../../alerts/auth.ts'
import type { ActionRecord } from '../../analyzer/actions/types.ts'
import { alertsSettings } from '../../config/alerts.ts'
import { daemonSettings } from '../../config/daemon.ts'
import { loadConfig } from '../../config/load.ts'
import { AutopilotError, describeCause, ERROR_CODES, type ErrorCode } from '../../errors.ts'

export interface ActionsFlags {
  config: string
  url?: string
  json?: boolean
}

export interface ActionsDeps {
  stdout: { write(text: string): unknown }
  fetch: typeof fetch
  env: NodeJS.ProcessEnv
}

async function endpoint(
  flags: ActionsFlags,
  env: NodeJS.ProcessEnv,
): Promise<{ base: string; headers: Record<string, string> }> {
  const loaded =
    flags.url !== undefined && !(await exists(flags.config)) ? undefined : await loadConfig(flags.config)
  const headers: Record<string, string> = { accept: 'application/json' }
  if (loaded) {
    const auth = resolveAuth(alertsSettings(loaded.config).auth, env)
    if (auth.type === 'bearer') headers.authorization = `Bearer ${auth.token}`
    if (auth.type === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    }
  }
  if (flags.url !== undefined) return { base: flags.url.replace(/\/+$/, ''), headers }
  const { server } = daemonSettings(loaded!.config)
  const host = server.host === '0.0.0.0' || server.host === '::' ? '127.0.0.1' : server.host
  return { base: `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`, headers }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

async function call(deps: ActionsDeps, url: string, init: RequestInit): Promise<unknown> {
  let response: Response
  try {
    response = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
  } catch (error) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      `cannot reach the autopilot API at ${url}: ${describeCause(error)}`,
      {
        field: '--url',
        hint: 'is `autopilot run` running? use --url or the config’s server section',
      },
    )
  }
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string; field?: string; hint?: string }
  } | null
  if (!response.ok) {
    const e = body?.error
    const code = e?.code !== undefined && e.code in ERROR_CODES ? (e.code as ErrorCode) : 'AP_ERR_INTERNAL'
    throw new AutopilotError(code, `${url}: ${e?.message ?? `HTTP ${response.status}`}`, {
      ...(e?.field ? { field: e.field } : {}),
      ...(e?.hint ? { hint: e.hint } : {}),
    })
  }
  return body
}

export async function runActionsList(flags: ActionsFlags, deps: ActionsDeps): Promise<ActionRecord[]> {
  const { base, headers } = await endpoint(flags, deps.env)
  const body = (await call(deps, `${base}/api/v1/actions`, { headers })) as {
    mode: string
    actions: ActionRecord[]
  }
  if (flags.json) {
    deps.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
    return body.actions
  }
  if (body.actions.length === 0) {
    deps.stdout.write(`no actions (mode ${body.mode})\n`)
    return body.actions
  }
  const rows = body.actions.map((a) => [
    a.id,
    a.state,
    a.target,
    a.alertname,
    new Date(a.createdAt).toISOString(),
    a.message ?? '',
  ])
  const header = ['ID', 'STATE', 'TARGET', 'ALERT', 'CREATED', 'MESSAGE']
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd()
  deps.stdout.write(`mode ${body.mode}\n${[header, ...rows].map(line).join('\n')}\n`)
  return body.actions
}

export async function runActionsApprove(
  id: string,
  flags: ActionsFlags,
  deps: ActionsDeps,
): Promise<ActionRecord> {
  const { base, headers } = await endpoint(flags, deps.env)
  const body = (await call(deps, `${base}/api/v1/actions/${encodeURIComponent(id)}/approve`, {
    method: 'POST',
    headers,
  })) as {
    action: ActionRecord
  }
  deps.stdout.write(
    flags.json
      ? `${JSON.stringify(body.action, null, 2)}\n`
      : `approved ${id}: ${body.action.target} (${body.action.state})\n`,
  )
  return body.action
}

export function registerActions(program: Command, deps: Partial<ActionsDeps> = {}): void {
  const all = (): ActionsDeps => ({
    stdout: deps.stdout ?? process.stdout,
    fetch: deps.fetch ?? fetch,
    env: deps.env ?? process.env,
  })
  const actions = program.command('actions').description('self-healing actions of a running `autopilot run`')
  const common = (c: Command) =>
    c
      .option('-c, --config <file>', 'configuration file (server address, alerts.auth)', 'autopilot.yaml')
      .option('--url <url>', 'the daemon API, e.g. http://127.0.0.1:9477 (instead of the config’s server)')
      .option('--json', 'print JSON')
  common(actions.command('list').description('open and recent actions, newest first')).action(
    async (flags: ActionsFlags) => {
      await runActionsList(flags, all())
    },
  )
  common(
    actions
      .command('approve')
      .argument('<id>', 'action id, e.g. a3')
      .description('approve a proposed action'),
  ).action(async (id: string, flags: ActionsFlags) => {
    await runActionsApprove(id, flags, all())
  })
}
