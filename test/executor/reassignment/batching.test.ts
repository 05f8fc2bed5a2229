import { describe, expect, it } from 'vitest'
import { brokerLoad, brokersOf, nextBatch } from '../../../src/executor/reassignment/batching.ts'
import { makeMove } from '../../../src/executor/reassignment/moves.ts'
import type { Limits, Move } from '../../../src/executor/reassignment/types.ts'

const mv = (partition: number, from: number[], to: number[], topic = 't'): Move =>
  makeMove({ topic, partition }, from, to)
const names = (moves: Move[]) => moves.map((m) => `${m.topic}-${m.partition}`)

describe('brokersOf', () => {
  it.each([
    { name: 'one replica replaced', from: [1, 2], to: [3, 2], brokers: [3, 1] },
    { name: 'both replicas replaced', from: [1, 2], to: [3, 4], brokers: [3, 4, 1, 2] },
    { name: 'replica added (RF up)', from: [1, 2], to: [1, 2, 3], brokers: [3] },
    { name: 'reorder only: copies nothing', from: [1, 2], to: [2, 1], brokers: [] },
    { name: 'replica dropped (RF down): copies nothing', from: [1, 2, 3], to: [1, 2], brokers: [] },
  ])('$name', ({ from, to, brokers }) => {
    expect(brokersOf(mv(0, from, to))).toEqual(brokers)
  })
})

describe('nextBatch', () => {
  const limits = (maxMovesPerBroker: number, maxMoves = 100): Limits => ({ maxMovesPerBroker, maxMoves })

  it.each([
    {
      name: 'per-broker limit 1: moves sharing a broker wait, a disjoint one goes',
      pending: [mv(0, [1, 2], [3, 2]), mv(1, [1, 4], [3, 4]), mv(2, [5, 6], [7, 6])],
      inFlight: [],
      limits: limits(1),
      batch: ['t-0', 't-2'],
    },
    {
      name: 'per-broker limit 2: two moves onto broker 3, the third waits',
      pending: [mv(0, [1, 2], [3, 2]), mv(1, [4, 2], [3, 2]), mv(2, [5, 2], [3, 2])],
      inFlight: [],
      limits: limits(2),
      batch: ['t-0', 't-1'],
    },
    {
      name: 'in-flight moves count: broker 3 already busy',
      pending: [mv(1, [4, 5], [3, 5]), mv(2, [4, 5], [6, 5])],
      inFlight: [mv(0, [1, 2], [3, 2])],
      limits: limits(1),
      batch: ['t-2'],
    },
    {
      name: 'the source broker counts too (draining broker 1)',
      pending: [mv(0, [1, 2], [3, 2]), mv(1, [1, 4], [5, 4]), mv(2, [6, 4], [7, 4])],
      inFlight: [],
      limits: limits(1),
      batch: ['t-0', 't-2'],
    },
    {
      name: 'global limit stops the batch in plan order',
      pending: [mv(0, [1], [2]), mv(1, [3], [4]), mv(2, [5], [6])],
      inFlight: [mv(9, [7], [8])],
      limits: limits(5, 3),
      batch: ['t-0', 't-1'],
    },
    {
      name: 'metadata-only moves ignore the per-broker limit but count globally',
      pending: [mv(1, [1, 2], [2, 1]), mv(2, [1, 2, 3], [1, 2]), mv(3, [1, 2], [3, 2])],
      inFlight: [mv(0, [1, 5], [3, 5])],
      limits: limits(1, 3),
      batch: ['t-1', 't-2'],
    },
    {
      name: 'nothing in flight: a move fits even when it touches many brokers',
      pending: [mv(0, [1, 2, 3], [4, 5, 6])],
      inFlight: [],
      limits: limits(1, 1),
      batch: ['t-0'],
    },
    { name: 'nothing pending', pending: [], inFlight: [mv(0, [1], [2])], limits: limits(1), batch: [] },
  ])('$name', ({ pending, inFlight, limits, batch }) => {
    expect(names(nextBatch(pending, inFlight, limits))).toEqual(batch)
  })

  it('running batches to the end never exceeds the limits and moves everything', () => {
    // 12 partitions of RF 2 on brokers 1-3, each moving one replica to broker 4 or 5 (an add-broker plan).
    const pending = Array.from({ length: 12 }, (_, p) =>
      mv(p, [1 + (p % 3), 1 + ((p + 1) % 3)], [4 + (p % 2), 1 + ((p + 1) % 3)]),
    )
    const lim = limits(2, 3)
    let inFlight: Move[] = []
    let left = pending
    const rounds: string[][] = []
    while (left.length > 0) {
      const batch = nextBatch(left, inFlight, lim)
      inFlight = [...inFlight, ...batch]
      expect(inFlight.length).toBeLessThanOrEqual(3)
      for (const count of brokerLoad(inFlight).values()) expect(count).toBeLessThanOrEqual(2)
      left = left.filter((m) => !batch.includes(m))
      rounds.push(names(batch))
      inFlight = inFlight.slice(1) // the oldest move finishes
    }
    expect(rounds.flat().sort()).toEqual(names(pending).sort())
  })
})
