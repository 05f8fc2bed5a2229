// The daemon's own Prometheus metrics, next to the lag metrics (lag-metrics.ts) on the same registry:
// replica counts per scaler, decisions by reason, actions by outcome, the loop's duration and skipped ticks,
// and the leader-election role. The daemon calls the recorder; a scrape only reads.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface DaemonMetrics {
  decision(scaler: string, reason: string, current: number, desired: number, atMs: number): void
  action(scaler: string, outcome: string): void
  scalerError(scaler: string, stage: string): void
  tick(cluster: string, seconds: number): void
  tickSkipped(cluster: string): void
  scalerSkipped(scaler: string, why: string): void
  role(leading: boolean): void
}

export function registerDaemonMetrics(registry: Registry): DaemonMetrics {
  const registers = [registry]
  const desired = new Gauge({
    name: 'autopilot_desired_replicas',
    help: 'Replica count the last decision asked for.',
    labelNames: ['scaler'],
    registers,
  })
  const current = new Gauge({
    name: 'autopilot_current_replicas',
    help: 'Replica count the target reported at the last decision (its desired/spec count).',
    labelNames: ['scaler'],
    registers,
  })
  const decisions = new Counter({
    name: 'autopilot_decisions_total',
    help: 'Scaling decisions, by the reason that determined the count.',
    labelNames: ['scaler', 'reason'],
    registers,
  })
  const lastDecision = new Gauge({
    name: 'autopilot_last_decision_timestamp_seconds',
    help: 'Unix time of the last decision.',
    labelNames: ['scaler'],
    registers,
  })
  const actions = new Counter({
    name: 'autopilot_actions_total',
    help: 'Scale actions, by outcome (applied, noop, dry-run, failed, aborted).',
    labelNames: ['scaler', 'outcome'],
    registers,
  })
  const errors = new Counter({
    name: 'autopilot_scaler_errors_total',
    help: 'Ticks of a scaler that could not decide, by stage (describe: the target could not be read).',
    labelNames: ['scaler', 'stage'],
    registers,
  })
  const loop = new Histogram({
    name: 'autopilot_loop_duration_seconds',
    help: 'Duration of one tick of a cluster loop: lag snapshot, decisions, journal (actions run apart).',
    labelNames: ['cluster'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  })
  const skipped = new Counter({
    name: 'autopilot_loop_skipped_total',
    help: 'Ticks skipped because the previous tick of the same cluster was still running.',
    labelNames: ['cluster'],
    registers,
  })
  const scalerSkipped = new Counter({
    name: 'autopilot_scaler_skipped_total',
    help: 'Scaler evaluations skipped, by why (action-in-flight: its previous scale is still running).',
    labelNames: ['scaler', 'why'],
    registers,
  })
  const leader = new Gauge({
    name: 'autopilot_leader',
    help: '1 when this replica acts (leader, or no leader election), 0 when it is a follower.',
    registers,
  })
  leader.set(1)
  return {
    decision(scaler, reason, cur, want, atMs) {
      desired.set({ scaler }, want)
      current.set({ scaler }, cur)
      decisions.inc({ scaler, reason })
      lastDecision.set({ scaler }, atMs / 1000)
    },
    action: (scaler, outcome) => actions.inc({ scaler, outcome }),
    scalerError: (scaler, stage) => errors.inc({ scaler, stage }),
    tick: (cluster, seconds) => loop.observe({ cluster }, seconds),
    tickSkipped: (cluster) => skipped.inc({ cluster }),
    scalerSkipped: (scaler, why) => scalerSkipped.inc({ scaler, why }),
    role: (leading) => leader.set(leading ? 1 : 0),
  }
}
