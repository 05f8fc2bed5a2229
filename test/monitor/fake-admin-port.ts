// An in-memory KafkaAdminPort for unit tests of the lag monitor, the CLI and the exporter: topics are arrays
// of records (offset = index, so log start is where retention cut), groups hold commits and members.
// Only the read calls the monitor uses are implemented; every call is counted.
import type {
  ClusterMetadata,
  CommittedOffset,
  GroupDescription,
  GroupListing,
  GroupMemberDescription,
  GroupOffsets,
  GroupState,
  KafkaAdminPort,
  OffsetKind,
  PartitionOffsets,
  PartitionOffsetsOptions,
  RecordProbe,
  TopicPartition,
} from '../../src/kafka/port.ts'

export interface FakeRecord {
  timestamp: number
  control?: boolean
}

export interface FakePartition {
  logStart: number
  /** Records from offset 0; those below logStart are deleted. */
  records: FakeRecord[]
  leader: number
  /** Last stable offset; defaults to the end. */
  lso?: number
}

export interface FakeGroup {
  state: GroupState
  protocolType: string
  type: string
  members: GroupMemberDescription[]
  commits: Record<string, number>
  error?: string
}

export class FakeAdminPort implements KafkaAdminPort {
  readonly topics = new Map<string, FakePartition[]>()
  readonly groups = new Map<string, FakeGroup>()
  readonly calls: Record<string, number> = {}
  /** The offset kinds of each partitionOffsets call, with the partitions asked (`topic/partition`). */
  readonly offsetReads: Array<{ kinds: OffsetKind[]; partitions: string[] }> = []
  /** The positions of each probeRecords call (`topic/partition@offset`). */
  readonly probeReads: string[][] = []
  failProbes: string | null = null
  failEverything: Error | null = null

  addTopic(name: string, partitions: number, leader = 1): void {
    this.topics.set(
      name,
      Array.from({ length: partitions }, () => ({ logStart: 0, records: [], leader })),
    )
  }

  /** Appends `count` data records with timestamps start, start+stepMs, … */
  produce(topic: string, partition: number, count: number, start: number, stepMs = 0): void {
    const p = this.#partition(topic, partition)
    for (let i = 0; i < count; i++) p.records.push({ timestamp: start + i * stepMs })
  }

  marker(topic: string, partition: number, timestamp: number): void {
    this.#partition(topic, partition).records.push({ timestamp, control: true })
  }

  addGroup(groupId: string, commits: Record<string, number>, extra: Partial<FakeGroup> = {}): void {
    this.groups.set(groupId, {
      state: 'Empty',
      protocolType: 'consumer',
      type: 'classic',
      members: [],
      commits,
      ...extra,
    })
  }

  commit(groupId: string, topic: string, partition: number, offset: number): void {
    this.groups.get(groupId)!.commits[`${topic}/${partition}`] = offset
  }

  end(topic: string, partition: number): number {
    return this.#partition(topic, partition).records.length
  }

