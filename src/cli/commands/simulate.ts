// `autopilot simulate`: the policy lab. Replays a traffic profile or a trace CSV through a model of the
// consumer group and compares scaling policies (lag, slo, keda, fixed) with the oracle. Thin: the work is in
// src/sim/simulate.ts and the pure src/analyzer/simulate/.
import { type Command, InvalidArgumentError, Option } from 'commander'
import { DEFAULT_MODEL } from '../../analyzer/simulate/params.ts'
import { PROFILE_NAMES } from '../../analyzer/simulate/profiles.ts'
import type { SimulateFlags } from '../../sim/simulate.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

function numberArg(flag: string) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} takes a number`)
    return n
  }
}

export function registerSimulate(program: Command): void {
  const d = DEFAULT_MODEL
  program
    .command('simulate')
    .description('simulate scaling policies on a traffic profile or trace and compare them with the oracle')
    .option(
      '--profile <name[:k=v,…]>',
      `built-in profile: ${PROFILE_NAMES.join(', ')} (e.g. spikes:peak=3000,seed=2)`,
    )
    .option(
      '--trace <file.csv>',
      'trace CSV: t_seconds,records_per_second (or p0,p1,…) [,replicas,lag,lag_seconds]',
    )
    .addOption(
      new Option('--policy <policy>', 'lag | slo | keda | fixed (repeatable)')
        .argParser(collect)
        .default([], 'lag, slo, keda'),
    )
    .option('-c, --config <file>', 'autopilot.yaml: the scaler settings every policy runs with')
    .option('--scaler <name>', 'which scaler of --config (needed when it has several)')
    .option(
      '--partitions <n>',
      `partitions (default ${d.partitions}, or the trace's p<N> columns)`,
      numberArg('--partitions'),
    )
    .option(
      '--slo <seconds>',
      `lag SLO the runs are judged by (default: the slo policy's maxLagSeconds, else ${d.sloSeconds})`,
      numberArg('--slo'),
    )
    .option(
      '--throughput <records/s>',
      `records/s one replica consumes (default ${d.throughputPerReplica})`,
      numberArg('--throughput'),
    )
    .option(
      '--rebalance-pause <s>',
      `group-wide pause per membership change (default ${d.rebalancePauseSeconds})`,
      numberArg('--rebalance-pause'),
    )
    .option(
      '--group-protocol <protocol>',
      `classic (eager: every membership change pauses the group) | consumer (KIP-848: only moved partitions pause) (default ${d.groupProtocol})`,
    )
    .option(
      '--moved-pause <s>',
      `--group-protocol consumer: how long a partition that changes owner waits (default ${d.movedPauseSeconds})`,
      numberArg('--moved-pause'),
    )
    .option(
      '--startup <s>',
      `from starting a replica to it joining the group (default ${d.startupSeconds})`,
      numberArg('--startup'),
    )
    .option(
      '--metric-delay <s>',
      `age of the lag a policy sees (default ${d.metricDelaySeconds})`,
      numberArg('--metric-delay'),
    )
    .option(
      '--commit-interval <s>',
      `consumers commit this often (default ${d.commitIntervalSeconds})`,
      numberArg('--commit-interval'),
    )
    .option(
      '--fetch-batch <records>',
      `records a consumer takes from one partition per turn; 0: fair sharing (default ${d.fetchBatchRecords})`,
      numberArg('--fetch-batch'),
    )
    .option('--step <s>', `simulation step (default ${d.stepSeconds})`, numberArg('--step'))
    .option(
      '--initial-replicas <n>',
      'replicas at the start (default: what the first rate needs)',
      numberArg('--initial-replicas'),
    )
    .option(
      '--replicas <n>',
      "policy fixed: run this many replicas instead of the trace's replicas column",
      numberArg('--replicas'),
    )
    .option(
      '--keda-polling <s>',
      'keda: ScaledObject pollingInterval (default 30)',
      numberArg('--keda-polling'),
    )
    .option('--hpa-sync <s>', 'keda: HPA sync period (default 15)', numberArg('--hpa-sync'))
    .option('--no-oracle', 'leave out the oracle and keep-up references')
    .option('--compare', 'compare each policy with the lag recorded in the trace')
    .option('--json', 'print the results as JSON (with sampled timelines)')
    .option('--chart <out.svg>', 'write an SVG of rate, lag and replicas over time')
    .action(async (opts: Record<string, unknown>) => {
      const { runSimulate } = await import('../../sim/simulate.ts')
      const flags: SimulateFlags = {
        ...(opts as Omit<SimulateFlags, 'sloSeconds'>),
        policy: opts.policy as string[],
        oracle: opts.oracle !== false,
        sloSeconds: opts.slo as number | undefined,
        throughputPerReplica: opts.throughput as number | undefined,
        groupProtocol: opts.groupProtocol as SimulateFlags['groupProtocol'],
        rebalancePauseSeconds: opts.rebalancePause as number | undefined,
        movedPauseSeconds: opts.movedPause as number | undefined,
        startupSeconds: opts.startup as number | undefined,
        metricDelaySeconds: opts.metricDelay as number | undefined,
        commitIntervalSeconds: opts.commitInterval as number | undefined,
        fetchBatchRecords: opts.fetchBatch as number | undefined,
        stepSeconds: opts.step as number | undefined,
      }
      await runSimulate(flags, { stdout: process.stdout, stderr: process.stderr })
    })
}
