import { describe, expect, it } from 'vitest'
import {
  eventLine,
  formatBytes,
  formatDuration,
  fractionDone,
  ProgressRenderer,
  progressBar,
  progressText,
} from '../../src/cli/progress.ts'
import type { ReassignmentEvent } from '../../src/executor/reassignment/events.ts'
import type { ProgressSnapshot } from '../../src/executor/reassignment/types.ts'

const MiB = 1024 * 1024
const ESC = String.fromCharCode(27)
const CLEAR = `\r${ESC}[2K`

function snap(over: Partial<ProgressSnapshot> & { done?: number; inFlight?: number } = {}): ProgressSnapshot {
  const { done = 3, inFlight = 2, ...rest } = over
  return {
    executionId: 'ra-1',
    state: 'running',
    at: 10_000,
    startedAt: 0,
    counts: { total: 10, pending: 10 - done - inFlight, inFlight, done, notMoved: 0 },
    bytes: { total: 4 * MiB, copied: 1.5 * MiB },
    etaMs: 12_000,
    moves: [],
    ...rest,
  }
}

function sink(isTTY: boolean, columns = 100) {
  const chunks: string[] = []
  return {
    out: { write: (t: string) => chunks.push(t), isTTY, columns },
    chunks,
    text: () => chunks.join(''),
  }
}

const started: ReassignmentEvent = {
  kind: 'started',
  at: 1,
  executionId: 'ra-1',
  message: 'batch 1: 2 moves',
  batch: 1,
  moves: [],
}

describe('progress formatting', () => {
  it('formats bytes in binary units and durations as s, m, h', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(10 * MiB)).toBe('10.0 MiB')
    expect(formatDuration(45_000)).toBe('45s')
    expect(formatDuration(185_000)).toBe('3m05s')
    expect(formatDuration(7_440_000)).toBe('2h04m')
  })

  it('says partitions done/total, moving, bytes, throttle and ETA', () => {
    expect(progressText(snap(), 10 * MiB)).toBe(
      '3/10 partitions, 2 moving, 1.5/4.0 MiB, ETA 12s, throttle 10.0 MiB/s',
    )
    expect(progressText(snap({ bytes: { total: 4 * MiB, copied: 512 } }))).toMatch(/, 512 B\/4\.0 MiB, /)
    expect(progressText(snap({ bytes: null, etaMs: null }), null)).toBe(
      '3/10 partitions, 2 moving, unthrottled',
    )
    expect(progressText(snap({ state: 'cancelled', inFlight: 0 }))).toBe(
      '3/10 partitions, 1.5/4.0 MiB, cancelled',
    )
  })

  it('fills the bar by bytes when known, else by partitions', () => {
    expect(fractionDone(snap())).toBeCloseTo(0.375)
    expect(fractionDone(snap({ bytes: null }))).toBeCloseTo(0.3)
    expect(
      fractionDone(
        snap({ bytes: null, counts: { total: 0, pending: 0, inFlight: 0, done: 0, notMoved: 0 } }),
      ),
    ).toBe(1)
    const bar = progressBar(snap(), 10 * MiB, 100)
    expect(bar).toMatch(/^\[#+-+\] {2}37% 3\/10 partitions/)
    expect(bar.length).toBeLessThan(100)
  })

  it('narrows the bar before cutting the text: a typical line fits 80 columns whole', () => {
    const bar = progressBar(snap(), null, 80)
    expect(bar.length).toBeLessThan(80)
    expect(bar).toMatch(/ETA 12s, unthrottled$/)
    expect(progressBar(snap(), 10 * MiB, 80)).toMatch(/ETA 12s, thr.*…$/)
  })

  it('cuts the bar to the terminal width', () => {
    const bar = progressBar(snap(), 10 * MiB, 50)
    expect(bar.length).toBeLessThanOrEqual(49)
    expect(bar.endsWith('…')).toBe(true)
  })

  it('prints every event but progress (the bar shows it)', () => {
    expect(eventLine(started)).toBe('started: batch 1: 2 moves')
    expect(
      eventLine({ ...started, kind: 'progress', done: [], counts: snap().counts, bytes: null, etaMs: null }),
    ).toBeNull()
  })
})

describe('ProgressRenderer', () => {
  it('on a terminal redraws one line in place and prints events above it', () => {
    const { out, chunks, text } = sink(true)
    const r = new ProgressRenderer(out, { throttle: MiB })
    r.update(snap())
    r.update(snap({ done: 4, inFlight: 1 }))
    r.event(started)
    r.end()
    expect(chunks[0]!.startsWith(`${CLEAR}[#`)).toBe(true)
    expect(chunks[1]).toMatch(/4\/10 partitions/)
    expect(chunks[2]!.startsWith(`${CLEAR}started: batch 1: 2 moves\n[#`)).toBe(true)
    expect(chunks[2]).toMatch(/4\/10 partitions/)
    expect(text().endsWith('\n')).toBe(true)
    expect(text().split('\n')).toHaveLength(3)
  })

  it('a terminal that reports 0 columns gets 80', () => {
    const { out, text } = sink(true, 0)
    new ProgressRenderer(out, { throttle: MiB }).update(snap())
    expect(text()).toMatch(/\[#+-+\] {2}37% 3\/10 partitions/)
  })

  it('without a terminal logs plain lines: on count changes, and for bytes alone at most every logEveryMs', () => {
    const { out, text } = sink(false)
    const r = new ProgressRenderer(out, { throttle: MiB, logEveryMs: 5_000 })
    r.update(snap({ at: 1_000 }))
    r.update(snap({ at: 2_000, bytes: { total: 4 * MiB, copied: 2 * MiB } }))
    r.update(snap({ at: 3_000, done: 4, inFlight: 1 }))
    r.update(snap({ at: 9_000, done: 4, inFlight: 1, bytes: { total: 4 * MiB, copied: 3 * MiB } }))
    r.event(started)
    r.end()
    const lines = text().trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/^progress: 3\/10 partitions/)
    expect(lines[1]).toMatch(/^progress: 4\/10 partitions/)
    expect(lines[2]).toMatch(/3\.0\/4\.0 MiB/)
    expect(lines[3]).toBe('started: batch 1: 2 moves')
    expect(text()).not.toContain(ESC)
  })
})
