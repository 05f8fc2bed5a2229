// `autopilot plan scale-out --apply-kafka` on the shared 3-broker cluster: a topic with 3 partitions (RF 2) grows
// to 6, its replicas end balanced over the brokers, no throttle is left, and the journal has every step.
// --only-topic keeps the run on this test's topic (the cluster is shared with other tests).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { BROKER_THROTTLE_KEYS, TOPIC_THROTTLE_KEYS } from '../../src/executor/reassignment/index.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { createAdminPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { pollUntil } from '../../src/kafka/wait.ts'
import { runCli } from '../helpers/run-cli.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const topic = `plan-apply-${Date.now().toString(36)}`

let admin: KafkaAdminPort
let dir: string

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  await admin.createTopic({ topic, partitions: 3, replicationFactor: 2 })
  // Every replica on two brokers, so the rebalance has replicas to move onto the third one.
  const brokers = (await admin.metadata()).brokers.map((b) => b.id).sort((x, y) => x - y)
  const pair = brokers.slice(0, 2)
  const errors = await admin.alterPartitionReassignments(
    [0, 1, 2].map((partition) => ({
      topic,
      partition,
      replicas: partition % 2 ? [...pair].reverse() : pair,
    })),
  )
  expect(errors.filter((e) => e.error !== null)).toEqual([])
  const moved = await pollUntil(async () => {
    if ((await admin.listPartitionReassignments()).some((r) => r.topic === topic)) return false
    const parts = (await admin.metadata({ topics: [topic] })).topics[0]?.partitions ?? []
    return parts.every((p) => p.replicas.every((b) => pair.includes(b)) && p.isr.length === 2)
  }, 30_000)
  expect(moved).toBe(true)
  dir = await mkdtemp(join(tmpdir(), 'plan-apply-'))
  await writeFile(
    join(dir, 'values.yaml'),
    `kafka:\n  replicaCount: 3\ntopics:\n  - name: ${topic}\n    partitions: 3\n    keyed: false\n`,
  )
})

afterAll(async () => {
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function args(extra: string[]): string[] {
  return [
    'plan',
    'scale-out',
    '--values',
    join(dir, 'values.yaml'),
    '--nodes',
    '3',
    '--add',
    '1',
    '--volume-growth',
    '2',
    '--apply-kafka',
    '--bootstrap-server',
    kafka.bootstrapServers,
    '--only-topic',
    topic,
    '--journal',
    join(dir, 'journal.db'),
    ...extra,
  ]
}

describe('plan scale-out --apply-kafka', () => {
  it('without --bootstrap-server is a usage error naming the flag', async () => {
    const r = await runCli([
      'plan',
      'scale-out',
      '--values',
      join(dir, 'values.yaml'),
      '--nodes',
      '3',
      '--add',
      '1',
      '--apply-kafka',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--bootstrap-server')
  })

  it('--dry-run prints the steps and changes nothing', async () => {
    const r = await runCli(args(['--dry-run', '--journal', join(dir, 'dry.db')]))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`would increase topic ${topic}: 3 → 6 partitions`)
    const meta = await admin.metadata({ topics: [topic] })
    expect(meta.topics.find((t) => t.name === topic)?.partitions).toHaveLength(3)
  })

  it('grows the topic to 6 partitions, balances its replicas, clears throttles and journals the steps', async () => {
    const r = await runCli(args(['--throttle', '50000000']))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`partitions: ${topic} 3 → 6 (+3)`)
    expect(r.stdout).toContain('outcome: completed')

    const meta = await admin.metadata({ topics: [topic] })
    const partitions = meta.topics.find((t) => t.name === topic)!.partitions
    expect(partitions).toHaveLength(6)
    const perBroker = new Map(meta.brokers.map((b) => [b.id, 0]))
    for (const p of partitions) for (const b of p.replicas) perBroker.set(b, (perBroker.get(b) ?? 0) + 1)
    const mean = (6 * 2) / meta.brokers.length
    for (const [, count] of perBroker) expect(Math.abs(count - mean)).toBeLessThanOrEqual(1)

    const configs = await admin.describeConfigs([
      ...meta.brokers.map((b) => ({
        type: 'broker' as const,
        name: String(b.id),
        keys: [...BROKER_THROTTLE_KEYS],
      })),
      { type: 'topic' as const, name: topic, keys: [...TOPIC_THROTTLE_KEYS] },
    ])
    for (const res of configs) {
      for (const value of Object.values(res.configs)) expect(value ?? '').toBe('')
    }

    const journal = new SqliteJournal({ path: join(dir, 'journal.db'), readOnly: true })
    try {
      const reasons = journal.list({ scaler: 'plan-scale-out', limit: 1000 }).map((e) => e.reason)
      expect(reasons).toContain('partitions-increased')
      expect(reasons).toContain('rebalance-planned')
      expect(reasons).toEqual(
        expect.arrayContaining([
          'reassignment-planned',
          'reassignment-throttles-set',
          'reassignment-started',
          'reassignment-verified',
          'reassignment-throttles-cleared',
        ]),
      )
    } finally {
      journal.close()
    }
  }, 120_000)
})
