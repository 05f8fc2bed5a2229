// `npm start` is the front door: `autopilot demo` (run here as its own process, as npm start runs it) must
// start its own cluster, print the dashboard URL and the bootstrap servers, have the daemon scale the
// workers out during the burst, and after --duration stop everything it started (brokers, workers, the
// daemon itself), checked by PID, with nothing left running and its folder removed.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { isAlive, signalGroup } from '../../src/executor/signals.ts'
import type { StackState } from '../../src/stack/types.ts'
import { processesMentioning, running } from '../helpers/processes.ts'

const BIN = join(import.meta.dirname, '../../bin/autopilot.js')
const DURATION_S = 75

/** Polls `check` every 250 ms until it returns a value, or fails naming `what` after `ms`. */
async function waitFor<T>(what: string, ms: number, check: () => T | undefined | null | false): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await delay(250)
  }
}

let child: ChildProcess | undefined
const pids = new Set<number>()

afterAll(async () => {
  // only when the test failed half-way: Ctrl-C the demo (it tears down), then make sure by PID
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT')
    await waitFor(
      'the demo to stop',
      60_000,
      () => child!.exitCode !== null || child!.signalCode !== null,
    ).catch(() => child!.kill('SIGKILL'))
  }
  for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGKILL')
})

describe('autopilot demo', () => {
  it('starts, scales the workers out during the burst, serves the dashboard, and stops everything after --duration', async () => {
    const dir = await mkdtemp(join(process.cwd(), '.stack', 'demo-'))
    const args = [
      BIN,
      'demo',
      '--dir',
      dir,
      '--port',
      '0',
      '--profile',
      '5s@50,15s@1500,120s@50',
      '--max-workers',
      '4',
      '--duration',
      `${DURATION_S}s`,
    ]
    const demo = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = demo
    let output = ''
    demo.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    demo.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)))
    try {
      // 1. the cluster, then the dashboard URL and the bootstrap servers are printed
      const url = await waitFor(
        'the dashboard URL',
        240_000,
        () => /dashboard: (http:\/\/\S+)/.exec(output)?.[1],
      )
      expect(output).toMatch(/bootstrap servers: 127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}/)
      const stack = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as StackState
      const brokers = stack.nodes.map((n) => n.pid)
      expect(brokers).toHaveLength(3)
      for (const pid of brokers) pids.add(pid)

      // 2. the dashboard answers: the page and its data
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Kafka Autopilot')
      const series = await fetch(`${url}api/v1/timeseries`)
      expect(series.status).toBe(200)

      // 3. the burst (1,500/s against workers handling ~170/s each) makes the daemon scale out beyond one
      const scaledOut = await waitFor('a scale-out beyond one worker', DURATION_S * 1000, () => {
        for (const m of output.matchAll(/scale (\d+) → (\d+) applied/g)) if (Number(m[2]) > 1) return m[0]
        return undefined
      })
      expect(scaledOut).toBeTruthy()

      // 4. --duration ends the demo by itself, cleanly
      const code = await Promise.race([
        exited,
        delay(DURATION_S * 1000 + 90_000).then(() => 'timeout' as const),
      ])
      for (const m of output.matchAll(/worker \d+ started \(pid (\d+)\)/g)) pids.add(Number(m[1]))
      expect(code, output.slice(-3000)).toBe(0)
      expect(output).toContain('stopped.')
      expect(pids.size).toBeGreaterThanOrEqual(3 + 2)
      for (const pid of [...pids, demo.pid!]) expect(running(pid), `pid ${pid}`).toBe(false)
      expect(processesMentioning(dir)).toEqual([])
      expect(existsSync(dir)).toBe(false)
      await expect(fetch(url)).rejects.toThrow()
    } catch (err) {
      console.log(output.slice(-5000))
      throw err
    }
  }, 420_000)
})
