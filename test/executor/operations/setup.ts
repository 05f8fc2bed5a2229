// The broker operations' test bench: an in-memory cluster (the executor's FakeCluster), a fake backend on it,
// a context with short waits and a journal, and counts read off the cluster. Shared by the operation tests.
import type { BrokerOpsContext } from '../../../src/executor/operations/index.ts'
import type { JournalEntryInput } from '../../../src/journal/journal.ts'
import { FakeCluster } from '../reassignment/fake-cluster.ts'
import { FakeBackend } from './fake-backend.ts'

export function setup(
  topics: Record<string, number[][]>,
  brokers: number[],
  options: { movesData?: boolean } = {},
) {
  const cluster = new FakeCluster(topics)
  cluster.brokers = brokers
  const backend = new FakeBackend(cluster)
  if (options.movesData) backend.movesData = true
  const journal: JournalEntryInput[] = []
  const ctx: BrokerOpsContext = {
    cluster: 'test',
    admin: cluster.port,
    backend,
    reassignment: { pollIntervalMs: 10 },
    waits: { pollMs: 5, brokerJoinMs: 1_000, fenceMs: 200, verifyMs: 1_000 },
    journal: (e) => journal.push(e),
  }
  /** Whether a built-in move was sent (a backend that moves data sends none). */
  const reassigned = () => cluster.calls.some((c) => c.method === 'alterPartitionReassignments')
  return { cluster, backend, journal, ctx, reassigned, reasons: () => journal.map((e) => e.reason) }
}

/** Replicas a broker holds. */
export const holding = (cluster: FakeCluster, id: number) =>
  [...cluster.topics.values()].flat().filter((p) => p.replicas.includes(id)).length

/** Under-replicated partitions. */
export const urp = (cluster: FakeCluster) =>
  [...cluster.topics.values()].flat().filter((p) => p.isr.length < p.replicas.length).length
