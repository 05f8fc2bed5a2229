// The one bounded poll on a virtual clock (sleeping advances it): it returns the awaited answer, stops at the
// deadline with the last answer or error, shortens the last pause to end at the deadline, and stops on abort.
import { describe, expect, it } from 'vitest'
import { poll, pollUntil, type WaitClock } from '../../src/kafka/wait.ts'

/** A virtual clock: sleeping advances it, recording each pause and the signal it was given. */
function clock(onSleep?: (count: number) => void) {
  let t = 1_000
  const sleeps: number[] = []
  const c: WaitClock & { sleeps: number[] } = {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms)
      t += ms
      onSleep?.(sleeps.length)
    },
  }
  return c
}

/** Answers the given values in turn (an Error is thrown), the last one forever; records when it was called. */
function answers<V>(c: WaitClock, ...values: Array<V | Error>) {
  const at: number[] = []
  let i = 0
  const check = async (): Promise<V> => {
    at.push(c.now())
    const v = values[Math.min(i++, values.length - 1)]
    if (v instanceof Error) throw v
    return v as V
  }
  return { check, at }
}

describe('poll', () => {
  it('returns the first awaited answer, pausing intervalMs between checks', async () => {
    const c = clock()
    const a = answers<number | undefined>(c, undefined, undefined, 7)
    const result = await poll(a.check, { timeoutMs: 10_000, intervalMs: 250, clock: c })
    expect(result).toEqual({ ok: true, value: 7, attempts: 3 })
    expect(c.sleeps).toEqual([250, 250])
    expect(a.at).toEqual([1_000, 1_250, 1_500])
  })

  it('times out with the last answer, the last check made at the deadline', async () => {
    const c = clock()
    let n = 0
    const check = async () => ++n
    const result = await poll(check, { timeoutMs: 250, intervalMs: 100, until: (v) => v > 10, clock: c })
    expect(result).toEqual({ ok: false, attempts: 4, lastValue: 4, lastError: undefined })
    expect(c.sleeps).toEqual([100, 100, 50])
    expect(c.now()).toBe(1_250)
  })

  it('checks once with timeoutMs 0 and never sleeps', async () => {
    const c = clock()
    const a = answers(c, false)
    expect(await poll(a.check, { timeoutMs: 0, clock: c })).toMatchObject({ ok: false, attempts: 1 })
    expect(c.sleeps).toEqual([])
  })

  it('by default treats undefined, null and false as not yet, and 0 or "" as answers', async () => {
    const c = clock()
    const a = answers<unknown>(c, undefined, null, false, 0)
    expect(await poll(a.check, { timeoutMs: 1_000, clock: c })).toEqual({ ok: true, value: 0, attempts: 4 })
    expect(await poll(async () => '', { timeoutMs: 0, clock: c })).toMatchObject({ ok: true, value: '' })
  })

  it('with tolerateErrors remembers the last error, forgotten once a later check answers', async () => {
    const c = clock()
    const a = answers<string | undefined>(c, new Error('first'), new Error('second'))
    const failed = await poll(a.check, { timeoutMs: 300, intervalMs: 100, tolerateErrors: true, clock: c })
    expect(failed).toMatchObject({ ok: false, attempts: 4, lastValue: undefined })
    expect(failed.ok || (failed.lastError as Error).message).toBe('second')

    const b = answers<string | undefined>(c, new Error('flaky'), undefined)
    const answered = await poll(b.check, { timeoutMs: 100, intervalMs: 100, tolerateErrors: true, clock: c })
    expect(answered).toEqual({ ok: false, attempts: 2, lastValue: undefined, lastError: undefined })
  })

  it('without tolerateErrors rejects with the first error, checking no more', async () => {
    const c = clock()
    const a = answers<boolean>(c, false, new Error('broken'), true)
    await expect(poll(a.check, { timeoutMs: 1_000, clock: c })).rejects.toThrow('broken')
    expect(a.at).toHaveLength(2)
  })

  it('a pause that rejects with a plain AbortError (as realClock does) still rejects with the abort reason', async () => {
    const controller = new AbortController()
    const c = clock()
    c.sleep = async () => {
      controller.abort(new Error('operation cancelled'))
      throw new DOMException('This operation was aborted', 'AbortError')
    }
    const a = answers(c, false)
    await expect(poll(a.check, { timeoutMs: 10_000, signal: controller.signal, clock: c })).rejects.toThrow(
      'operation cancelled',
    )
    expect(a.at).toHaveLength(1)
  })

  it('rejects with the abort reason before the next check, passing the signal to sleep', async () => {
    const controller = new AbortController()
    const signals: Array<AbortSignal | undefined> = []
    const c = clock((count) => {
      if (count === 2) controller.abort(new Error('operation cancelled'))
    })
    const sleep = c.sleep
    c.sleep = (ms, signal) => {
      signals.push(signal)
      return sleep(ms, signal)
    }
    const a = answers(c, false)
    const waiting = poll(a.check, { timeoutMs: 10_000, signal: controller.signal, clock: c })
    await expect(waiting).rejects.toThrow('operation cancelled')
    expect(a.at).toHaveLength(2)
    expect(signals).toEqual([controller.signal, controller.signal])
    await expect(poll(a.check, { timeoutMs: 0, signal: controller.signal, clock: c })).rejects.toThrow(
      'operation cancelled',
    )
    expect(a.at).toHaveLength(2)
  })
})

describe('pollUntil (the boolean form)', () => {
  it('answers whether the check became true, without sleeping when the timeout is 0', async () => {
    expect(await pollUntil(async () => true, 0)).toBe(true)
    expect(await pollUntil(async () => false, 0)).toBe(false)
  })
})
