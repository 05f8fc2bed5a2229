// `autopilot lag --json` against Kafka's own `kafka-consumer-groups --describe`, on groups built with known
// positions, including every edge case the lag semantics fix. Where we differ from Kafka's tool on purpose,
// the row says how, and both sides are checked.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { GroupLag, PartitionLag } from '../../src/analyzer/lag/types.ts'
import { createAdminPort, createConsumerPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort, KafkaConsumerPort, KafkaProducerPort } from '../../src/kafka/port.ts'
import { pollUntil } from '../../src/kafka/wait.ts'
import {
  type DescribeRow,
  deleteRecordsBefore,
  describeGroups,
  describeStates,
} from '../helpers/consumer-groups-tool.ts'
import { runCli } from '../helpers/run-cli.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const s = `lagcli-${Date.now().toString(36)}`
const plain = `${s}-plain`
const retained = `${s}-retained`
const tx = `${s}-tx`
const g = {
  normal: `${s}-normal`,
  partial: `${s}-partial`,
  ahead: `${s}-ahead`,
  behind: `${s}-behind`,
  txDone: `${s}-txdone`,
  txMid: `${s}-txmid`,
  live: `${s}-live`,
  live848: `${s}-live848`,
}
const offsetGroups = [g.normal, g.partial, g.ahead, g.behind, g.txDone, g.txMid]

let admin: KafkaAdminPort
let producer: KafkaProducerPort
let txProducer: KafkaProducerPort
const consumers: KafkaConsumerPort[] = []
let ours: { groups: GroupLag[] }
let theirs: DescribeRow[]
let states: Map<string, { state: string; members: number }>
let setupDone = 0

const records = (topic: string, partition: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, partition, value: `v${i}` }))

async function startConsumer(groupId: string, groupProtocol: 'classic' | 'consumer'): Promise<() => number> {
  let handled = 0
  const consumer = createConsumerPort({
    bootstrapServers,
    groupId,
    topics: [plain],
    fromBeginning: true,
    groupProtocol,
  })
  consumers.push(consumer)
  await consumer.start(() => {
    handled++
  })
  return () => handled
}

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  producer = createProducerPort({ bootstrapServers })
  txProducer = createProducerPort({ bootstrapServers, transactionalId: `${s}-txid` })
  await admin.createTopic({ topic: plain, partitions: 3, replicationFactor: 1 })
  await admin.createTopic({ topic: retained, partitions: 1, replicationFactor: 1 })
  await admin.createTopic({ topic: tx, partitions: 1, replicationFactor: 1 })
  await producer.send([...records(plain, 0, 100), ...records(plain, 1, 100), ...records(plain, 2, 100)])
  await producer.send(records(retained, 0, 100))
  // 5 data records (offsets 0-4) and the commit marker (offset 5): high watermark 6
  await txProducer.sendTransaction(records(tx, 0, 5), 'commit')

  await admin.alterGroupOffsets(g.normal, [
    { topic: plain, partition: 0, offset: 40 },
    { topic: plain, partition: 1, offset: 100 },
    { topic: plain, partition: 2, offset: 0 },
  ])
  await admin.alterGroupOffsets(g.partial, [{ topic: plain, partition: 0, offset: 10 }])
  await admin.alterGroupOffsets(g.ahead, [{ topic: plain, partition: 0, offset: 500 }])
  await admin.alterGroupOffsets(g.behind, [{ topic: retained, partition: 0, offset: 10 }])
  await admin.alterGroupOffsets(g.txDone, [{ topic: tx, partition: 0, offset: 5 }])
  await admin.alterGroupOffsets(g.txMid, [{ topic: tx, partition: 0, offset: 2 }])
  // retention-like deletion: the log start moves to 50, past the group's commit at 10
  await deleteRecordsBefore(
    kafka,
    [{ topic: retained, partition: 0, offset: 50 }],
    join(kafka.dir, `${s}-delete.json`),
  )

  // active groups: one classic, one KIP-848; consume everything so the position is settled
  const classic = await startConsumer(g.live, 'classic')
  const kip848 = await startConsumer(g.live848, 'consumer')
  expect(await pollUntil(async () => classic() === 300 && kip848() === 300, 30_000)).toBe(true)

  setupDone = Date.now()
  const all = [...offsetGroups, g.live, g.live848]
  const res = await runCli([
    'lag',
    '--bootstrap-server',
    kafka.bootstrapServers,
    '--json',
    ...all.flatMap((x) => ['--group', x]),
  ])
  expect(res.stderr).toBe('')
  expect(res.code).toBe(0)
  ours = JSON.parse(res.stdout)
  theirs = await describeGroups(kafka, offsetGroups)
  states = await describeStates(kafka, all)
})

