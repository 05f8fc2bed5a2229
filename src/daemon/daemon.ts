// The composition root of `autopilot run`: config in, a running daemon out. It wires the journal, one Kafka
// admin port and lag monitor per cluster, one target per scaler, the scheduler, leader election when it runs
// in or drives Kubernetes (leadership.ts: electionDecision), and the HTTP API. Every outside dependency can be
// injected (DaemonDeps), so the unit tests run the whole daemon on a fake clock, a fake Kafka port and fake
// targets.
import { isAbsolute, resolve } from 'node:path'
import type { KubeConfig } from '@kubernetes/client-node'
import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import { BrokerCounts, createBrokerActions } from '../alerts/broker-actions.ts'
import { setupAlerts } from '../alerts/setup.ts'
import { registerDaemonMetrics } from '../api/daemon-metrics.ts'
import { buildApi } from '../api/server.ts'
import { daemonSettings, type ServerConfig } from '../config/daemon.ts'
import type { AutopilotConfig, ScalerConfig } from '../config/schema.ts'
import { AutopilotError, describeCause } from '../errors.ts'
import { type ClusterOps, type OpenClusterOpsDeps, openClusterOps } from '../executor/operations/index.ts'
import { createTarget } from '../executor/registry.ts'
import type { ScaleTarget, TargetDeps } from '../executor/target.ts'
import type { Journal } from '../journal/journal.ts'
import { SqliteJournal } from '../journal/sqlite-journal.ts'
import type { AdminPortOptions, KafkaAdminPort } from '../kafka/port.ts'
import type { HealthWatch } from '../monitor/health-watch.ts'
import { createDaemonHealthWatch } from '../monitor/health-watch-setup.ts'
import { LagMonitor } from '../monitor/lag-monitor.ts'
import { type DaemonClock, systemClock } from './clock.ts'
import { ClusterLoop } from './cluster-loop.ts'
import { planClusters } from './clusters.ts'
import { mergedLagSource } from './lag-source.ts'
import { LeaderOnly } from './leader-only.ts'
import {
  advertiseUrl,
  type Elector,
  electedLeadership,
  electionDecision,
  electionIdentity,
  leaseNamespace,
  standalone,
  watchElector,
} from './leadership.ts'
import { recoveryClusters } from './recovery.ts'
import { afterRecovery, RecoveryRunner, type RecoveryRunnerOptions } from './recovery-runner.ts'
import { ScalerController } from './scaler-controller.ts'
import { restoreState } from './scaler-state.ts'
import { Scheduler } from './scheduler.ts'
import type { Readiness, ScalerStatus } from './status.ts'

/** How long stop() waits for a scale in flight to end after aborting it. */
const STOP_ACTIONS_MS = 15_000
/** How often the broker count of each configured cluster is re-read (alerts.minBrokers/maxBrokers). */
const BROKER_COUNT_MS = 15_000

export interface DaemonDeps {
  clock?: DaemonClock
  /** For the first-run jitter; [0, 1). */
  random?: () => number
  /** Relative paths in the config (journal.path) resolve from here: the config file's folder. Default cwd. */
  baseDir?: string
  /** A ready journal (tests: ':memory:'); the daemon then does not close it. */
  journal?: Journal
  openAdminPort?: (options: AdminPortOptions) => KafkaAdminPort | Promise<KafkaAdminPort>
  createTarget?: (scaler: ScalerConfig, deps: TargetDeps) => ScaleTarget
  /** Builds the broker backend of a `clusters:` entry (tests); default: the broker backend registry. */
  createBrokerBackend?: OpenClusterOpsDeps['createBackend']
  kubeConfig?: KubeConfig
  /** The restart recovery (tests: a fake); default src/daemon/recovery.ts. */
  startRecovery?: RecoveryRunnerOptions['start']
  /** A leader elector (tests; used whatever the config says); else a Lease elector as electionDecision says. */
  elector?: Elector
  env?: NodeJS.ProcessEnv
  /** Decide and journal, but only dry-run the scales. */
  dryRun?: boolean
  /** Overrides of the config's server section (CLI flags). */
  server?: Partial<ServerConfig>
  log?: (line: string) => void
}

