// Cluster metadata: raw Metadata requests (internal topics included, no auto-creation) and a per-topic cache
// so that offset and probe calls find partition leaders without a Metadata request every time.

import { AutopilotError } from '../errors.ts'
import { protocolErrorName } from './error-mapping.ts'
import type { BrokerNode, ClusterMetadata, TopicMetadata } from './port.ts'
import { type KafkaSession, tolerant } from './session.ts'
import type { MetadataResponse } from './wire-types.ts'

export interface TopicEntry {
  /** null when the broker answered with an error for this topic (see errorCode). */
  topic: TopicMetadata | null
  errorCode: number
  fetchedAt: number
}

export function toTopicMetadata(raw: MetadataResponse['topics'][number]): TopicMetadata {
  return {
    name: raw.name ?? '',
    id: raw.topicId,
    internal: raw.isInternal,
    partitions: [...raw.partitions]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((p) => ({
        partition: p.partitionIndex,
        leader: p.leaderId,
        replicas: [...p.replicaNodes],
        isr: [...p.isrNodes],
        offlineReplicas: [...p.offlineReplicas],
      })),
  }
}

export function toClusterMetadata(raw: MetadataResponse, onlyTopics?: Set<string>): ClusterMetadata {
  const brokers: BrokerNode[] = raw.brokers
    .map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
    .sort((a, b) => a.id - b.id)
  const topics = raw.topics
    .filter((t) => t.errorCode === 0 && t.name && (!onlyTopics || onlyTopics.has(t.name)))
    .map(toTopicMetadata)
    .sort((a, b) => a.name.localeCompare(b.name))
  return { clusterId: raw.clusterId ?? '', controllerId: raw.controllerId, brokers, topics }
}

export class MetadataCache {
  readonly #session: KafkaSession
  readonly #maxAgeMs: number
  readonly #topics = new Map<string, TopicEntry>()
  #brokersAt = 0

  constructor(session: KafkaSession, maxAgeMs: number) {
    this.#session = session
    this.#maxAgeMs = maxAgeMs
  }

  /** One Metadata request: `null` = every topic, `[]` = brokers only. Updates the broker list and the cache. */
  async fetch(topics: string[] | null): Promise<MetadataResponse> {
    const api = await this.#session.api<[string[] | null, boolean, boolean], MetadataResponse>('Metadata')
    const raw = await this.#session.onAny((conn) => tolerant(api.async(conn, topics, false, false)))
    this.#brokersAt = Date.now()
    this.#session.brokers = new Map(
      raw.brokers.map((b) => [b.nodeId, { id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }]),
    )
    const now = Date.now()
    const answered = new Set<string>()
    for (const t of raw.topics) {
      if (!t.name) continue
      answered.add(t.name)
      this.#topics.set(t.name, {
        topic: t.errorCode === 0 ? toTopicMetadata(t) : null,
        errorCode: t.errorCode,
        fetchedAt: now,
      })
    }
    if (topics === null) {
      // A full listing is authoritative: forget deleted topics.
      for (const name of [...this.#topics.keys()]) if (!answered.has(name)) this.#topics.delete(name)
    }
    return raw
  }

  /** Entries for `names`, fetching the missing or stale ones in a single Metadata request. */
  async topics(names: string[], options: { refresh?: boolean } = {}): Promise<Map<string, TopicEntry>> {
    const unique = [...new Set(names)]
    const now = Date.now()
    const stale = unique.filter((name) => {
      const entry = this.#topics.get(name)
      return options.refresh || !entry || entry.errorCode !== 0 || now - entry.fetchedAt > this.#maxAgeMs
    })
    if (stale.length > 0 || this.#session.brokers.size === 0) await this.fetch(stale)
    const out = new Map<string, TopicEntry>()
    for (const name of unique) {
      out.set(name, this.#topics.get(name) ?? { topic: null, errorCode: 3, fetchedAt: now })
    }
    return out
  }

  /** Makes sure the broker list is known and not older than the max age (a brokers-only Metadata request). */
  async ensureBrokers(): Promise<void> {
    if (this.#session.brokers.size > 0 && Date.now() - this.#brokersAt <= this.#maxAgeMs) return
    await this.fetch([])
  }

  invalidate(names: Iterable<string>): void {
    for (const name of names) this.#topics.delete(name)
  }

  /** The partition count of each existing topic; throws AP_ERR_NOT_FOUND naming unknown ones. */
  async partitionCounts(names: string[], field?: string): Promise<Map<string, number>> {
    const entries = await this.topics(names)
    const out = new Map<string, number>()
    for (const [name, entry] of entries) {
      if (!entry.topic) {
        throw new AutopilotError(
          'AP_ERR_NOT_FOUND',
          `topic ${name} does not exist (${protocolErrorName(entry.errorCode)})`,
          {
            ...(field === undefined ? {} : { field }),
          },
        )
      }
      out.set(name, entry.topic.partitions.length)
    }
    return out
  }
}