afterAll(async () => {
  for (const c of consumers) await c.close().catch(() => {})
  await producer?.close()
  await txProducer?.close()
  await admin?.deleteGroups([...offsetGroups, g.live, g.live848]).catch(() => {})
  await admin?.deleteTopics([plain, retained, tx]).catch(() => {})
  await admin?.close()
})

function oursFor(group: string, topic: string, partition: number): PartitionLag {
  const p = ours.groups
    .find((x) => x.group === group)
    ?.topics.find((t) => t.topic === topic)
    ?.partitions.find((x) => x.partition === partition)
  if (!p) throw new Error(`no row for ${group} ${topic}/${partition} in autopilot lag --json`)
  return p
}

function theirsFor(group: string, topic: string, partition: number): DescribeRow {
  const row = theirs.find((r) => r.group === group && r.topic === topic && r.partition === partition)
  if (!row) throw new Error(`no row for ${group} ${topic}/${partition} in kafka-consumer-groups --describe`)
  return row
}

describe('autopilot lag --json against kafka-consumer-groups --describe', () => {
  const rows: Array<{
    name: string
    group: string
    topic: string
    partition: number
    /** Our lag given Kafka's row; Kafka's LAG is always logEnd − current where both are known. */
    lag: (k: DescribeRow, p: PartitionLag) => number
    kafkaLag: number
    flags: string[]
  }> = [
    {
      name: 'normal, behind',
      group: g.normal,
      topic: plain,
      partition: 0,
      lag: (k) => k.lag!,
      kafkaLag: 60,
      flags: [],
    },
    {
      name: 'normal, caught up',
      group: g.normal,
      topic: plain,
      partition: 1,
      lag: (k) => k.lag!,
      kafkaLag: 0,
      flags: [],
    },
    {
      name: 'normal, at 0',
      group: g.normal,
      topic: plain,
      partition: 2,
      lag: (k) => k.lag!,
      kafkaLag: 100,
      flags: [],
    },
    {
      name: 'committed below log start: clamped to the log start (Kafka counts deleted records)',
      group: g.behind,
      topic: retained,
      partition: 0,
      lag: (k, p) => k.logEndOffset! - p.logStartOffset!,
      kafkaLag: 90,
      flags: ['below-log-start'],
    },
    {
      name: 'committed above log end: 0 and flagged (Kafka reports negative lag)',
      group: g.ahead,
      topic: plain,
      partition: 0,
      lag: () => 0,
      kafkaLag: -400,
      flags: ['above-log-end'],
    },
    {
      name: 'only the transaction marker left: 0 (Kafka reports 1)',
      group: g.txDone,
      topic: tx,
      partition: 0,
      lag: () => 0,
      kafkaLag: 1,
      flags: ['markers-only'],
    },
    {
      name: 'inside a committed transaction: data and marker offsets left, like Kafka',
      group: g.txMid,
      topic: tx,
      partition: 0,
      lag: (k) => k.lag!,
      kafkaLag: 4,
      flags: [],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const k = theirsFor(row.group, row.topic, row.partition)
      const p = oursFor(row.group, row.topic, row.partition)
      expect(k.lag).toBe(row.kafkaLag)
      expect({ committed: p.committedOffset, end: p.logEndOffset, lag: p.lag, flags: p.flags }).toEqual({
        committed: k.currentOffset,
        end: k.logEndOffset,
        lag: row.lag(k, p),
        flags: row.flags,
      })
    })
  }

  it('every partition Kafka reports for the offset-only groups is in ours', () => {
    expect(theirs.length).toBeGreaterThanOrEqual(7)
    for (const k of theirs) expect(() => oursFor(k.group, k.topic, k.partition)).not.toThrow()
  })

  it('below log start: the records lost to retention are reported', () => {
    const p = oursFor(g.behind, retained, 0)
    expect([p.logStartOffset, p.recordsLost, p.lag]).toEqual([50, 40, 50])
  })

  it('partitions without a commit are shown (Kafka hides them), lag by policy: latest → 0', () => {
    expect(theirs.filter((k) => k.group === g.partial).map((k) => k.partition)).toEqual([0])
    for (const partition of [1, 2]) {
      const p = oursFor(g.partial, plain, partition)
      expect([p.committedOffset, p.lag, p.lagSeconds, p.flags]).toEqual([null, 0, 0, ['no-commit']])
    }
  })

  it('states and member counts match, for groups with and without members (classic and KIP-848)', () => {
    for (const group of [...offsetGroups, g.live, g.live848]) {
      const o = ours.groups.find((x) => x.group === group)!
      expect([group, o.state, o.members]).toEqual([
        group,
        states.get(group)?.state,
        states.get(group)?.members,
      ])
    }
    expect(ours.groups.find((x) => x.group === g.normal)!.state).toBe('Empty')
    expect(ours.groups.find((x) => x.group === g.live)!.members).toBe(1)
    expect(ours.groups.find((x) => x.group === g.live848)!.members).toBe(1)
  })

  it('an active group shows its member on each assigned partition', () => {
    for (const group of [g.live, g.live848]) {
      const parts = ours.groups.find((x) => x.group === group)!.topics[0]!.partitions
      expect(
        parts.map((p) => p.member?.memberId).every((id) => typeof id === 'string' && id.length > 0),
      ).toBe(true)
    }
  })

  it('totals and seconds: sums per topic and group; seconds behind only where records are left', () => {
    const normal = ours.groups.find((x) => x.group === g.normal)!
    expect([normal.totalLag, normal.topics[0]!.lag]).toEqual([160, 160])
    const p0 = oursFor(g.normal, plain, 0)
    expect(p0.lagSecondsSource).toBe('probe')
    expect(p0.lagSeconds).toBeGreaterThan(0)
    expect(p0.lagSeconds!).toBeLessThan((Date.now() - setupDone) / 1000 + 120)
    expect(oursFor(g.normal, plain, 1).lagSeconds).toBe(0)
    expect(normal.maxLagSeconds).toBe(Math.max(p0.lagSeconds!, oursFor(g.normal, plain, 2).lagSeconds!))
  })
})

