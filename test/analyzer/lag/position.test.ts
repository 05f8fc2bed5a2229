import { describe, expect, it } from 'vitest'
import { type LogOffsets, resolvePosition } from '../../../src/analyzer/lag/position.ts'
import type { OffsetResetPolicy } from '../../../src/analyzer/lag/types.ts'

const log = (start: number, end: number, lso = end): LogOffsets => ({
  logStartOffset: start,
  logEndOffset: end,
  lastStableOffset: lso,
  error: null,
})

describe('resolvePosition', () => {
  const rows: Array<{
    name: string
    committed: number | null
    log: LogOffsets | undefined
    policy?: OffsetResetPolicy
    want: { position: number | null; rawLag: number | null; recordsLost: number; flags: string[] }
  }> = [
    {
      name: 'normal: lag is end − committed',
      committed: 40,
      log: log(0, 100),
      want: { position: 40, rawLag: 60, recordsLost: 0, flags: [] },
    },
    {
      name: 'caught up',
      committed: 100,
      log: log(10, 100),
      want: { position: 100, rawLag: 0, recordsLost: 0, flags: [] },
    },
    {
      name: 'no commit, latest: starts at the end, lag 0 (KEDA says 1)',
      committed: null,
      log: log(10, 100),
      policy: 'latest',
      want: { position: 100, rawLag: 0, recordsLost: 0, flags: ['no-commit'] },
    },
    {
      name: 'no commit (-1), earliest: from log start, not from 0 (KEDA counts deleted records)',
      committed: -1,
      log: log(30, 100),
      policy: 'earliest',
      want: { position: 30, rawLag: 70, recordsLost: 0, flags: ['no-commit'] },
    },
    {
      name: 'committed below log start after retention: clamp to log start, report the loss',
      committed: 5,
      log: log(30, 100),
      want: { position: 30, rawLag: 70, recordsLost: 25, flags: ['below-log-start'] },
    },
    {
      name: 'committed above log end (recreated topic): lag 0, flagged',
      committed: 500,
      log: log(0, 100),
      want: { position: 100, rawLag: 0, recordsLost: 0, flags: ['above-log-end'] },
    },
    {
      name: 'empty log, no commit, earliest',
      committed: null,
      log: log(0, 0),
      policy: 'earliest',
      want: { position: 0, rawLag: 0, recordsLost: 0, flags: ['no-commit'] },
    },
    {
      name: 'open transaction is flagged, lag still against the high watermark',
      committed: 90,
      log: log(0, 100, 95),
      want: { position: 90, rawLag: 10, recordsLost: 0, flags: ['open-transaction'] },
    },
    {
      name: 'log start not read (caught up): lag 0, no flag',
      committed: 100,
      log: log(-1, 100, -1),
      want: { position: 100, rawLag: 0, recordsLost: 0, flags: [] },
    },
    {
      name: 'log start not read, lagging: the commit is the position until the log start is known',
      committed: 40,
      log: log(-1, 100, -1),
      want: { position: 40, rawLag: 60, recordsLost: 0, flags: [] },
    },
    {
      name: 'log start not read, above the end: still flagged',
      committed: 500,
      log: log(-1, 100, -1),
      want: { position: 100, rawLag: 0, recordsLost: 0, flags: ['above-log-end'] },
    },
    {
      name: 'no commit under latest needs no log start',
      committed: null,
      log: log(-1, 100, -1),
      policy: 'latest',
      want: { position: 100, rawLag: 0, recordsLost: 0, flags: ['no-commit'] },
    },
    {
      name: 'no commit under earliest without a log start: unavailable',
      committed: null,
      log: log(-1, 100, -1),
      policy: 'earliest',
      want: { position: null, rawLag: null, recordsLost: 0, flags: ['no-commit', 'offsets-unavailable'] },
    },
    {
      name: 'no leader: unknown, not fatal',
      committed: 40,
      log: { logStartOffset: -1, logEndOffset: -1, lastStableOffset: -1, error: 'LEADER_NOT_AVAILABLE' },
      want: { position: null, rawLag: null, recordsLost: 0, flags: ['offsets-unavailable'] },
    },
    {
      name: 'partition missing from the offsets answer, no commit',
      committed: null,
      log: undefined,
      want: { position: null, rawLag: null, recordsLost: 0, flags: ['no-commit', 'offsets-unavailable'] },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(resolvePosition(row.committed, row.log, row.policy ?? 'latest')).toEqual(row.want)
    })
  }
})
