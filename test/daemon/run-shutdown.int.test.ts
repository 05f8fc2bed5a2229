// `autopilot run` as a real process on the real cluster: it serves its API, scales a process target from zero,
// and on SIGTERM stops gracefully (exit 0, DaemonStopped journaled), leaving the worker replicas as the target's
// `onExit` says: stopped, or still running. Workers are found by their unique keys-file path in /proc and
// stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { isAlive, signalGroup } from '../../src/executor/signals.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const run = `runstop-${Date.now().toString(36)}`
const topic = `${run}-orders`
const BIN = join(import.meta.dirname, '../../bin/autopilot.js')

let admin: KafkaAdminPort
let dir: string
const children: ChildProcess[] = []
const workers = new Set<number>()
const groups: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-run-int-'))
  admin = createAdminPort({ bootstrapServers })
  await admin.createTopic({ topic, partitions: 3, replicationFactor: 1 })
  const producer = createProducerPort({ bootstrapServers })
  await producer.send(Array.from({ length: 50 }, (_, i) => ({ topic, key: `k-${i}`, value: `v${i}` })))
  await producer.close()
})

afterAll(async () => {
  for (const child of children) if (child.pid && isAlive(child.pid)) child.kill('SIGKILL')
  for (const pid of workers) if (isAlive(pid)) signalGroup(pid, 'SIGKILL')
  await admin?.deleteGroups(groups).catch(() => {})
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** PIDs of live processes whose command line contains `marker` (our workers' unique keys-file path). */
function processesWith(marker: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  return found
}

async function waitFor<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await delay(250)
  }
}

describe('autopilot run: graceful shutdown on SIGTERM', () => {
  const rows = [
    { onExit: 'stop' as const, workersAfter: 'stopped' },
    { onExit: 'keep' as const, workersAfter: 'still running' },
  ]
  for (const row of rows) {
    it(`serves, scales from zero, and on SIGTERM exits 0 with the workers ${row.workersAfter} (onExit: ${row.onExit})`, async () => {
      const group = `${run}-${row.onExit}`
      groups.push(group)
      const keysFile = join(dir, `keys-${row.onExit}.txt`)
      const args = [
        BIN,
        'worker',
        '--bootstrap-server',
        kafka.bootstrapServers,
        '--group',
        group,
        '--topic',
        topic,
      ]
      const configFile = join(dir, `autopilot-${row.onExit}.yaml`)
      writeFileSync(
        configFile,
        `scalers:
  - name: orders
    target:
      type: process
      command: ${JSON.stringify(process.execPath)}
      args: ${JSON.stringify([...args, '--keys-file', keysFile, '--from-beginning'])}
      onExit: ${row.onExit}
    trigger:
      type: kafka
      metadata: { bootstrapServers: "${kafka.bootstrapServers}", consumerGroup: ${group}, topic: ${topic}, offsetResetPolicy: earliest }
    pollingInterval: 1
    maxReplicaCount: 1
server: { port: 0 }
journal: { path: state-${row.onExit}/journal.db }
`,
      )
      // 1. start the daemon and read its API address from its log
      const child = spawn(process.execPath, [BIN, 'run', '-c', configFile], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      children.push(child)
      let log = ''
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString()
      })
      const url = await waitFor('the API address', 30_000, () => /API (http:\/\/\S+)/.exec(log)?.[1])
      // 2. the records already in the topic activate the group: one worker starts
      await waitFor('ready', 30_000, async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined))
      await waitFor('one replica', 30_000, async () => {
        const body = (await (await fetch(`${url}/api/v1/scalers`)).json()) as {
          scalers: Array<{ replicas: { desired: number } | null }>
        }
        return body.scalers[0]?.replicas?.desired === 1 ? true : undefined
      })
      const pids = await waitFor('the worker process', 10_000, () => {
        const found = processesWith(keysFile)
        return found.length > 0 ? found : undefined
      })
      for (const pid of pids) workers.add(pid)

      // 3. SIGTERM: a clean exit, within bounds
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = (await Promise.race([exited, delay(30_000).then(() => ['timeout'])])) as [
        number | string,
      ]
      expect(code, log).toBe(0)
      expect(log).toMatch(/SIGTERM: stopping/)
      expect(log).toMatch(/stopped\n$/)

      // 4. the replicas are as onExit says, and the journal closed with DaemonStopped
      const alive = pids.filter(isAlive)
      if (row.onExit === 'stop') expect(alive).toEqual([])
      else expect(alive).toEqual(pids)
      const journal = new SqliteJournal({
        path: join(dir, `state-${row.onExit}`, 'journal.db'),
        readOnly: true,
      })
      const events = journal.list({ kind: 'event' }).map((e) => e.reason)
      const actions = journal.list({ kind: 'action' })
      journal.close()
      expect(events[0]).toBe('DaemonStopped')
      expect(events).toContain('DaemonStarted')
      expect(actions.at(-1)).toMatchObject({ reason: 'Activated', outcome: 'applied' })
      for (const pid of alive) signalGroup(pid, 'SIGTERM')
    })
  }
})
