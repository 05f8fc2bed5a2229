// Sample workers (`bin/autopilot.js worker`) as real processes for integration tests, and a tracker that reads
// their keys files as they grow: per-partition progress over time, duplicates and losses. Keys are
// `p<partition>-<seq>` (see produceSteadily), so a key names its partition.
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { isAlive, signalGroup } from '../../src/executor/signals.ts'
import type { KafkaProducerPort } from '../../src/kafka/port.ts'

const BIN = join(import.meta.dirname, '../../bin/autopilot.js')
const READY_TIMEOUT_MS = 60_000

export interface WorkerProcess {
  pid: number
  keysFile: string
  spawnedAt: number
  /** Resolves with the time `worker ready` was printed (start() returned: joined and assigned); 60 s bound. */
  ready: Promise<number>
  exited: Promise<number | null>
  output: () => string
}

export function spawnWorker(args: {
  bootstrapServers: string
  group: string
  topic: string
  keysFile: string
  protocol: 'classic' | 'consumer'
  workMs: number
}): WorkerProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      BIN,
      'worker',
      '--bootstrap-server',
      args.bootstrapServers,
      '--group',
      args.group,
      '--topic',
      args.topic,
      '--work-ms',
      String(args.workMs),
      '--keys-file',
      args.keysFile,
      '--from-beginning',
      '--group-protocol',
      args.protocol,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('worker ready')) resolve(Date.now())
    })
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${out}`)))
    delay(READY_TIMEOUT_MS, undefined, { ref: false }).then(() =>
      reject(new Error(`worker not ready within ${READY_TIMEOUT_MS} ms: ${out}`)),
    )
  })
  ready.catch(() => {})
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  if (child.pid === undefined) throw new Error('worker did not start')
  return { pid: child.pid, keysFile: args.keysFile, spawnedAt: Date.now(), ready, exited, output: () => out }
}

/** SIGTERM, then the exit code within `ms` (SIGKILL and a failure after that). */
export async function stopWorker(w: WorkerProcess, ms = 30_000): Promise<number | null> {
  signalGroup(w.pid, 'SIGTERM')
  const code = await Promise.race([w.exited, delay(ms).then(() => 'timeout' as const)])
  if (code === 'timeout') {
    signalGroup(w.pid, 'SIGKILL')
    throw new Error(`worker ${w.pid} did not stop within ${ms} ms: ${w.output()}`)
  }
  return code
}

export function killIfAlive(w: WorkerProcess): void {
  if (isAlive(w.pid)) signalGroup(w.pid, 'SIGKILL')
}

/** Produces `total` records, `p<partition>-<seq>`, round-robin over `partitions`, at `rate`/s. */
export async function produceSteadily(
  producer: KafkaProducerPort,
  opts: { topic: string; partitions: number; total: number; rate: number; onSent?: (sent: number) => void },
): Promise<void> {
  const started = Date.now()
  let sent = 0
  while (sent < opts.total) {
    const due = Math.min(opts.total, Math.floor(((Date.now() - started) / 1000) * opts.rate))
    if (due > sent) {
      const batch = Array.from({ length: due - sent }, (_, i) => {
        const seq = sent + i
        const partition = seq % opts.partitions
        return { topic: opts.topic, partition, key: `p${partition}-${seq}`, value: `v${seq}` }
      })
      await producer.send(batch)
      sent = due
      opts.onSent?.(sent)
    }
    await delay(50)
  }
}

/** Reads the keys files incrementally; records when each partition last moved. */
export class KeysTracker {
  readonly #offsets = new Map<string, number>()
  readonly #rest = new Map<string, string>()
  readonly counts = new Map<string, number>()
  /** Distinct keys handled per partition: a record handled again is no progress. */
  readonly perPartition = new Map<number, number>()
  /** Per partition: [time, distinct keys handled so far] each time it grew. */
  readonly progress = new Map<number, Array<[number, number]>>()
  lines = 0

  read(files: string[]): void {
    const now = Date.now()
    for (const file of files) {
      let size = 0
      try {
        size = statSync(file).size
      } catch {
        continue
      }
      const from = this.#offsets.get(file) ?? 0
      if (size <= from) continue
      const buf = Buffer.alloc(size - from)
      const fd = openSync(file, 'r')
      try {
        readSync(fd, buf, 0, buf.length, from)
      } finally {
        closeSync(fd)
      }
      this.#offsets.set(file, size)
      const text = (this.#rest.get(file) ?? '') + buf.toString('utf8')
      const lines = text.split('\n')
      this.#rest.set(file, lines.pop() ?? '')
      for (const key of lines) {
        if (key === '') continue
        this.lines++
        const seen = this.counts.get(key) ?? 0
        this.counts.set(key, seen + 1)
        if (seen > 0) continue
        const partition = Number(key.slice(1, key.indexOf('-')))
        this.perPartition.set(partition, (this.perPartition.get(partition) ?? 0) + 1)
      }
    }
    for (const [p, n] of this.perPartition) {
      const series = this.progress.get(p) ?? []
      if (series.at(-1)?.[1] !== n) series.push([now, n])
      this.progress.set(p, series)
    }
  }

  get distinct(): number {
    return this.counts.size
  }

  get duplicates(): number {
    return this.lines - this.counts.size
  }

  /** Keys `p<seq % partitions>-<seq>` for seq < total that no worker handled. */
  missing(total: number, partitions: number): number {
    let n = 0
    for (let seq = 0; seq < total; seq++) if (!this.counts.has(`p${seq % partitions}-${seq}`)) n++
    return n
  }

  /**
   * Per partition, the longest time within [from, to) without a new record handled: how long it made no progress.
   * A partition's window ends early once it has `expected` records handled (nothing left to consume).
   */
  longestStalls(from: number, to: number, expected: number): Map<number, number> {
    const out = new Map<number, number>()
    for (const [p, series] of this.progress) {
      const done = series.find(([, n]) => n >= expected)?.[0] ?? to
      const end = Math.min(to, done)
      if (end <= from) continue
      out.set(p, longestGap([from, ...series.map(([t]) => t).filter((t) => t > from && t < end), end]))
    }
    return out
  }

  /** The longest time within [from, to) in which the group handled no record for the first time. */
  groupStall(from: number, to: number): number {
    const times = [...this.progress.values()]
      .flatMap((s) => s.map(([t]) => t))
      .filter((t) => t > from && t < to)
    return longestGap([from, ...times.sort((a, b) => a - b), to])
  }
}

function longestGap(times: number[]): number {
  let longest = 0
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!)
  return longest
}
