// onCtrlC: the two-stage Ctrl-C that `rebalance execute` and `brokers add|remove` share.
import { describe, expect, it } from 'vitest'
import { EXIT_INTERRUPTED, onCtrlC } from '../../../../src/cli/commands/rebalance/session.ts'

function fakeProcess() {
  const handlers = new Set<() => void>()
  const stderr: string[] = []
  const exits: number[] = []
  return {
    stderr,
    exits,
    sigint: () => {
      for (const h of handlers) h()
    },
    deps: {
      onInterrupt: (h: () => void) => {
        handlers.add(h)
        return () => handlers.delete(h)
      },
      stderr: { write: (t: string) => stderr.push(t) },
      exit: (code: number) => exits.push(code),
    },
  }
}

describe('onCtrlC', () => {
  it('the first Ctrl-C starts the clean stop, the second exits 130 at once with the note', () => {
    const p = fakeProcess()
    let stops = 0
    onCtrlC(p.deps, () => stops++, 'exiting without cleanup')
    p.sigint()
    expect(stops).toBe(1)
    expect(p.exits).toEqual([])
    p.sigint()
    expect(stops).toBe(1)
    expect(p.stderr).toEqual(['exiting without cleanup\n'])
    expect(p.exits).toEqual([EXIT_INTERRUPTED])
    expect(EXIT_INTERRUPTED).toBe(130)
  })

  it('stops listening when asked', () => {
    const p = fakeProcess()
    let stops = 0
    const stop = onCtrlC(p.deps, () => stops++, 'note')
    stop()
    p.sigint()
    expect(stops).toBe(0)
  })
})
