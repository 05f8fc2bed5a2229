// Text and JSON views of a lag snapshot for `autopilot lag`. Pure: snapshot in, string out.
import type { GroupLag, LagSnapshot, PartitionLag } from '../../analyzer/lag/types.ts'

/** The `--json` document: the snapshot without the monitor's internal state (probe cache, log-end history). */
export function lagJson(snapshot: LagSnapshot): { at: string; policy: string; groups: GroupLag[] } {
  return { at: new Date(snapshot.at).toISOString(), policy: snapshot.policy, groups: snapshot.groups }
}

const HEADER = [
  'TOPIC',
  'PARTITION',
  'CURRENT-OFFSET',
  'LOG-START-OFFSET',
  'LOG-END-OFFSET',
  'LAG',
  'LAG-SECONDS',
  'PRODUCE/S',
  'CONSUME/S',
  'CONSUMER-ID',
  'HOST',
  'CLIENT-ID',
  'NOTES',
]

/** Like `kafka-consumer-groups --describe`, one block per group, plus seconds behind and rates. */
export function lagTable(snapshot: LagSnapshot): string {
  if (snapshot.groups.length === 0) return 'No consumer groups found.\n'
  return snapshot.groups.map(groupBlock).join('\n')
}

function groupBlock(g: GroupLag): string {
  const summary = [
    `GROUP ${g.group}`,
    `state ${g.state}`,
    `members ${g.members}`,
    `lag ${g.totalLag}`,
    `max ${g.maxLagSeconds === null ? '-' : `${fmt(g.maxLagSeconds)} s`} behind`,
    `produce ${rate(g.productionRate)}/s`,
    `consume ${rate(g.consumptionRate)}/s`,
  ]
  if (g.unavailablePartitions > 0) summary.push(`${g.unavailablePartitions} partition(s) unavailable`)
  const lines = [summary.join('  ')]
  if (g.error !== null) return `${lines[0]}\n  error: ${g.error}\n`
  const rows = g.topics.flatMap((t) => t.partitions.map((p) => row(t.topic, p)))
  if (rows.length === 0) return `${lines[0]}\n  (no committed offsets or assigned partitions)\n`
  return `${lines[0]}\n\n${columns([HEADER, ...rows])}`
}

function row(topic: string, p: PartitionLag): string[] {
  return [
    topic,
    String(p.partition),
    num(p.committedOffset),
    num(p.logStartOffset),
    num(p.logEndOffset),
    num(p.lag),
    seconds(p),
    rate(p.productionRate),
    rate(p.consumptionRate),
    p.member?.memberId ?? '-',
    p.member?.host ?? '-',
    p.member?.clientId ?? '-',
    notes(p),
  ]
}

function notes(p: PartitionLag): string {
  return p.flags
    .map((f) => {
      if (f === 'below-log-start') return `below-log-start (${p.recordsLost} lost to retention)`
      if (f === 'offsets-unavailable' && p.error) return `offsets-unavailable (${p.error})`
      return f
    })
    .join(', ')
}

/** `~` marks an interpolated value, `>` a lower bound. */
function seconds(p: PartitionLag): string {
  if (p.lagSeconds === null) return '-'
  const prefix = p.lagSecondsSource === 'interpolated' ? '~' : p.lagSecondsSource === 'lower-bound' ? '>' : ''
  return `${prefix}${fmt(p.lagSeconds)}`
}

function fmt(value: number): string {
  return value.toFixed(1)
}

function rate(value: number | null): string {
  return value === null ? '-' : value.toFixed(1)
}

function num(value: number | null): string {
  return value === null ? '-' : String(value)
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('')
}
