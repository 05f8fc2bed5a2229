// Debian's Prometheus and Alertmanager beside the local cluster: Prometheus scrapes each broker's JMX
// exporter (targets in a file_sd file, so brokers can come and go without a reload), evaluates the alert
// rules, and Alertmanager posts to a webhook (Autopilot's /alerts). Started and stopped by PID.
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { AutopilotError } from '../errors.ts'
import { freePorts } from './ports.ts'
import { spawnDetached, stopProcesses } from './process.ts'
import { tail } from './readiness.ts'
import type { MonitoringState, StackNode } from './types.ts'

const run = promisify(execFile)

export const PROMETHEUS_BIN = 'prometheus'
export const ALERTMANAGER_BIN = 'prometheus-alertmanager'

/** The alert Autopilot acts on out of the box: under-replicated partitions for 30 s → `upScale`. */
export const DEFAULT_RULES = {
  groups: [
    {
      name: 'kafka-broker',
      rules: [
        {
          alert: 'BrokerUnderReplicated',
          expr: 'kafka_server_replicamanager_underreplicatedpartitions_value > 0',
          for: '30s',
          labels: { severity: 'warning' },
          annotations: {
            command: 'upScale',
            summary: 'Broker {{ $labels.instance }} has {{ $value }} under-replicated partitions',
          },
        },
      ],
    },
  ],
}

export function scrapeTargets(nodes: StackNode[]): unknown[] {
  return nodes.map((n) => ({ targets: [`${n.host}:${n.jmxPort}`], labels: { broker_id: String(n.id) } }))
}

export function renderPrometheusConfig(opts: {
  targetsFile: string
  rulesFile: string
  alertmanager: string
  intervalSeconds: number
}): string {
  return stringify({
    global: { scrape_interval: `${opts.intervalSeconds}s`, evaluation_interval: `${opts.intervalSeconds}s` },
    rule_files: [opts.rulesFile],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] },
    scrape_configs: [
      {
        job_name: 'kafka',
        file_sd_configs: [{ files: [opts.targetsFile], refresh_interval: `${opts.intervalSeconds}s` }],
      },
    ],
  })
}

export function renderAlertmanagerConfig(webhookUrl: string): string {
  return stringify({
    route: {
      receiver: 'autopilot',
      group_by: ['alertname'],
      group_wait: '1s',
      group_interval: '5s',
      repeat_interval: '1m',
    },
    receivers: [{ name: 'autopilot', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  })
}

async function checkBinary(bin: string): Promise<void> {
  try {
    await run(bin, ['--version'], { timeout: 30_000 })
  } catch (cause) {
    throw new AutopilotError('AP_ERR_STACK', `${bin} was not found`, {
      hint: "install Debian's packages: apt-get install prometheus prometheus-alertmanager (npm test does it for you)",
      cause,
    })
  }
}

async function waitReady(
  url: string,
  what: string,
  exited: Promise<number | null>,
  log: string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs
  let dead = false
  void exited.then(() => {
    dead = true
  })
  while (Date.now() < deadline && !dead) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new AutopilotError(
    'AP_ERR_STACK',
    `${what} ${dead ? 'exited before it was ready' : 'did not become ready'}`,
    {
      hint: `see its log: ${log}\n${(await tail(log, 1500)).trim()}`,
    },
  )
}

/** Writes the scrape targets for the current brokers; Prometheus picks the file up on its own. */
export async function writeScrapeTargets(monitoring: MonitoringState, nodes: StackNode[]): Promise<void> {
  await writeFile(monitoring.targetsFile, JSON.stringify(scrapeTargets(nodes), null, 2))
}

export async function startMonitoring(opts: {
  dir: string
  nodes: StackNode[]
  webhookUrl: string
  rules?: unknown
  intervalSeconds?: number
  host?: string
  readyTimeoutMs?: number
}): Promise<MonitoringState> {
  await checkBinary(PROMETHEUS_BIN)
  await checkBinary(ALERTMANAGER_BIN)
  const host = opts.host ?? '127.0.0.1'
  const root = join(opts.dir, 'monitoring')
  await mkdir(join(root, 'prometheus-data'), { recursive: true })
  await mkdir(join(root, 'alertmanager-data'), { recursive: true })
  const [promPort, amPort] = await freePorts(2, host)
  const files = {
    prometheusConfig: join(root, 'prometheus.yml'),
    alertmanagerConfig: join(root, 'alertmanager.yml'),
    rulesFile: join(root, 'rules.yml'),
    targetsFile: join(root, 'targets.json'),
    prometheusLog: join(root, 'prometheus.log'),
    alertmanagerLog: join(root, 'alertmanager.log'),
  }
  const state: MonitoringState = {
    prometheusUrl: `http://${host}:${promPort}`,
    alertmanagerUrl: `http://${host}:${amPort}`,
    prometheusPid: 0,
    alertmanagerPid: 0,
    webhookUrl: opts.webhookUrl,
    ...files,
  }
  await writeScrapeTargets(state, opts.nodes)
  await writeFile(files.rulesFile, stringify(opts.rules ?? DEFAULT_RULES))
  await writeFile(
    files.prometheusConfig,
    renderPrometheusConfig({
      targetsFile: files.targetsFile,
      rulesFile: files.rulesFile,
      alertmanager: `${host}:${amPort}`,
      intervalSeconds: opts.intervalSeconds ?? 5,
    }),
  )
  await writeFile(files.alertmanagerConfig, renderAlertmanagerConfig(opts.webhookUrl))
  const timeoutMs = opts.readyTimeoutMs ?? 60_000
  const am = await spawnDetached(
    ALERTMANAGER_BIN,
    [
      `--config.file=${files.alertmanagerConfig}`,
      `--storage.path=${join(root, 'alertmanager-data')}`,
      `--web.listen-address=${host}:${amPort}`,
      `--web.external-url=${state.alertmanagerUrl}/`,
      '--cluster.listen-address=',
    ],
    files.alertmanagerLog,
  )
  state.alertmanagerPid = am.pid
  try {
    const prom = await spawnDetached(
      PROMETHEUS_BIN,
      [
        `--config.file=${files.prometheusConfig}`,
        `--storage.tsdb.path=${join(root, 'prometheus-data')}`,
        `--web.listen-address=${host}:${promPort}`,
        `--web.external-url=${state.prometheusUrl}/`,
        '--web.enable-lifecycle',
        '--storage.tsdb.retention.time=2h',
      ],
      files.prometheusLog,
    )
    state.prometheusPid = prom.pid
    await waitReady(
      `${state.alertmanagerUrl}/-/ready`,
      'Alertmanager',
      am.exited,
      files.alertmanagerLog,
      timeoutMs,
    )
    await waitReady(
      `${state.prometheusUrl}/-/ready`,
      'Prometheus',
      prom.exited,
      files.prometheusLog,
      timeoutMs,
    )
  } catch (err) {
    await stopMonitoring(state)
    throw err
  }
  return state
}

export async function stopMonitoring(state: MonitoringState): Promise<void> {
  await stopProcesses(
    [
      { pid: state.prometheusPid, marker: state.prometheusConfig },
      { pid: state.alertmanagerPid, marker: state.alertmanagerConfig },
    ].filter((p) => p.pid > 0),
    10_000,
  )
}
