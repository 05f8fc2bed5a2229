// Pure: replication throttles the way kafka-reassign-partitions --throttle sets them (KIP-73 quotas).
// - Broker dynamic configs `leader.replication.throttled.rate` and `follower.replication.throttled.rate`
//   (bytes/s) on every broker of a copy move: its current replicas (the leader serving the copy is one of them)
//   and the brokers gaining a replica.
// - Topic configs `leader.replication.throttled.replicas` = `partition:broker` for each current replica of a
//   moving partition, and `follower.replication.throttled.replicas` = `partition:broker` for each broker gaining
//   a replica. The rate only applies to the listed replicas, and Kafka never throttles a replica that is in the
//   ISR, so in-sync traffic is untouched.
// Unlike the Kafka tool, metadata-only moves (reorder, fewer replicas) get no throttle entries: they copy
// nothing. Brokers that are not live cannot take a dynamic config and are left out (reported).
import type { Move } from './types.ts'

export const BROKER_THROTTLE_KEYS = [
  'leader.replication.throttled.rate',
  'follower.replication.throttled.rate',
] as const
export const TOPIC_THROTTLE_KEYS = [
  'leader.replication.throttled.replicas',
  'follower.replication.throttled.replicas',
] as const

export interface ThrottleConfigs {
  brokers: Array<{ id: number; configs: Record<string, string> }>
  topics: Array<{ name: string; configs: Record<string, string> }>
}

function replicaList(pairs: Array<[number, number]>): string {
  return pairs
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([p, b]) => `${p}:${b}`)
    .join(',')
}

/** The configs to SET before submitting `moves`, and the involved brokers that could not take them. */
export function throttleConfigs(
  moves: readonly Move[],
  bytesPerSec: number,
  liveBrokers: ReadonlySet<number>,
): ThrottleConfigs & { notLive: number[] } {
  const brokers = new Set<number>()
  const byTopic = new Map<string, { leader: Array<[number, number]>; follower: Array<[number, number]> }>()
  for (const m of moves) {
    if (m.kind !== 'copy') continue
    const t = byTopic.get(m.topic) ?? { leader: [], follower: [] }
    byTopic.set(m.topic, t)
    for (const b of m.from) {
      t.leader.push([m.partition, b])
      brokers.add(b)
    }
    for (const b of m.adding) {
      t.follower.push([m.partition, b])
      brokers.add(b)
    }
  }
  const rate = String(Math.floor(bytesPerSec))
  const ids = [...brokers].sort((a, b) => a - b)
  return {
    brokers: ids
      .filter((id) => liveBrokers.has(id))
      .map((id) => ({ id, configs: Object.fromEntries(BROKER_THROTTLE_KEYS.map((k) => [k, rate])) })),
    topics: [...byTopic]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, t]) => ({
        name,
        configs: {
          [TOPIC_THROTTLE_KEYS[0]]: replicaList(t.leader),
          [TOPIC_THROTTLE_KEYS[1]]: replicaList(t.follower),
        },
      })),
    notLive: ids.filter((id) => !liveBrokers.has(id)),
  }
}

/** DescribeConfigs resources asking only for the throttle keys. */
export function describeThrottles(brokers: readonly number[], topics: readonly string[]) {
  return [
    ...brokers.map((id) => ({ type: 'broker' as const, name: String(id), keys: [...BROKER_THROTTLE_KEYS] })),
    ...topics.map((name) => ({ type: 'topic' as const, name, keys: [...TOPIC_THROTTLE_KEYS] })),
  ]
}

/**
 * Throttle keys that are set in a DescribeConfigs answer. An unset broker rate is absent from the answer; an
 * unset topic list reads as ''. Both count as not set.
 */
export function throttlesIn(
  answers: ReadonlyArray<{ type: 'broker' | 'topic'; name: string; configs: Record<string, string | null> }>,
): ThrottleConfigs {
  const out: ThrottleConfigs = { brokers: [], topics: [] }
  for (const a of answers) {
    const keys: readonly string[] = a.type === 'broker' ? BROKER_THROTTLE_KEYS : TOPIC_THROTTLE_KEYS
    const set = Object.fromEntries(
      keys.flatMap((k) => {
        const v = a.configs[k]
        return v === undefined || v === null || v === '' ? [] : [[k, v] as const]
      }),
    )
    if (Object.keys(set).length === 0) continue
    if (a.type === 'broker') out.brokers.push({ id: Number(a.name), configs: set })
    else out.topics.push({ name: a.name, configs: set })
  }
  return out
}

export function isEmpty(t: ThrottleConfigs): boolean {
  return t.brokers.length === 0 && t.topics.length === 0
}

/** IncrementalAlterConfigs resources that SET `t`. */
export function setResources(t: ThrottleConfigs) {
  return [
    ...t.brokers.map((b) => ({ type: 'broker' as const, name: String(b.id), set: { ...b.configs } })),
    ...t.topics.map((x) => ({ type: 'topic' as const, name: x.name, set: { ...x.configs } })),
  ]
}

/** IncrementalAlterConfigs resources that DELETE exactly the keys of `t`. */
export function deleteResources(t: ThrottleConfigs) {
  return [
    ...t.brokers.map((b) => ({
      type: 'broker' as const,
      name: String(b.id),
      delete: Object.keys(b.configs),
    })),
    ...t.topics.map((x) => ({ type: 'topic' as const, name: x.name, delete: Object.keys(x.configs) })),
  ]
}

/** Keys of `expected` that `found` does not show with the same value (all of them when `present` is false). */
export function mismatches(expected: ThrottleConfigs, found: ThrottleConfigs, present: boolean): string[] {
  const value = (type: 'broker' | 'topic', name: string, key: string): string | undefined =>
    type === 'broker'
      ? found.brokers.find((b) => String(b.id) === name)?.configs[key]
      : found.topics.find((t) => t.name === name)?.configs[key]
  const out: string[] = []
  for (const r of setResources(expected)) {
    for (const [key, v] of Object.entries(r.set)) {
      const now = value(r.type, r.name, key)
      if (present ? now !== v : now !== undefined) out.push(`${r.type} ${r.name} ${key}`)
    }
  }
  return out
}

/** `{ "broker 1": {...}, "topic t": {...} }`, for journal events. */
export function describe(t: ThrottleConfigs): Record<string, Record<string, string>> {
  return Object.fromEntries([
    ...t.brokers.map((b) => [`broker ${b.id}`, b.configs] as const),
    ...t.topics.map((x) => [`topic ${x.name}`, x.configs] as const),
  ])
}
