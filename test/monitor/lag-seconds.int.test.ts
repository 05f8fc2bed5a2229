// Lag in seconds on a steady stream, against the truth: a producer appends 100 records/s, the group's committed
// offset follows at half that speed (so the lag grows steadily), and at each poll the true lag is
// (snapshot time − the time the record at the committed offset was sent). The probe-based value and the
// interpolation fallback (probes disabled) must both be within 10% of it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { LagSnapshot } from '../../src/analyzer/lag/types.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort, KafkaProducerPort } from '../../src/kafka/port.ts'
import { LagMonitor } from '../../src/monitor/lag-monitor.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const s = `lagsec-${Date.now().toString(36)}`
const topic = `${s}-steady`
const groupId = `${s}-half-speed`

let admin: KafkaAdminPort
let producer: KafkaProducerPort

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  producer = createProducerPort({ bootstrapServers })
  await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
})

afterAll(async () => {
  await producer?.close()
  await admin?.deleteGroups([groupId]).catch(() => {})
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
})

interface Sample {
  truth: number
  probe: number | null
  probeSource: string
  fallback: number | null
  fallbackSource: string
}

function partitionOf(snapshot: LagSnapshot) {
  return snapshot.groups.find((g) => g.group === groupId)!.topics[0]!.partitions[0]!
}

describe('lag in seconds on a steady stream', () => {
  it('is within 10% of the truth, from probes and from the interpolation fallback', async () => {
    const sentAt: number[] = []
    let producing = true
    // 10 records every 100 ms: a steady 100 records/s
    const stream = (async () => {
      while (producing) {
        const t = Date.now()
        // The record carries the time the truth uses: on a loaded machine the send itself can take a while.
        await producer.send(
          Array.from({ length: 10 }, (_, i) => ({
            topic,
            partition: 0,
            value: `r${sentAt.length + i}`,
            timestamp: t,
          })),
        )
        for (let i = 0; i < 10; i++) sentAt.push(t)
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t))))
      }
    })()

    const probing = new LagMonitor(admin, { groups: [groupId] })
    const noProbes: KafkaAdminPort = {
      ...admin,
      probeRecords: async () => {
        throw new Error('probes disabled for this test')
      },
    }
    const fallback = new LagMonitor(noProbes, { groups: [groupId] })
    const samples: Sample[] = []
    const started = Date.now()
    try {
      await admin.alterGroupOffsets(groupId, [{ topic, partition: 0, offset: 0 }])
      // A dozen samples, one a second; on a loaded machine a round can overrun its second, so the loop counts
      // samples (bounded) instead of assuming a round per second.
      for (let tick = 1; samples.length < 12 && Date.now() - started < 60_000; tick++) {
        await new Promise((r) => setTimeout(r, Math.max(0, started + tick * 1000 - Date.now())))
        // the consumer follows at half speed
        const committed = Math.floor(sentAt.length / 2)
        await admin.alterGroupOffsets(groupId, [{ topic, partition: 0, offset: committed }])
        const [a, b] = [await probing.poll(), await fallback.poll()]
        const pa = partitionOf(a)
        const pb = partitionOf(b)
        expect([pa.committedOffset, pb.committedOffset]).toEqual([committed, committed])
        if (tick < 3) continue // the lag is still under a second or two: relative errors are meaningless
        samples.push({
          truth: (a.at - sentAt[committed]!) / 1000,
          probe: pa.lagSeconds,
          probeSource: pa.lagSecondsSource,
          fallback: pb.lagSeconds === null ? null : pb.lagSeconds - (b.at - a.at) / 1000,
          fallbackSource: pb.lagSecondsSource,
        })
      }
    } finally {
      producing = false
      await stream
    }

    expect(samples.length).toBeGreaterThanOrEqual(8)
    for (const x of samples) {
      expect(x.probeSource).toBe('probe')
      expect(Math.abs(x.probe! - x.truth) / x.truth, JSON.stringify(x)).toBeLessThan(0.1)
    }
    const interpolated = samples.filter((x) => x.fallbackSource === 'interpolated')
    expect(interpolated.length).toBeGreaterThanOrEqual(6)
    for (const x of interpolated) {
      expect(Math.abs(x.fallback! - x.truth) / x.truth, JSON.stringify(x)).toBeLessThan(0.1)
    }
    // the lag really grew: from about 1.5 s to about 7 s
    expect(samples.at(-1)!.truth).toBeGreaterThan(samples[0]!.truth * 2)
  })
})
