// The sample worker: a real consumer that spends a configurable time on each record (its "work"), so a
// pool of them has a known per-replica throughput. Optionally appends every key it handled to a file,
// which is how tests prove that no record was lost across scale events.
import { appendFile } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'
import type { ConsumedRecord, KafkaConsumerPort } from '../kafka/port.ts'

export interface WorkerOptions {
  consumer: KafkaConsumerPort
  /** Time spent per record, ms (I/O-like work: the worker awaits it). */
  workMs?: number
  keysFile?: string
  onRecord?: (record: ConsumedRecord) => void
}

export interface Worker {
  handled(): number
  stop(): Promise<void>
}

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  let handled = 0
  await options.consumer.start(async (record) => {
    if (options.workMs) await delay(options.workMs)
    // The key reaches the file before the handler returns, so before its offset can be committed: a key
    // on file may be delivered again (a duplicate), but a committed record is always on file.
    if (options.keysFile && record.key !== null) await appendFile(options.keysFile, `${record.key}\n`)
    handled += 1
    options.onRecord?.(record)
  })
  return {
    handled: () => handled,
    stop: () => options.consumer.close(),
  }
}
