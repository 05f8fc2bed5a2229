import { describe, expect, it } from 'vitest'
import { nextCrashCount, restartDelayMs } from '../../../src/executor/process/backoff.ts'

const options = { initialMs: 1_000, maxMs: 60_000, resetMs: 30_000 }

describe('restart back-off', () => {
  const delays: Array<{ name: string; crashes: number; delayMs: number }> = [
    { name: 'first crash waits the initial delay', crashes: 1, delayMs: 1_000 },
    { name: 'second crash doubles it', crashes: 2, delayMs: 2_000 },
    { name: 'sixth crash: 32 s', crashes: 6, delayMs: 32_000 },
    { name: 'seventh crash would be 64 s: capped', crashes: 7, delayMs: 60_000 },
    { name: 'a thousand crashes stay at the cap (no Infinity, no NaN)', crashes: 1_000, delayMs: 60_000 },
  ]
  it.each(delays)('$name', ({ crashes, delayMs }) => {
    expect(restartDelayMs(crashes, options)).toBe(delayMs)
  })

  const counts: Array<{ name: string; previous: number; ranMs: number; next: number }> = [
    { name: 'a quick crash continues the series', previous: 3, ranMs: 500, next: 4 },
    { name: 'a crash 1 ms short of a healthy run continues it', previous: 3, ranMs: 29_999, next: 4 },
    { name: 'a crash after a healthy run starts a new series', previous: 3, ranMs: 30_000, next: 1 },
    { name: 'the first crash ever', previous: 0, ranMs: 10, next: 1 },
  ]
  it.each(counts)('$name', ({ previous, ranMs, next }) => {
    expect(nextCrashCount(previous, ranMs, options)).toBe(next)
  })
})
