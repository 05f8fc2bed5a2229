// createConsumerPort: a group member that hands each record to a handler, one at a time, and commits what the
// handler finished (next offset per partition) every autocommit interval and on close. The library's own
// autocommit commits what was fetched, not what was handled, so commits are driven from here. A fetch stream that
// broke on a transient failure (a frozen or moved leader) is reopened (stream-restart.ts).
import {
  type CommitOptionsPartition,
  Consumer,
  GroupProtocols,
  type Message,
  type MessagesStream,
  stringDeserializers,
} from '@platformatic/kafka'
import { AutopilotError } from '../errors.ts'
import { CLIENT_REQUEST_TIMEOUT_MS, libraryRetryOptions, resolveRetry } from './client-retry.ts'
import { retryWhileCoordinatorLoads } from './coordinator-retry.ts'
import { toAutopilotError } from './error-mapping.ts'
import { resolveConnection } from './options.ts'
import type { ConsumedRecord, ConsumerPortOptions, KafkaConsumerPort } from './port.ts'
import { preferResponsiveBrokers } from './responsive-brokers.ts'
import { readWithRestarts } from './stream-restart.ts'
import { assertInt, assertName, assertNames, invalid } from './validate.ts'
import { pollUntil } from './wait.ts'

type StringConsumer = Consumer<string, string, string, string>
type StringMessage = Message<string, string, string, string>

const DEFAULT_AUTOCOMMIT_MS = 1_000
const DEFAULT_JOIN_TIMEOUT_MS = 30_000
const READ_UNCOMMITTED = 0
const READ_COMMITTED = 1

export function toConsumedRecord(message: StringMessage): ConsumedRecord {
  const headers: Record<string, string> = {}
  for (const [k, v] of message.headers ?? []) headers[String(k)] = String(v)
  return {
    topic: message.topic,
    partition: message.partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? '',
    timestamp: Number(message.timestamp),
    headers,
  }
}

