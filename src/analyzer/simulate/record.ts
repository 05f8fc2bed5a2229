// A trace from the daemon's journal: one row per decision of one scaler (`autopilot record`).
//
// A decision at t_i carries the rates measured since the previous reading, i.e. over (t_i−1, t_i]; a trace
// row's rate holds from its time on, so row i takes the production rate of decision i+1 (the last decision
// only closes the trace). Unknown production falls back to the consumption rate, then to 0.
// replicas: the count running from t_i on — the decided count when the decision scaled, else the target's
// current count. lag: the decision's total lag (records); lag_seconds: the monitor's lag time.
import type { TraceRow } from './trace.ts'

/** The parts of a journal decision entry this needs (JournalEntry has them; `inputs` as the daemon writes). */
export interface DecisionEntry {
  at: number
  outcome: string | null
  inputs: unknown
}

interface DecisionInputs {
  current?: number
  desired?: number
  replicas?: { current?: number; desired?: number } | null
  lag?: { totalLag?: number } | null
  rates?: { production?: number | null; consumption?: number | null; lagSeconds?: number | null } | null
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** Rows oldest first; `entries` in any order. Decisions without inputs are skipped. */
export function traceRowsFromDecisions(entries: readonly DecisionEntry[]): TraceRow[] {
  const sorted = [...entries]
    .filter((e) => typeof e.inputs === 'object' && e.inputs !== null)
    .sort((a, b) => a.at - b.at)
  const first = sorted[0]
  if (first === undefined) return []
  const rows: TraceRow[] = []
  for (const [i, e] of sorted.entries()) {
    const input = e.inputs as DecisionInputs
    const next = sorted[i + 1]?.inputs as DecisionInputs | undefined
    const rates = next?.rates ?? input.rates
    const rate = num(rates?.production) ?? num(rates?.consumption) ?? 0
    const current = num(input.replicas?.current) ?? num(input.current)
    const replicas = e.outcome === 'scale' ? (num(input.desired) ?? current) : current
    const t = (e.at - first.at) / 1000
    if (rows.length > 0 && t <= (rows.at(-1) as TraceRow).t) continue
    rows.push({
      t,
      recordsPerSecond: Math.max(0, rate),
      replicas,
      lag: num(input.lag?.totalLag),
      lagSeconds: num(input.rates?.lagSeconds),
    })
  }
  return rows
}
