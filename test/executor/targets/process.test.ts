// The process target against a real child process: a tiny Node script (test/fixtures/executor/replica.mjs).
// Every wait is on a pool event (spawn, ready, exit, restart) with a bound; nothing sleeps.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { ExitEvent, ReplicaEvent } from '../../../src/executor/process/pool.ts'
import { isAlive, signalGroup } from '../../../src/executor/signals.ts'
import { createProcessTarget, type ProcessTarget } from '../../../src/executor/targets/process.ts'
import { collectEvents, nextEvent } from '../events.ts'

const REPLICA = join(import.meta.dirname, '../../fixtures/executor/replica.mjs')
const OWNER = join(import.meta.dirname, '../../fixtures/executor/pool-owner.mjs')

let logDir: string
const opened: ProcessTarget[] = []
const strays: number[] = []

beforeEach(() => {
  logDir = mkdtempSync(join(tmpdir(), 'autopilot-process-'))
})

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close({ onExit: 'stop' })))
  for (const pid of strays.splice(0)) signalGroup(pid, 'SIGKILL')
  rmSync(logDir, { recursive: true, force: true })
})

function target(args: string[] = [], options: Record<string, unknown> = {}): ProcessTarget {
  const t = createProcessTarget(
    // Ready = the fixture printed START, i.e. its signal handlers are installed.
    { command: process.execPath, args: [REPLICA, ...args], logDir, readyLine: 'START', ...options },
    { label: 'consumer' },
  )
  opened.push(t)
  return t
}

const log = (index: number) => readFileSync(join(logDir, `consumer-${index}.log`), 'utf8')

describe('process target: scaling', () => {
  it('without a ready line, a replica is ready once it has run for settleMs', async () => {
    const t = target([], { readyLine: undefined, settleMs: 1_000 })
    const ready = collectEvents<ReplicaEvent>(t.pool, 'ready', 2)
    await t.scale(2, { dryRun: false })
    expect(await t.describe()).toEqual({ desired: 2, current: 2, ready: 0 })
    await ready
    expect(await t.describe()).toEqual({ desired: 2, current: 2, ready: 2 })
  })

  it('starts N replicas, each told its index in AUTOPILOT_REPLICA_INDEX, with the configured env', async () => {
    const t = target([], { env: { EXTRA: 'x1' } })
    const ready = collectEvents<ReplicaEvent>(t.pool, 'ready', 3)
    const result = await t.scale(3, { dryRun: false })
    expect(result).toMatchObject({ kind: 'process', previous: 0, replicas: 3, applied: true })
    expect((await ready).map((e) => e.index).sort()).toEqual([0, 1, 2])
    expect(await t.describe()).toEqual({ desired: 3, current: 3, ready: 3 })
    for (const i of [0, 1, 2]) expect(log(i)).toContain(`START index=${i} `)
    expect(log(0)).toContain('extra=x1')
  })

  it('is ready only once the replica prints its ready line', async () => {
    const t = target(['--ready-after', '0', '--ready-index', '1'], { readyLine: 'READY' })
    const ready = nextEvent<ReplicaEvent>(t.pool, 'ready')
    await t.scale(2, { dryRun: false })
    expect((await ready).index).toBe(1)
    // Replica 0 never prints the line: running, not ready.
    expect(await t.describe()).toEqual({ desired: 2, current: 2, ready: 1 })
  })

  it('scale-down stops the newest replicas with SIGTERM and keeps the oldest running', async () => {
    const t = target()
    const ready = collectEvents(t.pool, 'ready', 3)
    await t.scale(3, { dryRun: false })
    await ready
    const [first] = t.pool.pids()
    const exits = collectEvents<ExitEvent>(t.pool, 'exit', 2)
    const result = await t.scale(1, { dryRun: false })
    expect(result.message).toBe('stopped replicas 2, 1 (3 → 1)')
    const exited = await exits
    expect(exited.map((e) => e.index).sort()).toEqual([1, 2])
    expect(exited.every((e) => e.expected && e.code === 0)).toBe(true)
    expect(t.pool.pids()).toEqual([first])
    expect(await t.describe()).toEqual({ desired: 1, current: 1, ready: 1 })
    expect(log(2)).toContain('TERM')
  })

  it('SIGKILLs a replica that ignores SIGTERM once stopTimeoutMs has passed', async () => {
    const t = target(['--ignore-term'], { stopTimeoutMs: 200 })
    await t.scale(1, { dryRun: false })
    await nextEvent(t.pool, 'ready')
    const exit = nextEvent<ExitEvent>(t.pool, 'exit')
    await t.scale(0, { dryRun: false })
    expect(await exit).toMatchObject({ index: 0, signal: 'SIGKILL', expected: true })
    expect(log(0)).toContain('TERM ignored')
  })

  it('a dry run starts and stops nothing', async () => {
    const t = target()
    const result = await t.scale(2, { dryRun: true })
    expect(result).toMatchObject({
      applied: false,
      dryRun: true,
      message: 'would start replicas 0, 1 (0 → 2)',
    })
    expect(await t.describe()).toEqual({ desired: 0, current: 0, ready: 0 })
  })

  it('asking for the current count is a no-op', async () => {
    const t = target()
    await t.scale(1, { dryRun: false })
    expect(await t.scale(1, { dryRun: false })).toMatchObject({
      applied: false,
      message: 'already at 1 replicas',
    })
  })
})

