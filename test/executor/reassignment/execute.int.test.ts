// executePlan on the real 3-node cluster: throttled batches that complete, a cancel in the middle, a plan Kafka
// rejects half-way, and plans refused before any change. Moves are made slow with a 1 KiB/s throttle and
// partitions above the 1 MiB a follower fetches in one go (replica.fetch.max.bytes): after that first fetch the
// quota is exceeded and the copy pauses for the quota window (~11 s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { ReassignmentEvent } from '../../../src/executor/reassignment/events.ts'
import { executePlan } from '../../../src/executor/reassignment/index.ts'
import { createAdminPort, type KafkaAdminPort } from '../../../src/kafka/index.ts'
import { bootstrapServers, eventually, unique } from '../../kafka/support.ts'
import { cleanUp, replicasOf, rotatePlan, throttlesSet, topicWithData } from './support.ts'

let admin: KafkaAdminPort
const topics: string[] = []

function newTopic(prefix: string): string {
  const name = unique(prefix)
  topics.push(name)
  return name
}

beforeAll(() => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers() })
})

afterAll(async () => {
  await cleanUp(admin, topics)
  await admin.close()
})

function kinds(events: ReassignmentEvent[]): string[] {
  return events.map((e) => e.kind)
}

describe('executePlan', () => {
  it('moves 6 partitions in batches of at most 2 per broker, throttled, then clears the throttles', async () => {
    const topic = newTopic('ra-exec')
    await topicWithData(admin, topic, [32, 32, 32, 32, 32, 32])
    const plan = await rotatePlan(admin, topic)
    const events: ReassignmentEvent[] = []
    const duringMoves: string[][] = []
    const execution = await executePlan(admin, plan, {
      throttleBytesPerSec: 64 * 1024,
      maxMovesPerBroker: 2,
      pollIntervalMs: 250,
      timeoutMs: 90_000,
      journal: async (event) => {
        events.push(event)
        // Awaited by the executor: the moves of this batch are in flight while this reads the configs.
        if (event.kind === 'started') duringMoves.push(await throttlesSet(admin, [topic]))
      },
    })
    const result = await execution.done
    expect(result).toMatchObject({ state: 'completed', error: null, throttles: { set: true, cleared: true } })

    // Throttles: every involved broker and the topic, while moving.
    const first = duringMoves[0]!
    for (const b of [1, 2, 3]) {
      expect(first).toContain(`broker ${b} leader.replication.throttled.rate=65536`)
      expect(first).toContain(`broker ${b} follower.replication.throttled.rate=65536`)
    }
    const leaderList = plan.partitions.flatMap((p) => {
      const from = events
        .find((e) => e.kind === 'planned')!
        .moves.find((m) => m.partition === p.partition)!.from
      return [...from].sort((a, b) => a - b).map((b) => `${p.partition}:${b}`)
    })
    expect(first).toContain(`topic ${topic} leader.replication.throttled.replicas=${leaderList.join(',')}`)
    expect(first).toContain(
      `topic ${topic} follower.replication.throttled.replicas=${plan.partitions.map((p) => `${p.partition}:${p.replicas[0]}`).join(',')}`,
    )
    // ... and none after.
    expect(
      await eventually(
        () => throttlesSet(admin, [topic]),
        (t) => t.length === 0,
        10_000,
      ),
    ).toEqual([])

    // Batching: rebuild what was in flight from the journal; never more than 2 moves on one broker.
    const inFlight = new Map<number, number[]>()
    let peak = 0
    for (const e of events) {
      if (e.kind === 'started') {
        for (const m of e.moves) {
          const changed = [
            ...m.to.filter((b) => !m.from.includes(b)),
            ...m.from.filter((b) => !m.to.includes(b)),
          ]
          inFlight.set(m.partition, changed)
        }
      }
      if (e.kind === 'progress') for (const d of e.done) inFlight.delete(d.partition)
      const load = new Map<number, number>()
      for (const brokers of inFlight.values()) for (const b of brokers) load.set(b, (load.get(b) ?? 0) + 1)
      peak = Math.max(peak, ...load.values())
    }
    expect(peak).toBeLessThanOrEqual(2)
    expect(events.filter((e) => e.kind === 'started').length).toBeGreaterThan(1)
    expect(kinds(events)[0]).toBe('planned')
    expect(kinds(events)[1]).toBe('throttles-set')
    expect(kinds(events).slice(-2)).toEqual(['throttles-cleared', 'verified'])

    // The cluster: every partition at its target, in sync, led by its new preferred leader.
    const md = await eventually(
      () => admin.metadata({ topics: [topic] }),
      (m) => m.topics[0]!.partitions.every((p) => p.leader === p.replicas[0]),
      10_000,
    )
    expect(md.topics[0]!.partitions.map((p) => p.replicas)).toEqual(plan.partitions.map((p) => p.replicas))
    for (const p of md.topics[0]!.partitions) {
      expect([...p.isr].sort()).toEqual([...p.replicas].sort())
      expect(p.leader).toBe(p.replicas[0])
    }
    expect(result.progress.counts).toMatchObject({ total: 6, done: 6, pending: 0, inFlight: 0 })
    expect(result.progress.bytes!.copied).toBe(result.progress.bytes!.total)
    expect(result.progress.bytes!.total).toBeGreaterThan(6 * 32 * 1024)
  })

  it('cancel in the middle: the finished move stays, the one in flight is reverted, the rest never start', async () => {
    const topic = newTopic('ra-cancel')
    // Partition 1 is above one follower fetch (1 MiB), so at 1 KiB/s it stalls in flight.
    await topicWithData(admin, topic, [16, 1500, 16])
    // [a, b] → [c, b]: Kafka's cancel alone would bring partition 1 back as [b, a] (another preferred leader).
    const plan = await rotatePlan(admin, topic, { replaceLeader: true })
    const before = await replicasOf(admin, topic)
    const events: ReassignmentEvent[] = []
    const execution = await executePlan(admin, plan, {
      throttleBytesPerSec: 1024,
      maxMovesPerBroker: 1, // with 3 brokers, one move at a time
      pollIntervalMs: 200,
      timeoutMs: 60_000,
      journal: (event) => {
        events.push(event)
      },
    })
    let seen = null
    for await (const s of execution.updates()) {
      if (s.moves[1]!.state === 'in-flight') {
        seen = s
        break
      }
    }
    expect(seen!.moves.map((m) => m.state)).toEqual(['done', 'in-flight', 'pending'])
    // Throttled and in flight right now.
    expect(
      (await admin.listPartitionReassignments()).filter((r) => r.topic === topic).map((r) => r.partition),
    ).toEqual([1])

    const result = await execution.cancel()
    expect(result).toMatchObject({
      state: 'cancelled',
      cancelReason: 'requested',
      outcome: 'partly-moved',
      error: null,
    })
    expect(result.progress.moves.map((m) => m.state)).toEqual(['done', 'reverted', 'skipped'])
    const cancelled = events.find((e) => e.kind === 'cancelled')
    expect(cancelled).toMatchObject({
      reverted: [{ topic, partition: 1 }],
      completed: [{ topic, partition: 0 }],
      notStarted: [{ topic, partition: 2 }],
    })
    expect(kinds(events).slice(-2)).toEqual(['throttles-cleared', 'cancelled'])

    const after = await replicasOf(admin, topic)
    expect(after[0]).toEqual(plan.partitions[0]!.replicas)
    expect(after[1]).toEqual(before[1]) // same brokers, same order
    expect(result.warnings).toEqual([])
    expect(after[2]).toEqual(before[2])
    expect((await admin.listPartitionReassignments()).filter((r) => r.topic === topic)).toEqual([])
    expect(
      await eventually(
        () => throttlesSet(admin, [topic]),
        (t) => t.length === 0,
        10_000,
      ),
    ).toEqual([])
  })

  it('Kafka rejects a move half-way (its topic was deleted): the accepted move is reverted, no throttle left', async () => {
    const kept = newTopic('ra-fail')
    const doomed = newTopic('ra-doomed')
    await topicWithData(admin, kept, [1200])
    await topicWithData(admin, doomed, [8])
    const plan = {
      version: 1 as const,
      partitions: [
        ...(await rotatePlan(admin, kept, { replaceLeader: true })).partitions,
        ...(await rotatePlan(admin, doomed)).partitions,
      ],
    }
    const before = await replicasOf(admin, kept)
    const events: ReassignmentEvent[] = []
    const execution = await executePlan(admin, plan, {
      throttleBytesPerSec: 1024,
      pollIntervalMs: 200,
      timeoutMs: 60_000,
      journal: async (event) => {
        events.push(event)
        // Between preflight and submission: the controller will answer UNKNOWN_TOPIC_OR_PARTITION for it.
        if (event.kind === 'throttles-set') await admin.deleteTopics([doomed])
      },
    })
    const result = await execution.done
    expect(result).toMatchObject({
      state: 'failed',
      outcome: 'unchanged',
      error: { step: 'submit', code: 'AP_ERR_KAFKA' },
      throttles: { set: true, cleared: true },
    })
    expect(result.error!.message).toMatch(/UNKNOWN_TOPIC_OR_PARTITION/)
    expect(result.progress.moves.map((m) => m.state)).toEqual(['reverted', 'rejected'])
    const failed = events.find((e) => e.kind === 'failed')
    expect(failed).toMatchObject({
      outcome: 'unchanged',
      rejected: [{ topic: doomed, partition: 0 }],
      reverted: [{ topic: kept, partition: 0 }],
    })
    expect((await replicasOf(admin, kept))[0]).toEqual(before[0])
    expect((await admin.listPartitionReassignments()).filter((r) => r.topic === kept)).toEqual([])
    expect(
      await eventually(
        () => throttlesSet(admin, [kept]),
        (t) => t.length === 0,
        10_000,
      ),
    ).toEqual([])
  })

  it.each([
    {
      name: 'a broker that does not exist',
      plan: (topic: string) => ({ version: 1, partitions: [{ topic, partition: 0, replicas: [1, 99] }] }),
      code: 'AP_ERR_UNSAFE',
      field: 'partitions[0].replicas[1]',
    },
    {
      name: 'a partition that does not exist',
      plan: (topic: string) => ({ version: 1, partitions: [{ topic, partition: 7, replicas: [1, 2] }] }),
      code: 'AP_ERR_NOT_FOUND',
      field: 'partitions[0].partition',
    },
    {
      name: 'a malformed plan',
      plan: (topic: string) => ({ version: 1, partitions: [{ topic, partition: 0, replicas: [1, 1] }] }),
      code: 'AP_ERR_INPUT',
      field: 'partitions[0].replicas[1]',
    },
  ])('refuses $name before changing anything', async ({ plan, code, field }) => {
    const topic = newTopic('ra-refuse')
    await admin.createTopic({ topic, partitions: 1, replicationFactor: 2 })
    const events: ReassignmentEvent[] = []
    const error = await executePlan(admin, plan(topic), { journal: (e) => void events.push(e) }).catch(
      (e) => e,
    )
    expect(AutopilotError.is(error) && [error.code, error.field]).toEqual([code, field])
    expect(events).toEqual([])
    expect(await throttlesSet(admin, [topic])).toEqual([])
    expect((await admin.listPartitionReassignments()).filter((r) => r.topic === topic)).toEqual([])
  })

  it('refuses to start over throttles already set on the plan’s topic (a crashed run or a manual throttle)', async () => {
    const topic = newTopic('ra-existing')
    await admin.createTopic({ topic, partitions: 1, replicationFactor: 2 })
    await admin.incrementalAlterConfigs([
      { type: 'topic', name: topic, set: { 'leader.replication.throttled.replicas': '*' } },
    ])
    await eventually(
      () => throttlesSet(admin, [topic]),
      (t) => t.length === 1,
      10_000,
    )
    const plan = await rotatePlan(admin, topic)
    const error = await executePlan(admin, plan, { throttleBytesPerSec: 1024 }).catch((e) => e)
    expect(AutopilotError.is(error) && [error.code, error.field]).toEqual([
      'AP_ERR_CONFLICT',
      'existingThrottles',
    ])
    expect(error.message).toContain(`topic ${topic}`)
    expect((await admin.listPartitionReassignments()).filter((r) => r.topic === topic)).toEqual([])
  })
})
