// The request budget on the lag semantics' edge cases, on the real cluster: a snapshot that lists only high
// watermarks (log start and last stable offset from the probes' Fetch answers) must say what a snapshot that
// reads all three offsets of every partition says. Cases: no commit under earliest (with retention), commit below
// the log start, above the end, caught up, only transaction markers left, inside a committed transaction, and an
// open transaction (before it, inside it, caught up past it). Two polls each, so the cached-probe path (a stalled
// group below the log start reuses its probe) is checked too.
import { join } from 'node:path'
import { Producer, stringSerializers } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { LagSnapshot, PartitionLag } from '../../src/analyzer/lag/types.ts'
import { createAdminPort, createProducerPort, diffCounts } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { pollUntil } from '../../src/kafka/wait.ts'
import { LagMonitor } from '../../src/monitor/lag-monitor.ts'
import { deleteRecordsBefore } from '../helpers/consumer-groups-tool.ts'
import { expectSameLag, fullReads } from './full-reads.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const brokers = kafka.nodes.length
const s = `lagedge-${Date.now().toString(36)}`
const t = {
  plain: `${s}-plain`,
  quiet: `${s}-quiet`,
  retained: `${s}-retained`,
  tx: `${s}-tx`,
  open: `${s}-open`,
  openQuiet: `${s}-openquiet`,
}
const g = {
  partial: `${s}-partial`,
  caught: `${s}-caught`,
  ahead: `${s}-ahead`,
  behind: `${s}-behind`,
  txDone: `${s}-txdone`,
  txMid: `${s}-txmid`,
  openBefore: `${s}-openbefore`,
  openInside: `${s}-openinside`,
  openPast: `${s}-openpast`,
  openAlone: `${s}-openalone`,
}
const NOW = Date.now() + 60_000

let admin: KafkaAdminPort
type StringProducer = Producer<string, string, string, string>
let openProducer: StringProducer | null = null
let openTx: Awaited<ReturnType<StringProducer['beginTransaction']>> | null = null
const polls: Array<{ ours: LagSnapshot; reference: LagSnapshot; cost: Record<string, number> }> = []

