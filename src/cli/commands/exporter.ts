// `autopilot exporter`: a Prometheus endpoint for consumer lag (kafka_exporter metric names plus lag in
// seconds). Collection runs every --interval seconds in the background; a scrape only reads the last snapshot.
import type { Command } from 'commander'
import Fastify from 'fastify'
import { metricsPlugin } from '../../api/metrics.ts'
import { AutopilotError, describeCause } from '../../errors.ts'
import type { KafkaAdminPort } from '../../kafka/port.ts'
import { LagCollector } from '../../monitor/lag-collector.ts'
import { LagMonitor } from '../../monitor/lag-monitor.ts'
import { type AdminPortFactory, openAdminPort } from '../admin-port.ts'
import {
  addLagSelectionOptions,
  connectionOptions,
  intOption,
  type LagSelectionFlags,
  positiveNumber,
} from '../lag-options.ts'

export const DEFAULT_EXPORTER_PORT = 9308

export interface ExporterFlags extends LagSelectionFlags {
  port: number
  host: string
  interval: number
}

export interface RunningExporter {
  /** http://host:port */
  url: string
  collector: LagCollector
  close(): Promise<void>
}

export interface ExporterDeps {
  openPort: AdminPortFactory
  log: (line: string) => void
}

/**
 * Starts collecting, waits for the first collection (so a wrong address or unknown broker fails at start, with
 * a non-zero exit), then serves /metrics. Later failures set autopilot_lag_collector_up to 0 and are logged;
 * the last good snapshot is served for up to 3 intervals, then lag series are dropped rather than served stale.
 */
export async function startExporter(flags: ExporterFlags, deps: ExporterDeps): Promise<RunningExporter> {
  const intervalMs = flags.interval * 1000
  const port: KafkaAdminPort = await deps.openPort(connectionOptions(flags, 'autopilot-exporter'))
  const monitor = new LagMonitor(port, {
    groups: flags.group,
    topics: flags.topic,
    policy: flags.offsetReset,
    allTopicOffsets: flags.topic.length === 0,
  })
  const collector = new LagCollector(() => monitor.poll(), {
    intervalMs,
    onError: (err) => deps.log(`lag collection failed: ${describeCause(err)}`),
  })
  const app = Fastify()
  const closeAll = async () => {
    await collector.stop()
    await app.close()
    await port.close()
  }
  try {
    await collector.collectOnce()
    const { health } = collector.current()
    if (!health.up) {
      throw new AutopilotError('AP_ERR_KAFKA', `first lag collection failed: ${health.lastError}`, {
        hint: 'check --bootstrap-server and that the brokers are running',
      })
    }
    await app.register(metricsPlugin, { source: collector, staleAfterMs: 3 * intervalMs })
    await app.listen({ host: flags.host, port: flags.port }).catch((err: NodeJS.ErrnoException) => {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `cannot listen on ${flags.host}:${flags.port}: ${err.code ?? err.message}`,
        {
          field: err.code === 'EADDRINUSE' ? '--port' : '--host',
          cause: err,
        },
      )
    })
  } catch (err) {
    await closeAll()
    throw err
  }
  const address = app.server.address()
  const url =
    typeof address === 'object' && address !== null
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : `http://${flags.host}:${flags.port}`
  // The first collection ran already: the schedule's next one is an interval away.
  collector.start(intervalMs)
  return { url, collector, close: closeAll }
}

export function registerExporter(program: Command, deps: Partial<ExporterDeps> = {}): void {
  addLagSelectionOptions(
    program
      .command('exporter')
      .description('serve consumer lag as Prometheus metrics (kafka_exporter names)'),
  )
    .option('--port <port>', 'HTTP port', intOption('--port', 0, 65_535), DEFAULT_EXPORTER_PORT)
    .option('--host <host>', 'HTTP address to listen on', '127.0.0.1')
    .option('--interval <seconds>', 'seconds between collections', positiveNumber('--interval'), 30)
    .action(async (flags: ExporterFlags) => {
      const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`))
      const exporter = await startExporter(flags, { openPort: deps.openPort ?? openAdminPort, log })
      log(`exporter: ${exporter.url}/metrics (collecting every ${flags.interval} s); Ctrl-C to stop`)
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          resolve()
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await exporter.close()
    })
}
