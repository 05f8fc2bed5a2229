import { describe, expect, it } from 'vitest'
import { type LagInTimeInput, lagInTime } from '../../../src/analyzer/lag/seconds.ts'
import type { RecordProbe } from '../../../src/kafka/port.ts'

const NOW = 1_000_000

const probe = (
  offset: number,
  firstDataOffset: number | null,
  timestamp: number | null,
  error: string | null = null,
) => ({ topic: 't', partition: 0, offset, firstDataOffset, timestamp, error }) satisfies RecordProbe

const base: LagInTimeInput = {
  position: 90,
  logEndOffset: 100,
  rawLag: 10,
  probe: undefined,
  history: [],
  now: NOW,
}

describe('lagInTime', () => {
  const rows: Array<{ name: string; input: Partial<LagInTimeInput>; want: ReturnType<typeof lagInTime> }> = [
    {
      name: 'caught up: 0 records, 0 s, no probe needed',
      input: { position: 100, rawLag: 0 },
      want: { lag: 0, lagSeconds: 0, lagSecondsSource: 'caught-up', flags: [] },
    },
    {
      name: 'probe: age of the first unconsumed record',
      input: { probe: probe(90, 90, NOW - 12_345) },
      want: { lag: 10, lagSeconds: 12.345, lagSecondsSource: 'probe', flags: [] },
    },
    {
      name: 'trailing transaction marker only: 0, not 1',
      input: { position: 99, rawLag: 1, probe: probe(99, null, null) },
      want: { lag: 0, lagSeconds: 0, lagSecondsSource: 'caught-up', flags: ['markers-only'] },
    },
    {
      name: 'data found only past this snapshot’s end counts as caught up',
      input: { position: 99, rawLag: 1, probe: probe(99, 100, NOW - 5) },
      want: { lag: 0, lagSeconds: 0, lagSecondsSource: 'caught-up', flags: ['markers-only'] },
    },
    {
      name: 'leading markers are not records to consume',
      input: { position: 90, probe: probe(90, 92, NOW - 2000) },
      want: { lag: 8, lagSeconds: 2, lagSecondsSource: 'probe', flags: [] },
    },
    {
      name: 'producer clock ahead: clamp at 0 s',
      input: { probe: probe(90, 90, NOW + 5000) },
      want: { lag: 10, lagSeconds: 0, lagSecondsSource: 'probe', flags: [] },
    },
    {
      name: 'probe failed: interpolate over log-end samples',
      input: {
        probe: probe(90, null, null, 'NOT_LEADER_OR_FOLLOWER'),
        history: [
          { offset: 80, time: NOW - 20_000 },
          { offset: 100, time: NOW },
        ],
      },
      want: { lag: 10, lagSeconds: 9, lagSecondsSource: 'interpolated', flags: ['probe-failed'] },
    },
    {
      name: 'probe failed and position older than history: lower bound',
      input: {
        probe: probe(90, null, null, 'timeout'),
        history: [
          { offset: 95, time: NOW - 30_000 },
          { offset: 100, time: NOW },
        ],
      },
      want: { lag: 10, lagSeconds: 30, lagSecondsSource: 'lower-bound', flags: ['probe-failed'] },
    },
    {
      name: 'no probe and one sample: unknown, never NaN',
      input: { history: [{ offset: 100, time: NOW }] },
      want: { lag: 10, lagSeconds: null, lagSecondsSource: 'unknown', flags: ['probe-failed'] },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(lagInTime({ ...base, ...row.input })).toEqual(row.want)
    })
  }
})