export function createConsumerPort(options: ConsumerPortOptions): KafkaConsumerPort {
  const resolved = resolveConnection(options, '-consumer', CLIENT_REQUEST_TIMEOUT_MS)
  const retry = resolveRetry(options)
  assertName(options.groupId, 'groupId')
  assertNames(options.topics, 'topics')
  if (options.topics.length === 0) invalid('topics', 'topics must name at least one topic')
  const interval = options.autocommitIntervalMs ?? DEFAULT_AUTOCOMMIT_MS
  if (interval !== false) assertInt(interval, 'autocommitIntervalMs', 1)
  const fail = (error: unknown, api: string) =>
    toAutopilotError(error, {
      api,
      bootstrapServers: resolved.bootstrapServers,
      subject: `group ${options.groupId}`,
    })

  let consumer: StringConsumer | null = null
  let stream: MessagesStream<string, string, string, string> | null = null
  let loop: Promise<void> | null = null
  let timer: NodeJS.Timeout | null = null
  let handlerError: unknown = null
  let closing: Promise<void> | null = null
  /** Aborted by close(): a stream being reopened gives up quietly. */
  const closed = new AbortController()
  let started = false
  let failed = false
  /** Next offset to commit per partition, for records the handler finished. */
  const handled = new Map<string, CommitOptionsPartition>()
  const ownership = new Ownership((gone) => {
    for (const key of gone) handled.delete(key)
  })
  let committing: Promise<void> = Promise.resolve()

  const commitHandled = (): Promise<void> => {
    const c = consumer
    if (!c || handled.size === 0) return committing
    const owned = new Set((c.assignments ?? []).flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)))
    const offsets = [...handled.values()].filter(
      (o) =>
        owned.has(`${o.topic}:${o.partition}`) && !ownership.below(`${o.topic}:${o.partition}`, o.offset),
    )
    handled.clear()
    if (offsets.length === 0) return committing
    committing = committing
      .then(() => c.commit({ offsets }))
      .catch(() => {
        // Lost the partitions in a rebalance, the coordinator moved, or (KIP-848) the member epoch was stale
        // (STALE_MEMBER_EPOCH until the next heartbeat; the client does not retry it). Keep the offsets for the
        // next round unless newer ones were handled meanwhile: a partition with no more records would otherwise
        // never commit its tail. Partitions no longer owned are dropped then; their next owner resumes from the
        // last commit.
        for (const o of offsets) {
          const key = `${o.topic}:${o.partition}`
          if (!handled.has(key)) handled.set(key, o)
        }
      })
    return committing
  }

  return {
    async start(handler) {
      if (started) throw new AutopilotError('AP_ERR_CONFLICT', 'consumer already started', { field: 'start' })
      started = true
      const deadline = Date.now() + (options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS)
      // One consumer per attempt: a failed join leaves the library's consumer half built, so it is closed and a
      // fresh one joins after the backoff (coordinator-retry.ts: only coordinator-not-ready errors are retried).
      const consumeOptions = {
        topics: options.topics,
        mode: 'committed' as const,
        fallbackMode: options.fromBeginning ? ('earliest' as const) : ('latest' as const),
        autocommit: false,
        maxWaitTime: 500,
        isolationLevel: options.readCommitted === false ? READ_UNCOMMITTED : READ_COMMITTED,
      }
      const attempt = async () => {
        const c = new Consumer<string, string, string, string>({
          ...resolved.base,
          ...libraryRetryOptions(retry),
          groupId: options.groupId,
          deserializers: stringDeserializers,
          ...(options.groupProtocol === 'consumer' ? { groupProtocol: GroupProtocols.CONSUMER } : {}),
        })
        preferResponsiveBrokers(c, resolved.bootstrapServers)
        consumer = c
        // The library emits 'error' when it gives up (e.g. rejoining the group on a closed connection); with no
        // listener that would crash the process. The consumer is dead then: stop reading and tell the caller.
        c.on('error', (error: unknown) => {
          if (closing !== null || failed) return
          failed = true
          handlerError ??= error
          void stream?.close().catch(() => {})
          options.onFailure?.(fail(error, 'Consumer'))
        })
        try {
          return await c.consume(consumeOptions)
        } catch (error) {
          consumer = null
          await c.close(true).catch(() => {})
          throw error
        }
      }
      try {
        stream = await retryWhileCoordinatorLoads(attempt, { deadline, stopped: () => closing !== null })
      } catch (error) {
        throw fail(error, 'JoinGroup')
      }
      if (closing !== null) {
        // close() ran while the last attempt was joining: leave the group instead of starting to consume.
        await stream.close().catch(() => {})
        await consumer?.close(true).catch(() => {})
        throw new AutopilotError(
          'AP_ERR_CONFLICT',
          `consumer of group ${options.groupId} closed while joining`,
          {
            field: 'start',
          },
        )
      }
      const active = stream
      const c0 = consumer
      // A rebalance is starting: commit what was handled while the partitions are still ours.
      c0?.on('consumer:group:rebalance', () => void commitHandled())
      type Stream = MessagesStream<string, string, string, string>
      let handlerFailed = false
      /** Hands each record to the handler; the stream's own error is returned, a handler's rethrown. */
      const drain = async (source: Stream): Promise<unknown> => {
        let failure = null as { error: unknown } | null
        try {
          for await (const message of source as AsyncIterable<StringMessage>) {
            if (c0 && !(await ownership.accepts(c0, message))) continue
            try {
              await handler(toConsumedRecord(message))
            } catch (error) {
              failure = { error }
              handlerFailed = true
              throw error
            }
            handled.set(`${message.topic}:${message.partition}`, {
              topic: message.topic,
              partition: message.partition,
              offset: message.offset + 1n,
              leaderEpoch: message.leaderEpoch,
            })
          }
          return null
        } catch (error) {
          if (failure) throw failure.error
          return error
        }
      }
      loop = (async () => {
        try {
          await readWithRestarts<Stream>({
            first: active,
            drain,
            // consume() again rejoins the group and starts at the committed offsets (onRestart commits what was handled).
            reopen: async () => {
              if (!c0 || failed) throw new Error('consumer is gone')
              return await c0.consume(consumeOptions)
            },
            onStream: (next) => {
              stream = next
            },
            closeStream: (s) => s.close(),
            retry,
            signal: closed.signal,
            onRestart: () => void commitHandled(),
          })
        } catch (error) {
          handlerError ??= error
          // The stream is gone for good (not a handler error: that one close() reports, as before).
          if (closing === null && !failed && !handlerFailed && !isStreamClosedError(error)) {
            failed = true
            options.onFailure?.(fail(error, 'Fetch'))
          }
        }
      })()
      if (interval !== false) timer = setInterval(() => void commitHandled(), interval)
      const c = consumer
      await pollUntil(async () => (c?.assignments?.length ?? 0) > 0, Math.max(0, deadline - Date.now()))
    },

    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer)
        closed.abort()
        if (!consumer) return
        // Stop reading first so the handled set is final, then commit it and leave the group.
        await stream?.close().catch(() => {})
        await loop
        await commitHandled()
        await consumer.close(true).catch(() => {})
        if (handlerError && !isStreamClosedError(handlerError)) {
          throw new AutopilotError(
            'AP_ERR_INTERNAL',
            `consumer of group ${options.groupId} stopped: ${String(handlerError)}`,
            {
              cause: handlerError,
            },
          )
        }
      })()
      return closing
    },
  }
}

