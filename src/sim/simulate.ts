// `autopilot simulate`: reads the inputs (trace file or profile, autopilot.yaml), runs the policy lab and
// writes the table, JSON and chart. The simulation itself is pure (src/analyzer/simulate/).
import { readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { compareWithObserved } from '../analyzer/simulate/calibration.ts'
import { renderChart } from '../analyzer/simulate/chart.ts'
import {
  controllerFor,
  type LabInput,
  POLICIES,
  type PolicyName,
  runLab,
  simScaler,
} from '../analyzer/simulate/lab.ts'
import { DEFAULT_MODEL, type ModelOverrides, modelParams } from '../analyzer/simulate/params.ts'
import { profileTrace } from '../analyzer/simulate/profiles.ts'
import { comparisonLine, describeLab, labTable } from '../analyzer/simulate/report.ts'
import { Production, parseTraceCsv, tracePartitions } from '../analyzer/simulate/trace.ts'
import type { Sample, Trace } from '../analyzer/simulate/types.ts'
import { loadConfig } from '../config/load.ts'
import type { ScalerConfig } from '../config/schema.ts'
import { AutopilotError } from '../errors.ts'

export interface SimulateFlags extends ModelOverrides {
  profile?: string
  trace?: string
  policy: string[]
  config?: string
  scaler?: string
  replicas?: number
  kedaPolling?: number
  hpaSync?: number
  oracle: boolean
  compare?: boolean
  json?: boolean
  chart?: string
}

export interface SimulateDeps {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

export async function readTraceFile(file: string): Promise<Trace> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    const code = (cause as { code?: string }).code
    throw new AutopilotError('AP_ERR_INPUT', `cannot read trace ${file}${code ? ` (${code})` : ''}`, {
      field: '--trace',
      cause,
    })
  }
  return parseTraceCsv(text, basename(file))
}

async function scalerFrom(flags: SimulateFlags, deps: SimulateDeps): Promise<ScalerConfig | null> {
  if (!flags.config) {
    if (flags.scaler)
      throw new AutopilotError('AP_ERR_USAGE', '--scaler needs --config', { field: '--scaler' })
    return null
  }
  const loaded = await loadConfig(flags.config)
  for (const w of loaded.warnings) deps.stderr.write(`warning: ${loaded.file}: ${w.path}: ${w.message}\n`)
  const scalers = loaded.config.scalers
  const names = scalers.map((s) => s.name).join(', ')
  if (flags.scaler) {
    const found = scalers.find((s) => s.name === flags.scaler)
    if (!found) {
      throw new AutopilotError('AP_ERR_NOT_FOUND', `no scaler named ${flags.scaler} in ${flags.config}`, {
        field: '--scaler',
        hint: names ? `scalers: ${names}` : 'the file defines no scalers',
      })
    }
    return found
  }
  if (scalers.length === 1) return scalers[0] as ScalerConfig
  throw new AutopilotError(
    'AP_ERR_USAGE',
    scalers.length === 0 ? `${flags.config} defines no scalers` : `${flags.config} defines several scalers`,
    { field: '--scaler', hint: names ? `pick one with --scaler (${names})` : undefined },
  )
}

