// Topic partitions grow with the expected volume and never shrink. Adding partitions to a keyed topic moves
// keys to other partitions (hash(key) mod partitions): per-key order breaks at the switch and compacted
// topics keep old values of a key on the old partition, so the plan says so for every topic it grows.
import { asRecord, asString } from '../audit/access.ts'
import { globMatches, type ScaleRules } from './rules.ts'
import type { ScalarField } from './values-scan.ts'

export interface LiveTopic {
  name: string
  partitions: number
  /** cleanup.policy includes compact: always keyed. */
  compacted: boolean
}

export type Keyed = 'yes' | 'no' | 'unknown'

export interface PartitionChange {
  topic: string
  /** Where the current count came from. */
  source: 'values' | 'cluster' | 'values+cluster'
  /** The values field, when the topic is in the values file. */
  path?: string
  pathSegments?: Array<string | number>
  line?: number
  valuesCount?: number
  from: number
  to: number
  keyed: Keyed
  keyedReason: string
}

function topicName(field: ScalarField): string {
  const p = field.parent
  return (
    asString(p.name) ??
    asString(p.topic) ??
    asString(p.topicName) ??
    (typeof field.parentKey === 'string' ? field.parentKey : field.path.map(String).join('.'))
  )
}

function keyedness(
  topic: string,
  parent: Record<string, unknown> | undefined,
  live: LiveTopic | undefined,
  rules: ScaleRules,
): [Keyed, string] {
  if (rules.topics.unkeyed.some((p) => globMatches(p, topic))) return ['no', 'listed under topics.unkeyed']
  if (rules.topics.keyed.some((p) => globMatches(p, topic))) return ['yes', 'listed under topics.keyed']
  if (parent?.keyed === true) return ['yes', 'keyed: true in the values']
  if (parent?.keyed === false) return ['no', 'keyed: false in the values']
  const config = asRecord(parent?.config) ?? asRecord(parent?.configs) ?? asRecord(parent?.topicConfig)
  const policy = String(config?.['cleanup.policy'] ?? config?.cleanupPolicy ?? '')
  if (policy.includes('compact') || live?.compacted)
    return ['yes', 'compacted topic (cleanup.policy compact)']
  return ['unknown', 'not known whether producers set keys']
}

export function growPartitions(value: number, growth: number): number {
  // Round before ceil so 12 × 1.5 (= 18.000000000000004 in floating point) stays 18.
  return Math.max(value, Math.ceil(Math.round(value * growth * 1e6) / 1e6))
}

export function planPartitions(
  fields: readonly ScalarField[],
  live: readonly LiveTopic[] | undefined,
  rules: ScaleRules,
  growth: number,
): { changes: PartitionChange[]; warnings: string[] } {
  const changes: PartitionChange[] = []
  const warnings: string[] = []
  const skip = (topic: string) => rules.topics.skip.some((p) => globMatches(p, topic))
  const seen = new Set<string>()
  for (const field of fields) {
    if (!rules.partitionKeys.includes(field.key)) continue
    const path = field.path.map(String).join('.')
    if (typeof field.value !== 'number' || !Number.isInteger(field.value) || field.value < 1) {
      warnings.push(
        `${path} (line ${field.line}) is not a partition count (${JSON.stringify(field.value)}); left as it is`,
      )
      continue
    }
    const topic = topicName(field)
    seen.add(topic)
    if (skip(topic)) continue
    const liveTopic = live?.find((t) => t.name === topic)
    let from = field.value
    if (liveTopic !== undefined && liveTopic.partitions !== field.value) {
      warnings.push(
        `topic ${topic}: the values say ${field.value} partitions (line ${field.line}), the cluster has ${liveTopic.partitions}; planning from ${Math.max(field.value, liveTopic.partitions)}`,
      )
      from = Math.max(field.value, liveTopic.partitions)
    }
    const [keyed, keyedReason] = keyedness(topic, field.parent, liveTopic, rules)
    changes.push({
      topic,
      source: liveTopic ? 'values+cluster' : 'values',
      path,
      pathSegments: field.path,
      line: field.line,
      valuesCount: field.value,
      from,
      to: growPartitions(from, growth),
      keyed,
      keyedReason,
    })
  }
  for (const t of live ?? []) {
    if (seen.has(t.name) || skip(t.name)) continue
    const [keyed, keyedReason] = keyedness(t.name, undefined, t, rules)
    changes.push({
      topic: t.name,
      source: 'cluster',
      from: t.partitions,
      to: growPartitions(t.partitions, growth),
      keyed,
      keyedReason,
    })
  }
  for (const c of changes) {
    if (c.to === c.from || c.keyed === 'no') continue
    warnings.push(
      c.keyed === 'yes'
        ? `topic ${c.topic} is keyed (${c.keyedReason}): ${c.from} → ${c.to} partitions sends existing keys to other partitions; per-key order breaks at the switch, and compacted topics keep stale values on the old partition`
        : `topic ${c.topic}: if producers set keys, ${c.from} → ${c.to} partitions moves keys to other partitions; mark it under topics.keyed or topics.unkeyed in the rules`,
    )
  }
  return { changes, warnings }
}