function isStreamClosedError(error: unknown): boolean {
  return /closed|premature/i.test(error instanceof Error ? error.message : String(error))
}

/**
 * Which partitions this member owns, and from which offset their records are still ours to handle.
 *
 * The library keeps handing out records it buffered before a rebalance, for partitions that have since moved to
 * another member (or come back to this one after another member moved on). Handling those duplicates work and,
 * worse, committing them would move the group's offset backwards. So each time the assignment changes, the
 * committed offsets of the newly owned partitions are read once: a record below that floor was already handled
 * and committed by someone else, and a record of a partition we no longer own is skipped. Written by hand: the
 * library exposes no rebalance listener that could commit or fence synchronously.
 */
export class Ownership {
  #signature = ''
  #owned = new Set<string>()
  readonly #floors = new Map<string, bigint>()
  readonly #onRevoked: (keys: string[]) => void

  constructor(onRevoked: (keys: string[]) => void) {
    this.#onRevoked = onRevoked
  }

  /** True when the record's partition is owned and the record is at or above the partition's floor. */
  async accepts(
    consumer: StringConsumer,
    message: { topic: string; partition: number; offset: bigint },
  ): Promise<boolean> {
    const assignments = consumer.assignments ?? []
    const signature = assignmentSignature(assignments)
    if (signature !== this.#signature) await this.#reassigned(consumer, assignments, signature)
    const key = `${message.topic}:${message.partition}`
    if (!this.#owned.has(key)) return false
    return !this.below(key, message.offset + 1n)
  }

  /** True when committing `nextOffset` for `key` would move the group's position backwards. */
  below(key: string, nextOffset: bigint): boolean {
    const floor = this.#floors.get(key)
    return floor !== undefined && nextOffset <= floor
  }

  async #reassigned(
    consumer: StringConsumer,
    assignments: Array<{ topic: string; partitions: number[] }>,
    signature: string,
  ) {
    const owned = new Set(assignments.flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)))
    const gone = [...this.#owned].filter((k) => !owned.has(k))
    const added = assignments
      .map((a) => ({
        topic: a.topic,
        partitions: a.partitions.filter((p) => !this.#owned.has(`${a.topic}:${p}`)),
      }))
      .filter((a) => a.partitions.length > 0)
    for (const key of gone) this.#floors.delete(key)
    this.#onRevoked(gone)
    this.#owned = owned
    this.#signature = signature
    if (added.length === 0) return
    try {
      const committed = await consumer.listCommittedOffsets({ topics: added })
      for (const { topic, partitions } of added) {
        for (const p of partitions) {
          const offset = committed.get(topic)?.[p]
          if (offset !== undefined && offset >= 0n) this.#floors.set(`${topic}:${p}`, offset)
        }
      }
    } catch {
      // No floor known: records are handled as they come (at-least-once, possibly duplicated).
    }
  }
}

function assignmentSignature(assignments: Array<{ topic: string; partitions: number[] }>): string {
  return assignments
    .flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`))
    .sort()
    .join(',')
}