describe('autopilot lag options and errors on the real cluster', () => {
  it('--offset-reset earliest counts uncommitted partitions from the log start', async () => {
    const res = await runCli([
      'lag',
      '--bootstrap-server',
      kafka.bootstrapServers,
      '--json',
      '--group',
      g.partial,
      '--offset-reset',
      'earliest',
    ])
    const group: GroupLag = JSON.parse(res.stdout).groups[0]
    expect(group.topics[0]!.partitions.map((p) => p.lag)).toEqual([90, 100, 100])
    expect(group.totalLag).toBe(290)
  })

  it('--topic limits the groups to those on the topic', async () => {
    const res = await runCli(['lag', '--bootstrap-server', kafka.bootstrapServers, '--json', '--topic', tx])
    const groups = (JSON.parse(res.stdout).groups as GroupLag[]).map((x) => x.group)
    expect(groups).toEqual([g.txDone, g.txMid])
  })

  it('the table lists the same groups', async () => {
    const res = await runCli(['lag', '--bootstrap-server', kafka.bootstrapServers, '--group', g.behind])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(new RegExp(`${retained}\\s+0\\s+10\\s+50\\s+100\\s+50\\s`))
    expect(res.stdout).toContain('below-log-start (40 lost to retention)')
  })

  it('an unknown group: exit 5, the group named, no stack trace', async () => {
    const res = await runCli(['lag', '--bootstrap-server', kafka.bootstrapServers, '--group', `${s}-ghost`])
    expect(res.code).toBe(5)
    expect(res.stderr).toContain(`consumer group not found: ${s}-ghost (field: --group)`)
    expect(res.stderr).not.toMatch(/\n\s+at /)
    expect(res.stdout).toBe('')
  })

  it('unreachable brokers: exit 4, a clear message, no stack trace', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const res = await runCli(['lag', '--bootstrap-server', `127.0.0.1:${port}`])
    expect(res.code).toBe(4)
    expect(res.stderr).toContain(`cannot reach Kafka (bootstrap servers 127.0.0.1:${port})`)
    expect(res.stderr).not.toMatch(/\n\s+at /)
  })
})
