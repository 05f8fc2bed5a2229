// The lag monitor's reads before the request budget: every partitionOffsets call reads log start, high watermark
// and last stable offset (three ListOffsets per leader). Tests run the monitor on such a port next to the normal
// one and check that both snapshots say the same, except what the budget does not read on purpose.
import { expect } from 'vitest'
import type { GroupLag } from '../../src/analyzer/lag/types.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'

/** The same port, but partitionOffsets ignores `kinds` and reads all three. */
export function fullReads(port: KafkaAdminPort): KafkaAdminPort {
  return new Proxy(port, {
    get(target, name) {
      if (name === 'partitionOffsets')
        return (partitions: Parameters<KafkaAdminPort['partitionOffsets']>[0]) =>
          target.partitionOffsets(partitions)
      const value = Reflect.get(target, name)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * `ours` (budget reads) equals `reference` (full reads), except on caught-up rows: there the log start and the last
 * stable offset are not read (null; the log start is read for uncommitted partitions), so the open-transaction
 * flag is not computed either; the lag is 0 either way. Checks that only such rows miss them. Returns how many
 * rows miss one.
 */
export function expectSameLag(ours: GroupLag[], reference: GroupLag[], label = ''): number {
  const unread = new Map<string, { start: boolean; lso: boolean }>()
  for (const g of ours)
    for (const t of g.topics)
      for (const p of t.partitions)
        if (p.error === null && (p.logStartOffset === null || p.lastStableOffset === null)) {
          const row = `${g.group} ${t.topic}/${p.partition}`
          expect([row, p.lag, p.lagSecondsSource]).toEqual([row, 0, 'caught-up'])
          expect(p.committedOffset === null || p.committedOffset >= p.logEndOffset!, row).toBe(true)
          unread.set(row, { start: p.logStartOffset === null, lso: p.lastStableOffset === null })
        }
  const expected = structuredClone(reference)
  for (const g of expected)
    for (const t of g.topics)
      for (const p of t.partitions) {
        const missing = unread.get(`${g.group} ${t.topic}/${p.partition}`)
        if (missing === undefined) continue
        if (missing.start) p.logStartOffset = null
        if (missing.lso) {
          p.lastStableOffset = null
          p.flags = p.flags.filter((f) => f !== 'open-transaction')
        }
      }
  expect(ours, label).toEqual(expected)
  return unread.size
}
