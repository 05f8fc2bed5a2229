// A producer and a consumer group running beside a test that disturbs the cluster, to prove no record is lost.
// The producer sends records keyed `s-<seq>` (acks=all) and counts a sequence number as acknowledged only when its
// send resolved; a failed send is retried with the same keys (at-least-once: duplicates allowed, gaps not). The
// consumer records every key it sees. A consumer whose stream died (a broker it fetched from went away) or made
// no progress for `stallMs` while records are missing is replaced by a new member of the same group, which resumes
// from the group's commits. At the end every acknowledged key must have been consumed.
import { setTimeout as delay } from 'node:timers/promises'
import { createConsumerPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaConsumerPort } from '../../src/kafka/port.ts'

export interface WorkloadOptions {
  bootstrapServers: string[]
  topic: string
  group: string
  /** Records per second (default 50). */
  rate?: number
  /** A consumer without progress this long while records are missing is replaced (default 20000). */
  stallMs?: number
}

export interface WorkloadReport {
  acked: number
  consumed: number
  /** Acknowledged sequence numbers never consumed. */
  missing: number[]
  duplicates: number
  sendErrors: string[]
  consumerRestarts: number
}

export interface Workload {
  /** Acknowledged records so far. */
  acked(): number
  /** Distinct acknowledged keys consumed so far. */
  consumedAcked(): number
  /** Resolves once `n` more records than now have been acknowledged and consumed (bounded). */
  progress(n: number, ms: number): Promise<void>
  /** Stops producing, waits (bounded) for the consumer to catch up, stops it and reports. */
  stop(catchUpMs: number): Promise<WorkloadReport>
}

export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
  const rate = options.rate ?? 50
  const stallMs = options.stallMs ?? 20_000
  const producer = createProducerPort({ bootstrapServers: options.bootstrapServers, acks: -1 })
  const seen = new Map<number, number>()
  const sendErrors: string[] = []
  let acked = 0
  let consumerRestarts = 0
  let lastProgress = Date.now()
  /** The producer stops at `stopped`; the consumer (and its supervisor) at `done`. */
  let stopped = false
  let done = false

  const consumedAcked = () => {
    let n = 0
    for (const seq of seen.keys()) if (seq < acked) n++
    return n
  }

  let consumer = null as KafkaConsumerPort | null
  const startConsumer = async () => {
    for (;;) {
      const c = createConsumerPort({
        bootstrapServers: options.bootstrapServers,
        groupId: options.group,
        topics: [options.topic],
        fromBeginning: true,
        joinTimeoutMs: 60_000,
      })
      try {
        await c.start((record) => {
          const seq = Number(record.key?.slice(2))
          if (!Number.isInteger(seq)) return
          seen.set(seq, (seen.get(seq) ?? 0) + 1)
          lastProgress = Date.now()
        })
        consumer = c
        return
      } catch (err) {
        await c.close().catch(() => {})
        if (done) return
        sendErrors.push(`consumer join: ${String(err)}`)
        await delay(1000)
      }
    }
  }
  await startConsumer()

  // Producer: one batch every 100 ms; a batch is retried until acknowledged (or the workload stops).
  const producing = (async () => {
    const perTick = Math.max(1, Math.round(rate / 10))
    while (!stopped) {
      const batch = Array.from({ length: perTick }, (_, i) => ({
        topic: options.topic,
        key: `s-${acked + i}`,
        value: JSON.stringify({ seq: acked + i, at: Date.now() }),
      }))
      try {
        await producer.send(batch)
        acked += perTick
      } catch (err) {
        if (sendErrors.length < 50) sendErrors.push(`send: ${String(err)}`)
        await delay(500)
        continue
      }
      await delay(100)
    }
  })()

  // Supervisor: replaces a consumer that stopped making progress while acknowledged records are missing.
  const supervising = (async () => {
    while (!done) {
      await delay(1000)
      if (done) break
      const behind = consumedAcked() < acked
      if (behind && Date.now() - lastProgress > stallMs) {
        consumerRestarts++
        const old = consumer
        consumer = null
        await old?.close().catch(() => {})
        lastProgress = Date.now()
        if (!done) await startConsumer()
      }
    }
  })()

  const waitUntil = async (what: string, ms: number, check: () => boolean) => {
    const deadline = Date.now() + ms
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`workload: timed out after ${ms} ms waiting for ${what}`)
      await delay(250)
    }
  }

  return {
    acked: () => acked,
    consumedAcked,
    async progress(n, ms) {
      const target = acked + n
      await waitUntil(
        `${n} more records produced and consumed`,
        ms,
        () => acked >= target && consumedAcked() >= target,
      )
    },
    async stop(catchUpMs) {
      stopped = true
      await producing
      const final = acked
      await waitUntil(
        `the consumer to read all ${final} records`,
        catchUpMs,
        () => consumedAcked() >= final,
      ).catch(() => {})
      done = true
      await supervising
      await consumer?.close().catch(() => {})
      await producer.close()
      const missing: number[] = []
      for (let seq = 0; seq < final; seq++) if (!seen.has(seq)) missing.push(seq)
      let duplicates = 0
      for (const count of seen.values()) duplicates += count - 1
      return {
        acked: final,
        consumed: seen.size,
        missing,
        duplicates,
        sendErrors,
        consumerRestarts,
      }
    },
  }
}
