// The load generator: produces records at the rate a profile asks for, with unique, sequential keys so
// that a consumer side can prove no record was lost (count of distinct keys) and count duplicates.
import { setTimeout as delay } from 'node:timers/promises'
import type { KafkaProducerPort, ProducedRecord } from '../kafka/port.ts'
import { type Phase, profileDurationMs, rateAt, recordsDue } from './profile.ts'

export interface LoadStats {
  sent: number
  elapsedMs: number
  rate: number
}

export interface LoadGeneratorOptions {
  producer: KafkaProducerPort
  topic: string
  phases: Phase[]
  loop?: boolean
  /** Keys are `${keyPrefix}${sequence}`. */
  keyPrefix?: string
  /** Pads each value to about this many bytes. */
  valueBytes?: number
  tickMs?: number
  /** Most records sent in one tick; a producer that falls behind catches up over several ticks. */
  maxBatch?: number
  signal?: AbortSignal
  onTick?: (stats: LoadStats) => void
}

function record(topic: string, key: string, seq: number, padding: string): ProducedRecord {
  return { topic, key, value: JSON.stringify({ seq, producedAt: Date.now(), padding }) }
}

/** Runs until the profile ends (or forever when looping) or the signal aborts; resolves with the count sent. */
export async function runLoad(options: LoadGeneratorOptions): Promise<LoadStats> {
  const tickMs = options.tickMs ?? 100
  const maxBatch = options.maxBatch ?? 5000
  const prefix = options.keyPrefix ?? 'k-'
  const padding = 'x'.repeat(Math.max(0, (options.valueBytes ?? 100) - 40))
  const endMs = options.loop ? Number.POSITIVE_INFINITY : profileDurationMs(options.phases)
  const started = performance.now()
  let sent = 0
  let elapsedMs = 0
  while (!options.signal?.aborted) {
    elapsedMs = performance.now() - started
    const due = recordsDue(options.phases, Math.min(elapsedMs, endMs), options.loop)
    const count = Math.min(maxBatch, due - sent)
    if (count > 0) {
      const batch = Array.from({ length: count }, (_, i) =>
        record(options.topic, `${prefix}${sent + i}`, sent + i, padding),
      )
      await options.producer.send(batch)
      sent += count
    }
    options.onTick?.({ sent, elapsedMs, rate: rateAt(options.phases, elapsedMs, options.loop) })
    if (elapsedMs >= endMs && sent >= due) break
    await delay(tickMs, undefined, { signal: options.signal }).catch(() => undefined)
  }
  return { sent, elapsedMs, rate: 0 }
}
