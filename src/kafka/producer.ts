// createProducerPort: plain sends for the load generator and tests, and transactional sends (commit or abort)
// to build topics with transaction markers. String keys, values and headers. A plain send is retried on transient
// failures (a frozen or moved leader, too few in-sync replicas) until retryTimeoutMs (client-retry.ts).
import { randomUUID } from 'node:crypto'
import { type MessageToProduce, Producer, stringSerializers } from '@platformatic/kafka'
import { retryWithBackoff } from './backoff.ts'
import { CLIENT_REQUEST_TIMEOUT_MS, libraryRetryOptions, outerRetry, resolveRetry } from './client-retry.ts'
import { retryWhileCoordinatorLoads } from './coordinator-retry.ts'
import { toAutopilotError } from './error-mapping.ts'
import { resolveConnection } from './options.ts'
import type { KafkaProducerPort, ProducedRecord, ProducerPortOptions } from './port.ts'
import { preferResponsiveBrokers } from './responsive-brokers.ts'
import { assertArray, assertInt, assertName, invalid } from './validate.ts'

type StringProducer = Producer<string, string, string, string>
type StringMessage = MessageToProduce<string, string, string, string>

/** How long a transactional send waits for a transaction coordinator that is still loading. */
const COORDINATOR_WAIT_MS = 30_000

export function toMessages(records: ProducedRecord[]): StringMessage[] {
  assertArray(records, 'records')
  return records.map((r, i) => {
    assertName(r?.topic, `records[${i}].topic`)
    if (typeof r.value !== 'string') invalid(`records[${i}].value`, `records[${i}].value must be a string`)
    if (r.partition !== undefined) assertInt(r.partition, `records[${i}].partition`, 0)
    if (r.timestamp !== undefined) assertInt(r.timestamp, `records[${i}].timestamp`, 0)
    const message: StringMessage = { topic: r.topic, value: r.value }
    if (r.key !== undefined) message.key = r.key
    if (r.partition !== undefined) message.partition = r.partition
    if (r.timestamp !== undefined) message.timestamp = BigInt(r.timestamp)
    if (r.headers) message.headers = { ...r.headers }
    return message
  })
}

export function createProducerPort(options: ProducerPortOptions): KafkaProducerPort {
  const resolved = resolveConnection(options, '-producer', CLIENT_REQUEST_TIMEOUT_MS)
  const retry = resolveRetry(options)
  /** Aborted by close(): a send waiting to retry gives up. */
  const closing = new AbortController()
  const fail = (error: unknown, api: string) =>
    toAutopilotError(error, { api, bootstrapServers: resolved.bootstrapServers })
  let plain: StringProducer | null = null
  let transactional: StringProducer | null = null
  // One transaction at a time per producer: the transactional id allows only one open transaction.
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false
  const transactionalId = options.transactionalId ?? `kafka-autopilot-${randomUUID()}`

  const compression = options.compression ? { compression: options.compression } : {}
  const common = {
    ...resolved.base,
    ...libraryRetryOptions(retry),
    serializers: stringSerializers,
    ...compression,
  }
  const newProducer = (extra: { idempotent?: boolean; transactionalId?: string } = {}) =>
    preferResponsiveBrokers(
      new Producer<string, string, string, string>({ ...common, ...extra }),
      resolved.bootstrapServers,
    )

  const checkOpen = () => {
    if (closed) throw fail(new Error('producer is closed'), 'Produce')
  }

  return {
    async send(records) {
      checkOpen()
      const messages = toMessages(records)
      if (messages.length === 0) return
      plain ??= newProducer()
      const producer = plain
      try {
        // acks and compression per send: the library ignores a constructor-level acks (it defaults to 1).
        // At-least-once: a send that failed transiently is sent again whole (some records may be written twice),
        // and it rejects only when retryTimeoutMs has passed.
        await retryWithBackoff(
          () => producer.send({ messages, acks: options.acks ?? -1, ...compression }),
          outerRetry(retry, closing.signal, () => producer.currentMetadata !== undefined),
        )
      } catch (error) {
        throw fail(error, 'Produce')
      }
    },

    sendTransaction(records, outcome) {
      checkOpen()
      const messages = toMessages(records)
      if (outcome !== 'commit' && outcome !== 'abort')
        invalid('outcome', "outcome must be 'commit' or 'abort'")
      const begin = async () => {
        transactional ??= newProducer({ idempotent: true, transactionalId })
        const producer = transactional
        try {
          return await producer.beginTransaction()
        } catch (error) {
          // A producer whose InitProducerId failed is not reused: closed here, a fresh one tries again.
          if (transactional === producer) transactional = null
          await producer.close().catch(() => {})
          throw error
        }
      }
      const run = async () => {
        try {
          // On a fresh cluster the transaction coordinator is not ready for a few seconds (coordinator-retry.ts).
          // Only the begin is retried: no record has been sent yet, so a retry cannot write twice.
          const tx = await retryWhileCoordinatorLoads(begin, {
            deadline: Date.now() + COORDINATOR_WAIT_MS,
            stopped: () => closed,
          })
          try {
            if (messages.length > 0) await tx.send({ messages, ...compression })
          } catch (error) {
            await tx.abort().catch(() => {})
            throw error
          }
          if (outcome === 'commit') await tx.commit()
          else await tx.abort()
        } catch (error) {
          throw fail(error, 'Transaction')
        }
      }
      const next = queue.then(run, run)
      queue = next.catch(() => {})
      return next
    },

    async close() {
      if (closed) return
      closed = true
      closing.abort()
      await queue
      await Promise.all([plain?.close(), transactional?.close()].map((p) => p?.catch(() => {})))
    },
  }
}