export interface Daemon {
  readonly app: FastifyInstance
  readonly journal: Journal
  readonly controllers: readonly ScalerController[]
  readonly loops: readonly ClusterLoop[]
  /** Starts the cluster loops (jittered) and leader election. */
  start(): void
  /** Binds the HTTP API to the configured address; returns its URL. */
  listen(): Promise<string>
  /** One tick of every cluster now, outside the schedule; `all`: every scaler decides, due or not. */
  runOnce(options?: { all?: boolean }): Promise<void>
  readiness(): Readiness
  scalers(): ScalerStatus[]
  /** Stops the loops, aborts a scale in flight, closes the API, targets (onExit), Kafka ports and journal. */
  stop(): Promise<void>
}

export async function createDaemon(config: AutopilotConfig, deps: DaemonDeps = {}): Promise<Daemon> {
  const clock = deps.clock ?? systemClock
  const env = deps.env ?? process.env
  const log = deps.log ?? (() => {})
  const settings = daemonSettings(config)
  const server = { ...settings.server, ...deps.server }
  // Scalers autoscale; clusters and alerts self-heal. A config with only the latter is a self-healing deployment.
  const clusterCount = Object.keys(config.clusters ?? {}).length
  if (config.scalers.length === 0 && clusterCount === 0 && !config.alerts) {
    throw new AutopilotError(
      'AP_ERR_CONFIG',
      'the configuration gives autopilot run nothing to do: no scalers, no clusters and no alerts',
      {
        field: 'scalers',
        hint: 'add a scaler to autoscale, or `clusters:` and `alerts:` to self-heal; `autopilot validate -c FILE` checks the file',
      },
    )
  }
  const plans = planClusters(config.scalers, env)

  const cleanup: Array<() => Promise<unknown> | unknown> = []
  const closeAll = async () => {
    for (const close of cleanup.splice(0).reverse()) {
      try {
        await close()
      } catch (err) {
        log(`shutdown: ${describeCause(err)}`)
      }
    }
  }
  try {
    const journal = deps.journal ?? openJournal(settings.journal, deps.baseDir, clock)
    if (!deps.journal) cleanup.push(() => journal.close())
    const registry = new Registry()
    const metrics = registerDaemonMetrics(registry)

    let elector = deps.elector
    const kubeConfig = deps.kubeConfig
    const election = deps.elector
      ? { elect: true, reason: 'an elector was given' }
      : electionDecision(config, settings.leaderElection, env)
    if (election.elect && !elector) {
      const k8s = await import('@kubernetes/client-node')
      const { LeaderElector } = await import('../executor/leader-election.ts')
      // The elector's own kubeconfig unless one is given: a backend's `context` option switches the current
      // context of the kubeconfig it is handed, and must not move the Lease to another cluster or user.
      let electionKube = kubeConfig
      if (!electionKube) {
        electionKube = new k8s.KubeConfig()
        try {
          electionKube.loadFromDefault()
        } catch (err) {
          throw new AutopilotError(
            'AP_ERR_CONFIG',
            `leader election cannot load a kubeconfig: ${describeCause(err)}`,
            {
              field: 'leaderElection.enabled',
              hint: `elected because ${election.reason}; set KUBECONFIG, or leaderElection.enabled: false for a single replica`,
              cause: err,
            },
          )
        }
      }
      const context = electionKube.getContextObject(electionKube.getCurrentContext())
      const namespace = leaseNamespace(config, settings.leaderElection, env, context?.namespace)
      elector = new LeaderElector({
        kubeConfig: electionKube,
        namespace,
        name: settings.leaderElection.leaseName,
        identity: electionIdentity(env),
        advertiseUrl: advertiseUrl(settings.leaderElection, env, server.port),
        clock,
      })
      log(
        `leader election on (${election.reason}): Lease ${namespace}/${settings.leaderElection.leaseName}, identity ${elector.identity}; only the leader acts`,
      )
    }
    const leadership = elector ? electedLeadership(elector) : standalone
    if (elector) watchElector(elector, { journal, metrics, now: () => clock.now(), log })

    const actions = new AbortController()
    const build = deps.createTarget ?? ((s: ScalerConfig, d: TargetDeps) => createTarget(s.target, d))
    const targets: ScaleTarget[] = []
    cleanup.push(() => Promise.allSettled(targets.map((t) => t.close())))
    const controllers = config.scalers.map((s, i) => {
      const target = build(s, {
        field: `scalers[${i}].target`,
        label: s.name,
        ...(kubeConfig ? { kubeConfig } : {}),
        ...(elector ? { leader: elector } : {}),
      })
      targets.push(target)
      const restored = restoreState(journal, s.name, clock.now())
      if (restored.restored) {
        journal.append({
          at: clock.now(),
          kind: 'event',
          scaler: s.name,
          target: target.name,
          reason: 'StateRestored',
          message: `state saved at ${new Date(restored.savedAt ?? 0).toISOString()} restored`,
          inputs: { savedAt: restored.savedAt },
        })
      }
      const plan = plans.find((p) => p.scalers.includes(i))!
      return new ScalerController({
        config: s,
        cluster: plan.label,
        target,
        journal,
        clock,
        metrics,
        leadership,
        dryRun: deps.dryRun ?? false,
        actionSignal: actions.signal,
        initialState: restored.state,
        log,
      })
    })

    const open = deps.openAdminPort ?? (await import('../kafka/index.ts')).createAdminPort
    const loops: ClusterLoop[] = []
    for (const plan of plans) {
      const port = await open({ ...plan.connection })
      cleanup.push(() => port.close())
      const monitor = new LagMonitor(port, { ...plan.monitor, now: () => clock.now() })
      const mine = plan.scalers.map((i) => controllers[i]!)
      loops.push(new ClusterLoop({ plan, monitor, controllers: mine, clock, journal, metrics, log }))
    }

    // The clusters the broker actions act on: one admin port and broker backend each, closed at the stop.
    const clusterOps = new Map<string, ClusterOps>()
    cleanup.push(() => Promise.allSettled([...clusterOps.values()].map((c) => c.close())))
    for (const [name, cluster] of Object.entries(config.clusters ?? {})) {
      const ops = await openClusterOps(name, cluster, {
        openAdminPort: open,
        ...(deps.createBrokerBackend ? { createBackend: deps.createBrokerBackend } : {}),
        ...(kubeConfig ? { kubeConfig } : {}),
        ...(elector ? { leader: elector } : {}),
        env,
      })
      clusterOps.set(name, ops)
    }
    // Restart recovery of those clusters: standalone at start(), else whenever this replica leads.
    const recovery = new RecoveryRunner({
      clusters: recoveryClusters(config),
      deps: { journal, clock, log, openAdminPort: open },
      ...(elector ? { elector } : {}),
      ...(deps.startRecovery ? { start: deps.startRecovery } : {}),
    })
    cleanup.push(() => recovery.stop())
    const brokerCounts = new BrokerCounts(clusterOps)
    cleanup.push(() => brokerCounts.stop())
    const alerts = config.alerts
      ? setupAlerts(config.alerts, {
          journal,
          host: server.host,
          env,
          now: () => clock.now(),
          brokerActions: afterRecovery(
            createBrokerActions({
              clusters: clusterOps,
              journal,
              minBrokers: config.alerts.minBrokers,
              dryRun: deps.dryRun ?? false,
              onFinished: (cluster) => void brokerCounts.refresh(cluster),
            }),
            recovery,
            clock,
          ),
          brokerCount: brokerCounts.get,
          dryRun: deps.dryRun ?? false,
          ...(elector ? { leadership } : {}),
        })
      : undefined
    // A replica that loses the lease stops the alert actions it runs: the new leader may start its own.
    if (elector && alerts) {
      elector.on('following', () => alerts.runner.abortRunning('this replica lost the leadership'))
    }
    // Autopilot's own health watch (alerts.healthWatch), one per configured cluster, feeding the same runner;
    // only the leader watches, with fresh watches each term.
    const runner = alerts?.runner
    const watches = new LeaderOnly(() => {
      const started: HealthWatch[] = !runner
        ? []
        : [...clusterOps].flatMap(
            ([name, ops]) =>
              createDaemonHealthWatch({
                cluster: name,
                admin: ops.admin,
                settings: config.alerts?.healthWatch,
                runner,
                journal,
                now: () => clock.now(),
              }) ?? [],
          )
      for (const watch of started) watch.start()
      return { stop: () => Promise.allSettled(started.map((w) => w.stop())) }
    }, elector)
    if (config.alerts?.healthWatch?.enabled && clusterOps.size === 0) {
      log('alerts.healthWatch: no cluster under clusters:, so nothing is watched')
    }

    const readiness = (): Readiness => {
      const clusters = loops.map((l) => l.status())
      return {
        ready: clusters.every((c) => c.ready),
        role: leadership.role(),
        leader: leadership.leader(),
        clusters,
      }
    }
    const scalers = () => controllers.map((c) => c.status())
    // Without scalers there is no lag to serve: the staleness bound then only needs to be finite.
    const minInterval = plans.length > 0 ? Math.min(...plans.map((p) => p.intervalMs)) : 60_000
    const app = await buildApi({
      registry,
      lag: mergedLagSource(loops.map((l) => l.collector)),
      staleAfterMs: 3 * Math.max(minInterval, 5_000),
      now: () => clock.now(),
      readiness,
      scalers,
      role: () => leadership.role(),
      journal,
      ...(alerts ? { alerts } : {}),
    })
    cleanup.push(() => app.close())
    cleanup.push(() => watches.stop())

    const scheduler = new Scheduler({
      clock,
      ...(deps.random ? { random: deps.random } : {}),
      onRun: (id, ms, error) => {
        if (error) log(`${id}: tick failed after ${ms} ms: ${describeCause(error)}`)
      },
      onSkip: (id) => metrics.tickSkipped(id),
    })
    const electionStop = new AbortController()
    let electing: Promise<void> | null = null
    let started = false
    let stopping: Promise<void> | null = null

    const stop = async () => {
      // 1. no new ticks; the tick in progress is aborted and awaited
      await scheduler.stop()
      // 2. the scale in flight stops waiting (a process scale-down still finishes in the background)
      actions.abort(new Error('autopilot is stopping'))
      const inFlight = controllers.flatMap((c) => (c.action ? [c.action] : []))
      if (inFlight.length > 0) {
        log(`waiting for ${inFlight.length} scale action(s) to end`)
        await Promise.race([Promise.all(inFlight), clock.sleep(STOP_ACTIONS_MS)])
      }
      // 3. leader election: give the lease up so another replica takes over at once
      electionStop.abort()
      await electing
      if (started) {
        journal.append({
          at: clock.now(),
          kind: 'event',
          reason: 'DaemonStopped',
          message: 'autopilot run stopped',
        })
      }
      // 4. HTTP API, targets (process replicas stop or stay as onExit says), Kafka ports, journal
      await closeAll()
    }

    return {
      app,
      journal,
      controllers,
      loops,
      start() {
        if (started || stopping) return
        started = true
        journal.append({
          at: clock.now(),
          kind: 'event',
          reason: 'DaemonStarted',
          message: `autopilot run started: ${controllers.length} scaler(s) on ${loops.length} cluster(s)${deps.dryRun ? ', dry run' : ''}`,
          inputs: {
            scalers: controllers.map((c) => c.name),
            clusters: loops.map((l) => l.plan.label),
            dryRun: deps.dryRun ?? false,
            identity: elector?.identity ?? null,
            leaderElection: election.reason,
          },
        })
        if (elector)
          electing = elector
            .run(electionStop.signal)
            .catch((err) => log(`leader election stopped: ${describeCause(err)}`))
        recovery.start()
        brokerCounts.start(BROKER_COUNT_MS)
        watches.start()
        for (const loop of loops) {
          scheduler.schedule({
            id: loop.plan.label,
            intervalMs: loop.plan.intervalMs,
            run: (signal) => loop.tick(signal),
          })
        }
      },
      async listen() {
        try {
          const url = await app.listen({ host: server.host, port: server.port })
          // port 0: the URL the leader writes on the Lease needs the port just bound
          const address = app.server.address()
          if (typeof address === 'object' && address) {
            elector?.advertise?.(advertiseUrl(settings.leaderElection, env, address.port))
          }
          return url
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code
          throw new AutopilotError(
            'AP_ERR_CONFIG',
            `cannot listen on ${server.host}:${server.port}: ${code ?? describeCause(err)}`,
            {
              field: code === 'EADDRINUSE' ? 'server.port' : 'server.host',
              cause: err,
            },
          )
        }
      },
      async runOnce(options = {}) {
        await Promise.all(loops.map((l) => l.tick(scheduler.signal, options)))
      },
      readiness,
      scalers,
      stop() {
        stopping ??= stop()
        return stopping
      },
    }
  } catch (err) {
    await closeAll()
    throw err
  }
}

function openJournal(
  settings: ReturnType<typeof daemonSettings>['journal'],
  baseDir: string | undefined,
  clock: DaemonClock,
): Journal {
  const path = isAbsolute(settings.path) ? settings.path : resolve(baseDir ?? process.cwd(), settings.path)
  return new SqliteJournal({
    path,
    retentionDays: settings.retentionDays,
    maxEntries: settings.maxEntries,
    now: () => clock.now(),
  })
}