describe('process target: crashes', () => {
  it('restarts a crashing replica with exponential, capped back-off, under the same index', async () => {
    const t = target(['--exit-after', '0'], {
      backoffInitialMs: 20,
      backoffMaxMs: 80,
      backoffResetMs: 60_000,
    })
    const restarts = collectEvents<{ index: number; delayMs: number }>(t.pool, 'restart', 5)
    const spawns = collectEvents<ReplicaEvent>(t.pool, 'spawn', 3)
    await t.scale(1, { dryRun: false })
    expect((await restarts).map((r) => r.delayMs)).toEqual([20, 40, 80, 80, 80])
    const started = await spawns
    expect(new Set(started.map((s) => s.pid)).size).toBe(3)
    expect(started.every((s) => s.index === 0)).toBe(true)
    const crash = await nextEvent<ExitEvent>(t.pool, 'exit')
    expect(crash).toMatchObject({ code: 3, expected: false })
    // Scaling to zero ends the crash loop.
    await t.scale(0, { dryRun: false })
    expect(await t.describe()).toEqual({ desired: 0, current: 0, ready: 0 })
  })

  it('a replica that ran longer than backoffResetMs before crashing restarts after the initial delay again', async () => {
    // Each run lasts at least 150 ms (the fixture's timer starts after Node has booted), above the 100 ms reset.
    const t = target(['--exit-after', '150'], { backoffInitialMs: 20, backoffMaxMs: 80, backoffResetMs: 100 })
    const restarts = collectEvents<{ delayMs: number; crashes: number }>(t.pool, 'restart', 3)
    await t.scale(1, { dryRun: false })
    expect((await restarts).map((r) => [r.delayMs, r.crashes])).toEqual([
      [20, 1],
      [20, 1],
      [20, 1],
    ])
  })
})

describe('process target: close', () => {
  it('onExit keep leaves replicas running; stop (the default) stops them', async () => {
    const kept = target()
    await kept.scale(2, { dryRun: false })
    const pids = kept.pool.pids() as number[]
    strays.push(...pids)
    await kept.close({ onExit: 'keep' })
    expect(pids.every(isAlive)).toBe(true)

    const stopped = target()
    await stopped.scale(2, { dryRun: false })
    const stoppedPids = stopped.pool.pids() as number[]
    const exits = collectEvents<ExitEvent>(stopped.pool, 'exit', 2)
    await stopped.close()
    expect((await exits).every((e) => e.expected)).toBe(true)
    expect(stoppedPids.some(isAlive)).toBe(false)
  })
})

describe('process target: bad input names the field', () => {
  const rows: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'empty command', options: { command: ' ' }, field: 'scalers[0].target.command' },
    { name: 'missing command', options: {}, field: 'scalers[0].target.command' },
    { name: 'args not a list', options: { command: 'x', args: 'a b' }, field: 'scalers[0].target.args' },
    {
      name: 'onExit not keep/stop',
      options: { command: 'x', onExit: 'kill' },
      field: 'scalers[0].target.onExit',
    },
    {
      name: 'readyLine without logDir',
      options: { command: 'x', readyLine: 'READY' },
      field: 'scalers[0].target.readyLine',
    },
    {
      name: 'back-off cap below start',
      options: { command: 'x', backoffInitialMs: 500, backoffMaxMs: 100 },
      field: 'scalers[0].target.backoffMaxMs',
    },
    { name: 'negative settle', options: { command: 'x', settleMs: -1 }, field: 'scalers[0].target.settleMs' },
    { name: 'misspelt option', options: { command: 'x', comand: 'y' }, field: 'scalers[0].target.comand' },
  ]
  it.each(rows)('$name → $field', ({ options, field }) => {
    try {
      createProcessTarget(options, { field: 'scalers[0].target' })
      expect.unreachable()
    } catch (err) {
      expect(AutopilotError.is(err) && [err.code, err.field]).toEqual(['AP_ERR_CONFIG', field])
    }
  })

  const runtime: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'command not found', options: { command: '/nonexistent/consumer' }, field: 'target.command' },
    {
      name: 'missing working directory',
      options: { command: process.execPath, cwd: '/nonexistent/dir' },
      field: 'target.cwd',
    },
  ]
  it.each(runtime)('$name at scale time → $field, nothing left running', async ({ options, field }) => {
    const t = createProcessTarget({ ...options, logDir })
    opened.push(t)
    await expect(t.scale(2, { dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_CONFIG', field })
    expect(await t.describe()).toEqual({ desired: 0, current: 0, ready: 0 })
  })

  it('rejects a replica count that is not a non-negative integer', async () => {
    const t = target()
    await expect(t.scale(-1, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'replicas',
    })
    await expect(t.scale(1.5, { dryRun: false })).rejects.toThrow(/non-negative integer/)
  })
})

/** Running, as opposed to gone or a zombie nobody reaped (the replica is not our child here). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/** Bounded poll: another process's exit cannot be awaited as an event. */
async function gone(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!running(pid)) return true
    await delay(20)
  }
  return false
}

describe('process target: Autopilot exits without close()', () => {
  it.each([
    { onExit: 'stop', survives: false },
    { onExit: 'keep', survives: true },
  ])('onExit $onExit: the replica survives = $survives', async ({ onExit, survives }) => {
    const owner = spawn(process.execPath, [OWNER, REPLICA, logDir, onExit], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    owner.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    const [code] = await once(owner, 'exit')
    expect(code).toBe(0)
    const pid = Number(/PID (\d+)/.exec(out)?.[1])
    expect(pid).toBeGreaterThan(0)
    strays.push(pid)
    if (survives) {
      expect(running(pid)).toBe(true)
    } else {
      expect(await gone(pid)).toBe(true)
    }
  })
})
