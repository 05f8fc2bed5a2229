// Reads consumer lag from Kafka into snapshots. The I/O half of lag monitoring; the maths is in
// src/analyzer/lag/. One poll sends, whatever the number of groups:
//   ListGroups · DescribeGroups (all groups at once) · OffsetFetch (all groups at once) · Metadata ·
//   ListOffsets (high watermarks of all partitions at once) · Fetch (record probes at lagging positions, and
//   the log start / last stable offset of lagging partitions from the same answers).
// The port batches each call per broker / coordinator; this module never loops per group or partition.
// Per broker that is one ListOffsets and at most one Fetch in the common case (every group committed on its
// partitions). Extra, only when needed: log starts of partitions without a commit or without a group (one more
// ListOffsets per leader, same round), log starts of every partition with allTopicOffsets (the exporter: two
// ListOffsets per broker), a commit below the log start (the port's out-of-range round), a probe left
// unanswered once the log starts are known. See src/analyzer/lag/reads.ts for why each is read.

import {
  applyProbeMarks,
  logStartNeeded,
  missingProbes,
  planReads,
  withLogStarts,
} from '../analyzer/lag/reads.ts'
import { groupTopics, groupTouchesTopics } from '../analyzer/lag/select.ts'
import { buildLagSnapshot } from '../analyzer/lag/snapshot.ts'
import type {
  GroupInput,
  LagInputs,
  LagSnapshot,
  OffsetResetPolicy,
  ProbePosition,
} from '../analyzer/lag/types.ts'
import { AutopilotError, describeCause } from '../errors.ts'
import type {
  GroupListing,
  KafkaAdminPort,
  PartitionOffsets,
  RecordProbe,
  TopicPartition,
} from '../kafka/port.ts'

export interface LagMonitorOptions {
  /** Groups to report; empty or absent: every consumer group in the cluster. */
  groups?: string[]
  /** Only these topics; groups that touch none of them are left out (unless named in `groups`). */
  topics?: string[]
  /** The consumers' auto.offset.reset, for partitions without a committed offset. Default latest. */
  policy?: OffsetResetPolicy
  /**
   * true (CLI): a named group or topic that does not exist is an error (AP_ERR_NOT_FOUND naming it).
   * false (exporter): it is skipped, since it may appear later.
   */
  strict?: boolean
  /** Also read the log offsets of every non-internal topic (for per-topic metrics). */
  allTopicOffsets?: boolean
  /** Log-end samples kept per partition for the interpolation fallback. */
  maxSamples?: number
  now?: () => number
}

/** Protocol types that are consumer groups; Connect workers, share groups and others are left out of "all". */
const CONSUMER_PROTOCOL_TYPES = new Set(['consumer', ''])

export class LagMonitor {
  readonly #port: KafkaAdminPort
  readonly #options: LagMonitorOptions
  #previous: LagSnapshot | null = null

  constructor(port: KafkaAdminPort, options: LagMonitorOptions = {}) {
    this.#port = port
    this.#options = options
  }

  get previous(): LagSnapshot | null {
    return this.#previous
  }

  /** Reads one snapshot; rates and the interpolation fallback use the previous one. */
  async poll(): Promise<LagSnapshot> {
    try {
      const snapshot = await this.#poll()
      this.#previous = snapshot
      return snapshot
    } catch (err) {
      if (AutopilotError.is(err)) throw err
      throw new AutopilotError('AP_ERR_KAFKA', `could not read consumer lag: ${describeCause(err)}`, {
        cause: err,
      })
    }
  }

  async #poll(): Promise<LagSnapshot> {
    const now = this.#options.now ?? Date.now
    const policy = this.#options.policy ?? 'latest'
    const topicFilter = this.#options.topics ?? []
    const listings = await this.#port.listGroups()
    const selected = this.#selectGroups(listings)
    const ids = selected.map((l) => l.groupId)