const records = (topic: string, partition: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, partition, value: `v${i}` }))

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  const producer = createProducerPort({ bootstrapServers })
  const txProducer = createProducerPort({ bootstrapServers, transactionalId: `${s}-txid` })
  try {
    await admin.createTopic({ topic: t.plain, partitions: 3, replicationFactor: 1 })
    await admin.createTopic({ topic: t.retained, partitions: 2, replicationFactor: 1 })
    await admin.createTopic({ topic: t.tx, partitions: 1, replicationFactor: 1 })
    await admin.createTopic({ topic: t.open, partitions: 1, replicationFactor: 1 })
    await admin.createTopic({ topic: t.quiet, partitions: 2, replicationFactor: 1 })
    await admin.createTopic({ topic: t.openQuiet, partitions: 1, replicationFactor: 1 })
    await producer.send([
      ...records(t.plain, 0, 100),
      ...records(t.plain, 1, 100),
      ...records(t.plain, 2, 100),
    ])
    await producer.send([...records(t.retained, 0, 100), ...records(t.retained, 1, 100)])
    // 5 data records (offsets 0-4) and the commit marker (offset 5): high watermark 6
    await txProducer.sendTransaction(records(t.tx, 0, 5), 'commit')
    await producer.send([...records(t.quiet, 0, 10), ...records(t.quiet, 1, 10)])
    // 3 plain records, then a transaction left open with 2 more: high watermark 5, last stable offset 3
    await producer.send([...records(t.open, 0, 3), ...records(t.openQuiet, 0, 3)])
  } finally {
    await producer.close()
    await txProducer.close()
  }
  openProducer = new Producer({
    clientId: `${s}-open`,
    bootstrapBrokers: bootstrapServers,
    idempotent: true,
    transactionalId: `${s}-open-txid`,
    serializers: stringSerializers,
    // the library sends `timeout` as the transaction timeout: long enough that the broker never aborts it here
    timeout: 300_000,
  })
  openTx = await openProducer.beginTransaction()
  await openTx.send({ messages: [...records(t.open, 0, 2), ...records(t.openQuiet, 0, 2)] })

  await admin.alterGroupOffsets(g.partial, [{ topic: t.plain, partition: 0, offset: 10 }])
  // caught up or ahead on a topic no group lags on: nothing but the high watermark is read there
  await admin.alterGroupOffsets(
    g.caught,
    [0, 1].map((partition) => ({ topic: t.quiet, partition, offset: 10 })),
  )
  await admin.alterGroupOffsets(
    g.ahead,
    [0, 1].map((partition) => ({ topic: t.quiet, partition, offset: 500 })),
  )
  await admin.alterGroupOffsets(g.behind, [{ topic: t.retained, partition: 0, offset: 10 }])
  await admin.alterGroupOffsets(g.txDone, [{ topic: t.tx, partition: 0, offset: 5 }])
  await admin.alterGroupOffsets(g.txMid, [{ topic: t.tx, partition: 0, offset: 2 }])
  await admin.alterGroupOffsets(g.openBefore, [{ topic: t.open, partition: 0, offset: 1 }])
  await admin.alterGroupOffsets(g.openInside, [{ topic: t.open, partition: 0, offset: 4 }])
  await admin.alterGroupOffsets(g.openPast, [{ topic: t.open, partition: 0, offset: 5 }])
  await admin.alterGroupOffsets(g.openAlone, [{ topic: t.openQuiet, partition: 0, offset: 5 }])
  // retention-like deletion: retained/0 starts at 50 (past the group's commit at 10), retained/1 at 30
  await deleteRecordsBefore(
    kafka,
    [
      { topic: t.retained, partition: 0, offset: 50 },
      { topic: t.retained, partition: 1, offset: 30 },
    ],
    join(kafka.dir, `${s}-delete.json`),
  )
  // the commit marker of t.tx is written after EndTxn returns
  const settled = await pollUntil(async () => {
    const [tx, ...open] = await admin.partitionOffsets([
      { topic: t.tx, partition: 0 },
      { topic: t.open, partition: 0 },
      { topic: t.openQuiet, partition: 0 },
    ])
    return tx?.lastStableOffset === 6 && open.every((o) => o.logEndOffset === 5 && o.lastStableOffset === 3)
  }, 15_000)
  expect(settled).toBe(true)

  const options = { groups: Object.values(g), policy: 'earliest' as const, now: () => NOW }
  const ours = new LagMonitor(admin, options)
  const reference = new LagMonitor(fullReads(admin), options)
  for (let i = 0; i < 2; i++) {
    const before = admin.requestCounts()
    const snapshot = await ours.poll()
    const cost = diffCounts(before, admin.requestCounts())
    polls.push({ ours: snapshot, reference: await reference.poll(), cost })
  }
})

afterAll(async () => {
  await openTx?.abort().catch(() => {})
  await openProducer?.close().catch(() => {})
  await admin?.deleteGroups(Object.values(g)).catch(() => {})
  await admin?.deleteTopics(Object.values(t)).catch(() => {})
  await admin?.close()
})

function row(snapshot: LagSnapshot, group: string, topic: string, partition: number): PartitionLag {
  const p = snapshot.groups
    .find((x) => x.group === group)
    ?.topics.find((x) => x.topic === topic)
    ?.partitions.find((x) => x.partition === partition)
  if (!p) throw new Error(`no row for ${group} ${topic}/${partition}`)
  return p
}

