// The broker operations on a private 3-node local stack (destructive: brokers are paused, added, removed).
// (a) One broker frozen with SIGSTOP: the controller fences it, its partitions shrink their ISR. scaleOut adds
//     broker 4 and heals: every replica of the frozen broker moves away (the new broker first) without asking
//     the frozen broker anything, and the under-replicated partitions return to 0.
// (b) After SIGCONT, scaleIn picks broker 4 (the only broker that is not a KRaft controller), drains it,
//     removes it, and no throttle config is left on any broker or topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalBackend } from '../../../src/executor/brokers/local.ts'
import { type BrokerOpsContext, scaleIn, scaleOut } from '../../../src/executor/operations/index.ts'
import type { JournalEntryInput } from '../../../src/journal/journal.ts'
import { createAdminPort, createProducerPort } from '../../../src/kafka/index.ts'
import type { ClusterMetadata, KafkaAdminPort } from '../../../src/kafka/port.ts'
import { pauseBroker } from '../../../src/stack/cluster.ts'
import { throttlesLeft, waitFor } from '../../helpers/healing-stack.ts'
import { startPrivateStack, stopPrivateStack } from '../../helpers/private-stack.ts'

const topic = 'ops-heal'
const PAUSED = 3
let dir: string
let admin: KafkaAdminPort
let opsAdmin: KafkaAdminPort
let ctx: BrokerOpsContext
let paused = false
const journal: JournalEntryInput[] = []

const urp = (md: ClusterMetadata) =>
  md.topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length
const holding = (md: ClusterMetadata, id: number) =>
  md.topics.flatMap((t) => t.partitions).filter((p) => p.replicas.includes(id)).length

beforeAll(async () => {
  const stack = await startPrivateStack('ops-', { brokers: 3, heapMb: 384, adminTimeoutMs: 4_000 })
  const { servers } = stack
  ;({ dir, admin } = stack)
  opsAdmin = createAdminPort({ bootstrapServers: servers, timeoutMs: 5_000 })
  await admin.createTopic({
    topic,
    partitions: 6,
    replicationFactor: 3,
    configs: { 'min.insync.replicas': '2' },
  })
  const producer = createProducerPort({ bootstrapServers: servers })
  try {
    for (let i = 0; i < 4; i++) {
      await producer.send(
        Array.from({ length: 2_000 }, (_, j) => ({ topic, key: `k${i}-${j}`, value: 'x'.repeat(100) })),
      )
    }
  } finally {
    await producer.close()
  }
  ctx = {
    cluster: 'ops',
    admin: opsAdmin,
    backend: createLocalBackend({ dir, heapMb: 384 }, { admin: opsAdmin }),
    reassignment: { throttleBytesPerSec: 50 * 1024 * 1024, pollIntervalMs: 500, timeoutMs: 90_000 },
    waits: { pollMs: 500, brokerJoinMs: 90_000, fenceMs: 30_000, verifyMs: 60_000 },
    journal: (e) => journal.push(e),
  }
})

afterAll(async () => {
  if (paused) await pauseBroker(dir, PAUSED, false).catch(() => {})
  await stopPrivateStack(dir, ctx?.backend, opsAdmin, admin)
})

describe('broker operations on a private stack', () => {
  it('scaleOut with a SIGSTOPped broker heals the under-replicated partitions onto the new broker', async () => {
    await pauseBroker(dir, PAUSED, true)
    paused = true
    // What the alert waits for: the frozen broker fenced (gone from the metadata) and partitions under-replicated.
    await waitFor('the paused broker to be fenced, with under-replicated partitions', 60_000, async () => {
      const md = await admin.metadata()
      return !md.brokers.some((b) => b.id === PAUSED) && urp(md) > 0 ? md : undefined
    })
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result, result.message).toMatchObject({ ok: true, brokers: [4] })
    expect(result.details?.mode).toMatch(/heal \(broker 3 offline\)/)
    const md = await admin.metadata()
    expect(urp(md)).toBe(0)
    expect(holding(md, PAUSED)).toBe(0)
    expect(holding(md, 4)).toBeGreaterThan(0)
    expect(journal.map((e) => e.reason)).toEqual(
      expect.arrayContaining([
        'BrokersAdded',
        'reassignment-started',
        'reassignment-throttles-cleared',
        'ScaleOutDone',
      ]),
    )
    await pauseBroker(dir, PAUSED, false)
    paused = false
  })

  it('scaleIn drains and removes the non-controller broker; no throttle config is left', async () => {
    if (paused) {
      await pauseBroker(dir, PAUSED, false)
      paused = false
    }
    await waitFor('the resumed broker to register again', 60_000, async () =>
      (await admin.metadata()).brokers.some((b) => b.id === PAUSED) ? true : undefined,
    )
    const result = await scaleIn(ctx, { dryRun: false })
    expect(result, result.message).toMatchObject({ ok: true, brokers: [4] })
    const md = await waitFor('broker 4 to leave the metadata', 30_000, async () => {
      const m = await admin.metadata()
      return m.brokers.some((b) => b.id === 4) ? undefined : m
    })
    expect(holding(md, 4)).toBe(0)
    expect(urp(md)).toBe(0)
    expect(md.topics.find((t) => t.name === topic)?.partitions.every((p) => p.replicas.length === 3)).toBe(
      true,
    )
    expect(await throttlesLeft(admin)).toEqual([])
  })
})
