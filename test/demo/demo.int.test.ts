// `npm start` is the front door: the demo must start its own cluster, show lag rising with the burst and
// falling after it, and leave nothing running when it stops.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runDemo } from '../../src/demo/demo.ts'
import { parseProfile } from '../../src/workload/profile.ts'

function processesMentioning(fragment: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(fragment)
      } catch {
        return false
      }
    })
    .map(Number)
}

describe('demo', () => {
  it('runs a burst through real Kafka, reports lag, and tears everything down', async () => {
    const dir = await mkdtemp(join(process.cwd(), '.stack', 'demo-'))
    const lines: string[] = []
    await runDemo({
      dir,
      topic: 'demo-orders',
      group: 'demo-workers',
      partitions: 12,
      workers: 1,
      workMs: 5,
      phases: parseProfile('2s@50,6s@1500,20s@50'),
      pollMs: 1000,
      durationMs: 14_000,
      signal: new AbortController().signal,
      out: { write: (text: string) => lines.push(text) },
    })
    const lags = lines
      .map((l) => /lag (\d+) records/.exec(l)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
    expect(lags.length).toBeGreaterThan(5)
    // one worker at 5 ms per record (< 200/s) cannot keep up with 1,500/s: lag builds during the burst
    expect(Math.max(...lags)).toBeGreaterThan(1000)
    expect(lines.join('')).toContain('stopped.')
    expect(existsSync(dir)).toBe(false)
    expect(processesMentioning(dir)).toEqual([])
  })
})