    const [descriptions, committed] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            this.#port.describeGroups(ids),
            this.#port.committedOffsets(
              ids.map((groupId) => (topicFilter.length > 0 ? { groupId, topics: topicFilter } : { groupId })),
            ),
          ])
    const describedById = new Map(descriptions.map((d) => [d.groupId, d]))
    const offsetsById = new Map(committed.map((c) => [c.groupId, c]))
    let groups: GroupInput[] = selected.map((listing) => {
      const d = describedById.get(listing.groupId)
      const o = offsetsById.get(listing.groupId)
      return {
        groupId: listing.groupId,
        state: d?.state ?? listing.state,
        type: listing.type,
        members: d?.members ?? [],
        committed: (o?.offsets ?? []).filter(
          (c) => topicFilter.length === 0 || topicFilter.includes(c.topic),
        ),
        error: o === undefined ? 'no offsets answer for this group' : o.error,
      }
    })
    const named = new Set(this.#options.groups ?? [])
    if (topicFilter.length > 0)
      groups = groups.filter((g) => named.has(g.groupId) || groupTouchesTopics(g, topicFilter))

    const topicNames = new Set<string>(topicFilter)
    for (const g of groups) for (const t of groupTopics(g)) topicNames.add(t)
    const topics = await this.#topics([...topicNames], topicFilter)
    const partitions: TopicPartition[] = topics.flatMap((t) =>
      t.partitions.map((partition) => ({ topic: t.topic, partition })),
    )
    const base = { groups, topics, policy, ...(topicFilter.length > 0 ? { topicFilter } : {}) }
    const offsets = await this.#logOffsets(partitions, logStartNeeded(base))
    const at = now()

    let inputs: LagInputs = { ...base, offsets }
    const plan = planReads(inputs, this.#previous)
    const asked = [...plan.probes, ...plan.marks]
    const answered = applyProbeMarks(offsets, asked.length === 0 ? [] : await this.#probe(asked))
    inputs = { ...inputs, offsets: answered.offsets }
    let probes = answered.probes
    const missing = missingProbes(inputs, this.#previous, [...asked, ...probes])
    if (missing.length > 0) probes = [...probes, ...applyProbeMarks([], await this.#probe(missing)).probes]
    return buildLagSnapshot({
      inputs,
      probes,
      previous: this.#previous,
      now: at,
      ...(this.#options.maxSamples === undefined ? {} : { maxSamples: this.#options.maxSamples }),
    })
  }

  /**
   * High watermarks of every partition (one ListOffsets per leader); log starts only of partitions without a
   * commit or a group, in a second ListOffsets per leader sent at the same time. With allTopicOffsets every log start is read (exporter:
   * kafka_topic_partition_oldest_offset), so two per leader.
   */
  async #logOffsets(partitions: TopicPartition[], needStart: TopicPartition[]): Promise<PartitionOffsets[]> {
    if (partitions.length === 0) return []
    if (this.#options.allTopicOffsets)
      return this.#port.partitionOffsets(partitions, { kinds: ['earliest', 'latest'] })
    const [ends, starts] = await Promise.all([
      this.#port.partitionOffsets(partitions, { kinds: ['latest'] }),
      needStart.length === 0 ? [] : this.#port.partitionOffsets(needStart, { kinds: ['earliest'] }),
    ])
    return withLogStarts(ends, starts)
  }

  #selectGroups(listings: GroupListing[]): GroupListing[] {
    const wanted = this.#options.groups ?? []
    if (wanted.length === 0) {
      return listings.filter((l) => CONSUMER_PROTOCOL_TYPES.has(l.protocolType))
    }
    const byId = new Map(listings.map((l) => [l.groupId, l]))
    const missing = [...new Set(wanted)].filter((g) => !byId.has(g))
    if (missing.length > 0 && this.#options.strict) {
      throw new AutopilotError(
        'AP_ERR_NOT_FOUND',
        `consumer group${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`,
        {
          field: '--group',
          hint: 'list the groups with `autopilot lag` (no --group); a group exists once it has committed offsets or members',
          details: { missing },
        },
      )
    }
    return [...new Set(wanted)].flatMap((g) => {
      const l = byId.get(g)
      return l === undefined ? [] : [l]
    })
  }

  async #topics(names: string[], topicFilter: string[]): Promise<LagInputs['topics']> {
    if (names.length === 0 && !this.#options.allTopicOffsets) return []
    // Metadata of every topic (one request): asking for named topics would fail, or auto-create them, when a
    // group still holds commits on a deleted topic.
    const metadata = await this.#port.metadata()
    const byName = new Map(metadata.topics.map((t) => [t.name, t]))
    const missing = topicFilter.filter((t) => !byName.has(t) || byName.get(t)!.partitions.length === 0)
    if (missing.length > 0 && this.#options.strict) {
      throw new AutopilotError(
        'AP_ERR_NOT_FOUND',
        `topic${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`,
        {
          field: '--topic',
          details: { missing },
        },
      )
    }
    const wanted = new Set(names)
    return metadata.topics
      .filter((t) => wanted.has(t.name) || (this.#options.allTopicOffsets && !t.internal))
      .map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition).sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic))
  }

  /** A failed probe round is not fatal: every position gets the error, and lag in seconds falls back. */
  async #probe(positions: ProbePosition[]): Promise<RecordProbe[]> {
    try {
      return await this.#port.probeRecords(positions)
    } catch (err) {
      const error = describeCause(err)
      return positions.map((p) => ({ ...p, timestamp: null, firstDataOffset: null, error }))
    }
  }
}