describe('budget reads on the edge cases, against reading every offset', () => {
  it('both polls: the same groups JSON (caught-up rows leave log start and LSO unread)', () => {
    for (const [i, poll] of polls.entries())
      expect(expectSameLag(poll.ours.groups, poll.reference.groups, `poll ${i + 1}`)).toBe(5)
  })

  const rows: Array<{
    name: string
    group: string
    topic: string
    partition: number
    want: Partial<PartitionLag>
  }> = [
    {
      name: 'no commit under earliest: from the log start the extra ListOffsets read',
      group: g.behind,
      topic: t.retained,
      partition: 1,
      want: { committedOffset: null, logStartOffset: 30, lag: 70, flags: ['no-commit'] },
    },
    {
      name: 'no commit under earliest, no retention',
      group: g.partial,
      topic: t.plain,
      partition: 2,
      want: { committedOffset: null, logStartOffset: 0, lag: 100, flags: ['no-commit'] },
    },
    {
      name: 'commit below the log start: clamped, the loss reported',
      group: g.behind,
      topic: t.retained,
      partition: 0,
      want: { logStartOffset: 50, lag: 50, recordsLost: 40, flags: ['below-log-start'] },
    },
    {
      name: 'above the end: 0, flagged, nothing else read',
      group: g.ahead,
      topic: t.quiet,
      partition: 1,
      want: { logStartOffset: null, lastStableOffset: null, lag: 0, flags: ['above-log-end'] },
    },
    {
      name: 'caught up: 0, nothing else read',
      group: g.caught,
      topic: t.quiet,
      partition: 0,
      want: { logStartOffset: null, lastStableOffset: null, logEndOffset: 10, lag: 0, flags: [] },
    },
    {
      name: "lagging: log start and last stable offset from the probe's Fetch answer",
      group: g.partial,
      topic: t.plain,
      partition: 0,
      want: { logStartOffset: 0, lastStableOffset: 100, lag: 90, flags: [] },
    },
    {
      name: 'only the commit marker left: 0',
      group: g.txDone,
      topic: t.tx,
      partition: 0,
      want: { logStartOffset: 0, lastStableOffset: 6, lag: 0, flags: ['markers-only'] },
    },
    {
      name: 'inside a committed transaction: data and marker offsets left',
      group: g.txMid,
      topic: t.tx,
      partition: 0,
      want: { lastStableOffset: 6, lag: 4, flags: [] },
    },
    {
      name: 'before an open transaction: flagged, last stable offset from the Fetch',
      group: g.openBefore,
      topic: t.open,
      partition: 0,
      want: { logEndOffset: 5, lastStableOffset: 3, lag: 4, flags: ['open-transaction'] },
    },
    {
      name: 'inside an open transaction (read_uncommitted lag): flagged',
      group: g.openInside,
      topic: t.open,
      partition: 0,
      want: { lastStableOffset: 3, lag: 1, flags: ['open-transaction'] },
    },
    {
      name: 'caught up past an open transaction another group lags behind: flagged, as before',
      group: g.openPast,
      topic: t.open,
      partition: 0,
      want: { lastStableOffset: 3, lag: 0, flags: ['open-transaction'] },
    },
    {
      name: 'caught up past an open transaction, alone on the partition: lag 0, the transaction not looked at',
      group: g.openAlone,
      topic: t.openQuiet,
      partition: 0,
      want: { logEndOffset: 5, lastStableOffset: null, lag: 0, flags: [] },
    },
  ]
  for (const r of rows) {
    it(r.name, () => {
      for (const poll of polls) expect(row(poll.ours, r.group, r.topic, r.partition)).toMatchObject(r.want)
    })
  }

  it('requests: high watermarks plus the uncommitted log starts; the out-of-range round only once', () => {
    const [first, second] = polls.map((p) => p.cost)
    // poll 1: one ListOffsets per leader for the high watermarks, one per leader of an uncommitted partition
    // for its log start, and the port's out-of-range round for the commit below the log start (3 on a leader)
    expect(first!.ListOffsets, JSON.stringify(first)).toBeLessThanOrEqual(2 * brokers + 3)
    expect(first!.Fetch ?? 0, JSON.stringify(first)).toBeLessThanOrEqual(2 * brokers)
    // poll 2: the group below the log start is placed from the previous log start and its probe is cached
    expect(second!.ListOffsets, JSON.stringify(second)).toBeLessThanOrEqual(2 * brokers)
    expect(second!.Fetch ?? 0, JSON.stringify(second)).toBeLessThanOrEqual(brokers)
  })
})
