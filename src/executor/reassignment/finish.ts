// The last steps of a run: a preferred leader election for the completed moves (the first target replica leads
// again; best effort, auto.leader.rebalance.enable would get there later anyway) and the final verification
// of the completed moves against fresh metadata.
import type { KafkaAdminPort, TopicPartition } from '../../kafka/port.ts'
import type { Tracked } from './progress.ts'
import type { ElectionSummary, ReassignmentPlan } from './types.ts'
import { verify } from './verify.ts'

export async function electLeaders(
  port: KafkaAdminPort,
  partitions: TopicPartition[],
): Promise<ElectionSummary> {
  const summary: ElectionSummary = { elected: [], notNeeded: [], failed: [] }
  let results: Awaited<ReturnType<KafkaAdminPort['electPreferredLeaders']>>
  try {
    results = await port.electPreferredLeaders(partitions)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    summary.failed = partitions.map((p) => ({ ...p, error: message }))
    return summary
  }
  for (const r of results) {
    const p = { topic: r.topic, partition: r.partition }
    if (r.outcome === 'elected') summary.elected.push(p)
    else if (r.outcome === 'not-needed' || (r.error === null && r.outcome === undefined))
      summary.notNeeded.push(p)
    else summary.failed.push({ ...p, error: r.error ?? 'election failed' })
  }
  return summary
}

/** verify() over the completed moves; a warning when one of them no longer reads as done. */
export async function finalVerification(
  port: KafkaAdminPort,
  tracked: readonly Tracked[],
): Promise<{ partitions: TopicPartition[]; warning: string | null }> {
  const done = tracked.filter((t) => t.state === 'done')
  if (done.length === 0) return { partitions: [], warning: null }
  const plan: ReassignmentPlan = {
    version: 1,
    partitions: done.map((t) => ({ topic: t.move.topic, partition: t.move.partition, replicas: t.move.to })),
  }
  try {
    const metadata = await port.metadata({ topics: [...new Set(plan.partitions.map((p) => p.topic))] })
    const result = verify(plan, metadata)
    const ok = result.partitions.filter((p) => p.state === 'done')
    const bad = result.partitions.filter((p) => p.state !== 'done')
    return {
      partitions: ok.map((p) => ({ topic: p.topic, partition: p.partition })),
      warning:
        bad.length === 0
          ? null
          : `not verified after the run: ${bad.map((p) => `${p.topic}-${p.partition} (${p.state})`).join(', ')}`,
    }
  } catch (error) {
    return {
      partitions: [],
      warning: `final verification could not read metadata: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
}
