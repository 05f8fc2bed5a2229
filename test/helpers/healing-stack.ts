// Shared bits of the end-to-end self-healing tests on a private cluster: bounded waits, the replication throttle
// keys left anywhere in the cluster, a topic with data on chosen brokers, the daemon as a child process
// (`autopilot run -c FILE`, killable with SIGKILL) with its config file and its journal, and the Prometheus /
// Alertmanager views of an alert.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { BROKER_THROTTLE_KEYS, TOPIC_THROTTLE_KEYS } from '../../src/executor/reassignment/throttles.ts'
import type { JournalEntry } from '../../src/journal/journal.ts'
import { createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import type { StackState } from '../../src/stack/types.ts'

export const BIN = join(import.meta.dirname, '../../bin/autopilot.js')

/** Thrown by a waitFor check to end the wait at once (other errors are retried until the deadline). */
export class WaitAborted extends Error {}

/** Polls `check` until it returns a value other than undefined; throws naming `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined> | T | undefined,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + ms
  let lastError: unknown = null
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      if (err instanceof WaitAborted) throw err
      lastError = err
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      )
    }
    await delay(intervalMs)
  }
}

/** Every replication throttle key set on a live broker or on any topic, as `broker 1 key=value` lines. */
export async function throttlesLeft(admin: KafkaAdminPort): Promise<string[]> {
  const md = await admin.metadata()
  const resources = [
    ...md.brokers.map((b) => ({
      type: 'broker' as const,
      name: String(b.id),
      keys: [...BROKER_THROTTLE_KEYS],
    })),
    ...md.topics.map((t) => ({ type: 'topic' as const, name: t.name, keys: [...TOPIC_THROTTLE_KEYS] })),
  ]
  const answers = await admin.describeConfigs(resources)
  return answers.flatMap((a) =>
    Object.entries(a.configs)
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `${a.type} ${a.name} ${k}=${v}`),
  )
}

/** Under-replicated partitions in the metadata (ISR smaller than the replica set). */
export async function underReplicatedCount(admin: KafkaAdminPort): Promise<number> {
  const md = await admin.metadata()
  return md.topics.reduce(
    (n, t) => n + t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    0,
  )
}

/** Writes about `kib` KiB of incompressible data to each partition of `topic` (8 KiB records). */
export async function fillTopic(
  bootstrapServers: string[],
  topic: string,
  partitions: number,
  kib: number,
): Promise<void> {
  const producer = createProducerPort({ bootstrapServers })
  const value = () =>
    Buffer.from(Array.from({ length: 4096 }, () => Math.floor(Math.random() * 256))).toString('hex')
  try {
    for (let partition = 0; partition < partitions; partition++) {
      for (let i = 0; i < Math.ceil(kib / 8); i += 16) {
        const n = Math.min(16, Math.ceil(kib / 8) - i)
        await producer.send(Array.from({ length: n }, () => ({ topic, partition, value: value() })))
      }
    }
  } finally {
    await producer.close()
  }
}

export interface DaemonProcess {
  child: ChildProcess
  url: string
  log(): string
  /** SIGKILL: no clean-up at all, like a crash or an OOM kill. */
  kill(): Promise<void>
  /** SIGTERM, bounded; resolves with the exit code (or the signal that ended it). */
  stop(): Promise<number | string | null>
}

/**
 * Writes `<dir>/autopilot.yaml` for `autopilot run` on the private stack in `dir`: one cluster (the local
 * backend on that folder), alerts acted on automatically, the journal in the folder. Returns the file's path.
 */
export function writeDaemonConfig(
  dir: string,
  stack: StackState,
  options: { cluster: string; server: string; reassignment?: string },
): string {
  const file = join(dir, 'autopilot.yaml')
  writeFileSync(
    file,
    `clusters:
  ${options.cluster}:
    bootstrapServers: "${stack.bootstrapServers}"
    backend: { type: local, dir: ${JSON.stringify(dir)}, heapMb: 384 }
${options.reassignment ? `    reassignment: ${options.reassignment}\n` : ''}alerts: { mode: auto }
server: ${options.server}
journal: { path: ${JSON.stringify(join(dir, 'journal.db'))} }
`,
  )
  return file
}

/** The daemon's journal behind `url`, oldest entry first (the API lists the newest first). */
export async function journalOf(url: string): Promise<JournalEntry[]> {
  const res = await fetch(`${url}/api/v1/decisions?limit=1000`, { signal: AbortSignal.timeout(5_000) })
  return ((await res.json()) as { entries: JournalEntry[] }).entries.reverse()
}

/** Starts `autopilot run -c configFile` and waits (bounded) until it serves its API. */
export async function startDaemonProcess(configFile: string, ms = 60_000): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [BIN, 'run', '-c', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  const exited = once(child, 'exit')
  const alive = () => child.exitCode === null && child.signalCode === null
  const url = await waitFor(
    'the daemon to serve its API',
    ms,
    () => {
      if (!alive())
        throw new WaitAborted(`autopilot run exited (${child.exitCode ?? child.signalCode}): ${log}`)
      return /API (http:\/\/\S+)/.exec(log)?.[1]
    },
    200,
  ).catch((err) => {
    if (alive()) child.kill('SIGKILL')
    throw err
  })
  return {
    child,
    url,
    log: () => log,
    async kill() {
      if (alive()) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (alive()) child.kill('SIGTERM')
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), 60_000)
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null]
      clearTimeout(timer)
      return code ?? signal
    },
  }
}

interface PromAlert {
  labels: Record<string, string>
  state: 'pending' | 'firing'
}

/** The alerts Prometheus holds for `name` (pending or firing). */
export async function prometheusAlerts(prometheusUrl: string, name: string): Promise<PromAlert[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) })
  const body = (await res.json()) as { data: { alerts: PromAlert[] } }
  return body.data.alerts.filter((a) => a.labels.alertname === name)
}

/** Sends an alert to Alertmanager (as Prometheus would), so it reaches the webhook through the real route. */
export async function sendToAlertmanager(
  alertmanagerUrl: string,
  alert: { labels: Record<string, string>; annotations: Record<string, string>; endsAt?: string },
): Promise<void> {
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ ...alert, startsAt: new Date().toISOString() }]),
    signal: AbortSignal.timeout(5_000),
  })
  if (!res.ok) throw new Error(`Alertmanager answered ${res.status}: ${await res.text()}`)
}