  #count(api: string): void {
    if (this.failEverything) throw this.failEverything
    this.calls[api] = (this.calls[api] ?? 0) + 1
  }

  #partition(topic: string, partition: number): FakePartition {
    const p = this.topics.get(topic)?.[partition]
    if (!p) throw new Error(`fake: no ${topic}/${partition}`)
    return p
  }

  async metadata(): Promise<ClusterMetadata> {
    this.#count('metadata')
    return {
      clusterId: 'fake',
      controllerId: 1,
      brokers: [{ id: 1, host: '127.0.0.1', port: 9092, rack: null }],
      topics: [...this.topics.entries()].map(([name, parts]) => ({
        name,
        id: name,
        internal: name.startsWith('__'),
        partitions: parts.map((p, partition) => ({
          partition,
          leader: p.leader,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
        })),
      })),
    }
  }

  async listGroups(): Promise<GroupListing[]> {
    this.#count('listGroups')
    return [...this.groups.entries()].map(([groupId, g]) => ({
      groupId,
      state: g.state,
      type: g.type,
      protocolType: g.protocolType,
    }))
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    this.#count('describeGroups')
    return groupIds.map((groupId) => {
      const g = this.groups.get(groupId)
      return {
        groupId,
        state: g?.state ?? 'Dead',
        protocolType: g?.protocolType ?? '',
        members: g?.members ?? [],
        coordinator: 1,
      }
    })
  }

  async committedOffsets(groups: Array<{ groupId: string; topics?: string[] }>): Promise<GroupOffsets[]> {
    this.#count('committedOffsets')
    return groups.map(({ groupId, topics }) => {
      const g = this.groups.get(groupId)
      if (g?.error) return { groupId, error: g.error, offsets: [] }
      const offsets: CommittedOffset[] = Object.entries(g?.commits ?? {})
        .map(([k, offset]) => {
          const [topic, partition] = k.split('/') as [string, string]
          return { topic, partition: Number(partition), offset, leaderEpoch: -1, metadata: null }
        })
        .filter((c) => !topics || topics.includes(c.topic))
      return { groupId, error: null, offsets }
    })
  }

  async partitionOffsets(
    partitions: TopicPartition[],
    options?: PartitionOffsetsOptions,
  ): Promise<PartitionOffsets[]> {
    this.#count('partitionOffsets')
    const kinds = [...(options?.kinds ?? ['earliest', 'latest', 'stable'])]
    this.offsetReads.push({ kinds, partitions: partitions.map((p) => `${p.topic}/${p.partition}`) })
    const asked = (kind: OffsetKind, value: number) => (kinds.includes(kind) ? value : -1)
    return partitions.map(({ topic, partition }) => {
      const p = this.topics.get(topic)?.[partition]
      if (!p || p.leader < 0) {
        return {
          topic,
          partition,
          logStartOffset: -1,
          logEndOffset: -1,
          lastStableOffset: -1,
          error: 'LEADER_NOT_AVAILABLE',
        }
      }
      const end = p.records.length
      return {
        topic,
        partition,
        logStartOffset: asked('earliest', p.logStart),
        logEndOffset: asked('latest', end),
        lastStableOffset: asked('stable', p.lso ?? end),
        error: null,
      }
    })
  }

  /** Like the real port: the first data record at or after the offset, and the partition's marks. */
  async probeRecords(positions: Array<TopicPartition & { offset: number }>): Promise<RecordProbe[]> {
    this.#count('probeRecords')
    this.probeReads.push(positions.map((p) => `${p.topic}/${p.partition}@${p.offset}`))
    return positions.map((pos) => {
      if (this.failProbes) return { ...pos, timestamp: null, firstDataOffset: null, error: this.failProbes }
      const p = this.#partition(pos.topic, pos.partition)
      const end = p.records.length
      const marks = { highWatermark: end, lastStableOffset: p.lso ?? end, logStartOffset: p.logStart }
      for (let o = Math.max(pos.offset, p.logStart); o < end; o++) {
        const r = p.records[o]!
        if (!r.control) return { ...pos, ...marks, timestamp: r.timestamp, firstDataOffset: o, error: null }
      }
      return { ...pos, ...marks, timestamp: null, firstDataOffset: null, error: null }
    })
  }

  requestCounts() {
    return { ...this.calls }
  }

  async close(): Promise<void> {
    this.calls.close = (this.calls.close ?? 0) + 1
  }

  // Not used by the lag monitor.
  createTopic = notUsed
  deleteTopics = notUsed
  createPartitions = notUsed
  alterGroupOffsets = notUsed
  deleteGroups = notUsed
  describeConfigs = notUsed
  incrementalAlterConfigs = notUsed
  alterPartitionReassignments = notUsed
  listPartitionReassignments = notUsed
  describeLogDirs = notUsed
  alterReplicaLogDirs = notUsed
  electPreferredLeaders = notUsed
  unregisterBroker = notUsed
}

async function notUsed(): Promise<never> {
  throw new Error('not used by the lag monitor')
}
