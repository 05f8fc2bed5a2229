// An in-memory cluster for unit tests of the executor's failure paths (Kafka unreachable mid-run, configs that
// cannot be set, reverts that do not take): partitions, ongoing reassignments with Kafka's semantics
// (`replicas` = target then original, null cancels and restores the original), dynamic configs, and a virtual
// clock whose sleeps return at once. The happy paths run against the real cluster in *.int.test.ts.
import { AutopilotError } from '../../../src/errors.ts'
import type { Clock } from '../../../src/executor/leader-election.ts'
import type { KafkaAdminPort, TopicPartition } from '../../../src/kafka/port.ts'

interface FakePartition {
  replicas: number[]
  isr: number[]
}

interface Reassignment {
  original: number[]
  target: number[]
  /** listPartitionReassignments calls left before it completes; Infinity = never. */
  pollsLeft: number
}

type Method = keyof KafkaAdminPort

export class FakeCluster {
  brokers = [1, 2, 3, 4]
  topics = new Map<string, FakePartition[]>()
  ongoing = new Map<string, Reassignment>()
  configs = new Map<string, Record<string, string>>()
  /** Polls a new reassignment takes to complete (Infinity: stuck until cancelled). */
  pollsToComplete = 2
  /** Return an error to make a call fail. */
  fault: (method: Method, args: unknown[]) => Error | undefined = () => undefined
  calls: Array<{ method: Method; args: unknown[] }> = []
  now = 0
  readonly clock: Clock = {
    now: () => this.now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return
      this.now += ms
      await Promise.resolve()
    },
  }

  constructor(topics: Record<string, number[][]>) {
    for (const [name, parts] of Object.entries(topics)) {
      this.topics.set(
        name,
        parts.map((replicas) => ({ replicas: [...replicas], isr: [...replicas] })),
      )
    }
  }

  partition(topic: string, partition: number): FakePartition | undefined {
    return this.topics.get(topic)?.[partition]
  }

  #call(method: Method, args: unknown[]): void {
    this.calls.push({ method, args })
    const error = this.fault(method, args)
    if (error) throw error
  }

  #complete(key: string, r: Reassignment): void {
    const [topic, partition] = [
      key.slice(0, key.lastIndexOf('-')),
      Number(key.slice(key.lastIndexOf('-') + 1)),
    ]
    const p = this.partition(topic, partition)!
    p.replicas = [...r.target]
    p.isr = [...r.target]
    this.ongoing.delete(key)
  }

  readonly port = {
    metadata: async (options?: { topics?: string[] }) => {
      this.#call('metadata', [options])
      const names = options?.topics ?? [...this.topics.keys()]
      for (const n of names) {
        if (!this.topics.has(n))
          throw new AutopilotError('AP_ERR_NOT_FOUND', `topic ${n}`, { field: 'topics' })
      }
      return {
        clusterId: 'fake',
        controllerId: 1,
        brokers: this.brokers.map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
        topics: names.map((name) => ({
          name,
          id: name,
          internal: false,
          partitions: this.topics.get(name)!.map((p, partition) => ({
            partition,
            leader: p.replicas[0]!,
            replicas: [...p.replicas],
            isr: [...p.isr],
            offlineReplicas: [],
          })),
        })),
      }
    },
    listPartitionReassignments: async () => {
      this.#call('listPartitionReassignments', [])
      for (const [key, r] of [...this.ongoing]) if (--r.pollsLeft <= 0) this.#complete(key, r)
      return [...this.ongoing].map(([key, r]) => ({
        topic: key.slice(0, key.lastIndexOf('-')),
        partition: Number(key.slice(key.lastIndexOf('-') + 1)),
        replicas: [...r.target, ...r.original.filter((b) => !r.target.includes(b))],
        addingReplicas: r.target.filter((b) => !r.original.includes(b)),
        removingReplicas: r.original.filter((b) => !r.target.includes(b)),
      }))
    },
    alterPartitionReassignments: async (moves: Array<TopicPartition & { replicas: number[] | null }>) => {
      this.#call('alterPartitionReassignments', [moves])
      return moves.map((m) => {
        const key = `${m.topic}-${m.partition}`
        const p = this.partition(m.topic, m.partition)
        if (!p) return { topic: m.topic, partition: m.partition, error: 'UNKNOWN_TOPIC_OR_PARTITION' }
        if (m.replicas === null) {
          const r = this.ongoing.get(key)
          if (!r) return { topic: m.topic, partition: m.partition, error: 'NO_REASSIGNMENT_IN_PROGRESS' }
          // Like Kafka 4.1: the original set comes back in the target-first order of the ongoing list.
          p.replicas = p.replicas.filter((b) => r.original.includes(b))
          p.isr = [...p.replicas]
          this.ongoing.delete(key)
        } else {
          const original = this.ongoing.get(key)?.original ?? p.replicas
          const r = { original, target: [...m.replicas], pollsLeft: this.pollsToComplete }
          this.ongoing.set(key, r)
          p.replicas = [...m.replicas, ...original.filter((b) => !m.replicas!.includes(b))]
          // Like the controller: nothing to copy (reorder, fewer replicas) completes at once.
          if (m.replicas.every((b) => p.isr.includes(b))) this.#complete(key, r)
        }
        return { topic: m.topic, partition: m.partition, error: null }
      })
    },
    describeConfigs: async (
      resources: Array<{ type: 'broker' | 'topic'; name: string; keys?: string[] }>,
    ) => {
      this.#call('describeConfigs', [resources])
      return resources.map((r) => {
        const all = this.configs.get(`${r.type} ${r.name}`) ?? {}
        const configs = Object.fromEntries(Object.entries(all).filter(([k]) => !r.keys || r.keys.includes(k)))
        return { type: r.type, name: r.name, configs }
      })
    },
    incrementalAlterConfigs: async (
      resources: Array<{
        type: 'broker' | 'topic'
        name: string
        set?: Record<string, string>
        delete?: string[]
      }>,
    ) => {
      this.#call('incrementalAlterConfigs', [resources])
      for (const r of resources) {
        const key = `${r.type} ${r.name}`
        const configs = { ...(this.configs.get(key) ?? {}), ...(r.set ?? {}) }
        for (const k of r.delete ?? []) delete configs[k]
        if (Object.keys(configs).length === 0) this.configs.delete(key)
        else this.configs.set(key, configs)
      }
    },
    describeLogDirs: async () => {
      this.#call('describeLogDirs', [])
      return []
    },
    electPreferredLeaders: async (partitions?: TopicPartition[]) => {
      this.#call('electPreferredLeaders', [partitions])
      return (partitions ?? []).map((p) => ({ ...p, error: null, outcome: 'elected' as const }))
    },
  } as unknown as KafkaAdminPort

  /** Every config key set on the cluster, as `broker 1 key=value`. */
  configLines(): string[] {
    return [...this.configs]
      .flatMap(([res, c]) => Object.entries(c).map(([k, v]) => `${res} ${k}=${v}`))
      .sort()
  }
}

export function kafkaDown(method: string): Error {
  return new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', `Kafka ${method} failed: connection refused`, {
    retryable: true,
  })
}