export async function runSimulate(flags: SimulateFlags, deps: SimulateDeps) {
  if ((flags.profile === undefined) === (flags.trace === undefined)) {
    throw new AutopilotError('AP_ERR_USAGE', 'give exactly one of --profile and --trace', {
      field: '--profile',
    })
  }
  const policies = (flags.policy.length > 0 ? flags.policy : ['lag', 'slo', 'keda']).map((p) => {
    if (!(POLICIES as readonly string[]).includes(p)) {
      throw new AutopilotError('AP_ERR_USAGE', `--policy: unknown policy "${p}"`, {
        field: '--policy',
        hint: `policies: ${POLICIES.join(', ')}`,
      })
    }
    return p as PolicyName
  })
  for (const [flag, value] of [
    ['--keda-polling', flags.kedaPolling],
    ['--hpa-sync', flags.hpaSync],
  ] as const) {
    if (value !== undefined && !(value > 0 && value <= 3600)) {
      throw new AutopilotError('AP_ERR_USAGE', `${flag} takes seconds from above 0 to 3600, got ${value}`, {
        field: flag,
      })
    }
  }
  if (flags.replicas !== undefined && !(Number.isInteger(flags.replicas) && flags.replicas >= 0)) {
    throw new AutopilotError('AP_ERR_USAGE', `--replicas takes a whole number ≥ 0, got ${flags.replicas}`, {
      field: '--replicas',
    })
  }
  const trace = flags.trace ? await readTraceFile(flags.trace) : profileTrace(flags.profile as string)
  const scaler = await scalerFrom(flags, deps)
  const fromTrace = tracePartitions(trace)
  if (fromTrace !== null && flags.partitions !== undefined && flags.partitions !== fromTrace) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      `--partitions ${flags.partitions} does not match the trace's ${fromTrace} partition columns`,
      { field: '--partitions' },
    )
  }
  const slo =
    flags.sloSeconds ??
    (scaler?.policy.type === 'slo' ? scaler.policy.maxLagSeconds : DEFAULT_MODEL.sloSeconds)
  // A recording starts with the replicas it observed, unless told otherwise.
  const recorded = trace.observed.find((o) => o.replicas !== null)?.replicas ?? null
  const params = modelParams({
    ...pickModel(flags),
    partitions: flags.partitions ?? fromTrace ?? DEFAULT_MODEL.partitions,
    sloSeconds: slo,
    initialReplicas: flags.initialReplicas ?? recorded,
  })
  const input: LabInput = {
    trace,
    params,
    scaler: scaler ?? simScaler(params),
    policies,
    oracle: flags.oracle,
    sampleSeconds: Math.max(params.stepSeconds, trace.end / 400),
    keda: {
      ...(flags.kedaPolling === undefined ? {} : { pollingSeconds: flags.kedaPolling }),
      ...(flags.hpaSync === undefined ? {} : { hpaSyncSeconds: flags.hpaSync }),
    },
    fixedReplicas: flags.replicas ?? null,
  }
  const observed = trace.observed.some((o) => o.lag !== null || o.lagSeconds !== null)
  if (flags.compare && !observed) {
    throw new AutopilotError('AP_ERR_USAGE', '--compare needs a trace with lag or lag_seconds columns', {
      field: '--compare',
    })
  }
  const result = runLab(input)
  // A recording replayed with `fixed` is a calibration: say how far the model is from the real run.
  const comparisons =
    flags.compare || (observed && policies.includes('fixed'))
      ? policies.map((p) => ({
          policy: p,
          comparison: compareWithObserved(trace, params, controllerFor(p, input)),
        }))
      : []
  if (flags.chart) {
    const series = result.runs.map((r) => ({ policy: r.metrics.policy, samples: r.samples }))
    // A recording's own timeline, drawn beside the simulated ones.
    const recorded = recordedSamples(trace)
    if (recorded.length > 0) series.push({ policy: 'recorded', samples: recorded })
    const svg = renderChart({
      title: `${trace.name}: ${series.map((r) => r.policy).join(', ')}`,
      sloSeconds: params.sloSeconds,
      series,
    })
    try {
      await writeFile(flags.chart, svg)
    } catch (cause) {
      throw new AutopilotError('AP_ERR_INPUT', `cannot write chart ${flags.chart}`, {
        field: '--chart',
        cause,
      })
    }
  }
  if (flags.json) {
    deps.stdout.write(
      `${JSON.stringify({
        ...result,
        comparisons: comparisons.map((c) => ({
          policy: c.policy,
          lag: c.comparison.lag,
          lagSeconds: c.comparison.lagSeconds,
          replicasMatch: c.comparison.replicasMatch,
        })),
      })}\n`,
    )
  } else {
    deps.stdout.write(`${describeLab(result)}\n\n${labTable(result)}\n`)
    for (const c of comparisons) deps.stdout.write(`\n${comparisonLine(c.policy, c.comparison)}\n`)
    if (flags.chart) deps.stdout.write(`\nchart: ${flags.chart}\n`)
  }
  return result
}

/** The observed rows of a recording as chart samples (rows without lag or replicas are left out). */
function recordedSamples(trace: Trace): Sample[] {
  const production = new Production(trace, 1)
  return trace.observed.flatMap((o) =>
    o.lag === null || o.replicas === null
      ? []
      : [
          {
            t: o.t,
            rate: production.rate(o.t),
            lag: o.lag,
            lagSeconds: o.lagSeconds ?? 0,
            replicas: o.replicas,
          },
        ],
  )
}

function pickModel(flags: SimulateFlags): ModelOverrides {
  const keys = [
    'throughputPerReplica',
    'groupProtocol',
    'rebalancePauseSeconds',
    'movedPauseSeconds',
    'startupSeconds',
    'metricDelaySeconds',
    'commitIntervalSeconds',
    'fetchBatchRecords',
    'stepSeconds',
  ] as const
  const out: ModelOverrides = {}
  for (const k of keys) if (flags[k] !== undefined) (out as Record<string, unknown>)[k] = flags[k]
  return out
}
