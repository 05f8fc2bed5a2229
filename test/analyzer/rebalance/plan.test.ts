// Named small cases for the planner: one row per behaviour, every plan through the shared invariant checker.
import { describe, expect, it } from 'vitest'
import { addBrokersLowerBound } from '../../../src/analyzer/rebalance/bounds.ts'
import {
  planAddBrokers,
  planHeal,
  planReassignment,
  planRemoveBrokers,
} from '../../../src/analyzer/rebalance/plan.ts'
import type {
  PartitionReplicas,
  RebalanceInput,
  RebalanceOptions,
  RebalanceReport,
} from '../../../src/analyzer/rebalance/types.ts'
import { AutopilotError } from '../../../src/errors.ts'
import { applyPlan, brokers, countsOf, striped, verifyPlan } from './fixtures.ts'

function thrown(fn: () => unknown): AutopilotError {
  try {
    fn()
  } catch (err) {
    if (AutopilotError.is(err)) return err
    throw err
  }
  throw new Error('expected an AutopilotError')
}

const summary = (report: RebalanceReport, id: number) => report.brokers.find((b) => b.id === id)!

describe('add brokers', () => {
  const input: RebalanceInput = { brokers: brokers(3), partitions: striped('orders', 12, 3, [1, 2, 3]) }

  it('3 → 4 brokers: the new broker takes the fewest replicas that balance the cluster, nothing else moves', () => {
    const report = planAddBrokers(input, [{ id: 4 }])
    verifyPlan({ ...input, brokers: brokers(4) }, {}, report)
    // 36 replicas on 4 brokers: mean 9, band [8, 10]; every replica moved lands on broker 4.
    expect(report.moves).toBe(8)
    expect(report.moves).toBe(addBrokersLowerBound({ replicas: 36, brokers: 3 }))
    expect(summary(report, 4).replicas).toEqual({ before: 0, after: 8, target: [8, 10] })
    for (const c of report.changes) expect(c.after.filter((b) => !c.before.includes(b))).toEqual([4])
    // 12 leaders on 4 brokers: band [2, 4]; broker 4 gets at least 2 and the moved leaders count once each.
    expect(summary(report, 4).leaders.after).toBeGreaterThanOrEqual(2)
    expect(report.leaderMoves).toBe(report.lowerBound.leaderMoves)
  })

  it('an id already listed keeps its listed rack; an unlisted one joins', () => {
    const racked: RebalanceInput = {
      brokers: [...brokers(3, ['a', 'b', 'c']), { id: 4, rack: 'a' }],
      partitions: striped('t', 9, 3, [1, 2, 3]),
    }
    const report = planAddBrokers(racked, [{ id: 4, rack: 'z' }])
    expect(summary(report, 4).rack).toBe('a')
  })

  it('6 → 7 brokers with 1,000 partitions: moves equal the closed-form bound', () => {
    const ids = [1, 2, 3, 4, 5, 6]
    const big: RebalanceInput = { brokers: brokers(6), partitions: striped('t', 1000, 3, ids) }
    const report = planAddBrokers(big, [{ id: 7 }])
    verifyPlan({ ...big, brokers: brokers(7) }, {}, report)
    expect(report.moves).toBe(addBrokersLowerBound({ replicas: 3000, brokers: 6 }))
  })
})

describe('remove brokers (drain)', () => {
  const input: RebalanceInput = { brokers: brokers(4), partitions: striped('orders', 20, 2, [1, 2, 3, 4]) }

  it('drain broker 4: exactly its replicas move, onto the other brokers evenly', () => {
    const report = planRemoveBrokers(input, [4])
    verifyPlan(input, { remove: [4] }, report)
    expect(report.moves).toBe(countsOf(input.partitions).get(4))
    expect(summary(report, 4).replicas.after).toBe(0)
    expect(summary(report, 4).role).toBe('removed')
    expect(report.changes.every((c) => c.reasons.includes('drain'))).toBe(true)
  })

  it('refuses RF 3 on 2 brokers left, naming the partitions and the brokers left', () => {
    const rf3: RebalanceInput = { brokers: brokers(3), partitions: striped('orders', 4, 3, [1, 2, 3]) }
    const err = thrown(() => planRemoveBrokers(rf3, [3]))
    expect(err.code).toBe('AP_ERR_UNSAFE')
    expect(err.details?.reason).toBe('ReplicationFactorExceedsBrokers')
    expect(err.message).toContain('cannot place replication factor 3 on 2 broker(s) (removing broker(s) 3)')
    expect(err.message).toContain('orders-0')
    expect(err.message).toContain('only 1, 2 would hold replicas')
  })

  it('refuses to remove every broker', () => {
    expect(thrown(() => planRemoveBrokers(input, [1, 2, 3, 4])).details?.reason).toBe('NoBrokerLeft')
  })

  it('rejects removing a broker that is not listed, naming the option', () => {
    const err = thrown(() => planRemoveBrokers(input, [9]))
    expect([err.code, err.field]).toEqual(['AP_ERR_INPUT', 'remove[0]'])
  })
})

describe('heal', () => {
  const input: RebalanceInput = {
    brokers: brokers(4),
    partitions: [...striped('orders', 12, 3, [1, 2, 3]), { topic: 'solo', partition: 0, replicas: [2] }],
  }

  it('broker 2 offline, replacement 4 preferred: every live replica of 2 goes to 4 and nothing else moves', () => {
    const options = { offline: [2], prefer: [4] }
    const report = planHeal(input, options)
    verifyPlan(input, options, report)
    expect(report.moves).toBe(12)
    for (const c of report.changes) {
      expect(c.after).toEqual(c.before.map((b) => (b === 2 ? 4 : b)))
      expect(c.reasons).toContain('heal')
    }
    // RF 1 on the offline broker: no copy exists, so the partition is left and named.
    const offline = report.warnings.find((w) => w.code === 'PartitionOffline')
    expect(offline?.message).toContain('solo-0')
    expect(report.plan.partitions.some((p) => p.topic === 'solo')).toBe(false)
  })

  it('broker 2 offline, no replacement: its replicas spread over 1 and 3 only where room and RF allow', () => {
    const three: RebalanceInput = { brokers: brokers(3), partitions: striped('orders', 6, 2, [1, 2, 3]) }
    const options = { offline: [2] }
    const report = planHeal(three, options)
    verifyPlan(three, options, report)
    expect(summary(report, 2).replicas.after).toBe(0)
    expect(report.moves).toBe(countsOf(three.partitions).get(2))
  })

  it('an offline broker missing from the brokers list is accepted (it may be unregistered already)', () => {
    const gone: RebalanceInput = { brokers: brokers(3), partitions: striped('t', 6, 2, [1, 2, 3, 9]) }
    const report = planHeal(gone, { offline: [9] })
    verifyPlan(gone, { offline: [9] }, report)
    expect(summary(report, 9).role).toBe('offline')
  })

  it('balance: false moves only the replicas that must move', () => {
    const skewed: RebalanceInput = {
      brokers: brokers(4),
      partitions: striped('t', 10, 2, [1, 2]).concat(striped('u', 2, 2, [3, 4])),
    }
    const options = { offline: [4], balance: false }
    const report = planReassignment(skewed, options)
    expect(report.moves).toBe(2)
    expect(report.changes.every((c) => c.reasons.includes('heal'))).toBe(true)
  })
})

describe('racks', () => {
  it('adds broker 7 to rack a of 3 racks × 2: RF 3 keeps one replica per rack, balance is per rack', () => {
    const input: RebalanceInput = {
      brokers: [...brokers(6, ['a', 'b', 'c']), { id: 7, rack: 'a' }],
      partitions: striped('t', 60, 3, [1, 2, 3, 4, 5, 6]),
    }
    const report = planReassignment(input)
    verifyPlan(input, {}, report)
    expect(report.warnings.map((w) => w.code)).toContain('ReplicaBalanceLimitedByRacks')
    // Every rack holds one replica of each of the 60 partitions: 20 ± 1 on each broker of rack a, 30 ± 1 on
    // the others (instead of 180 / 7 ≈ 25.7 everywhere).
    for (const id of [1, 4, 7]) expect(summary(report, id).replicas.target).toEqual([19, 21])
    for (const id of [2, 3, 5, 6]) expect(summary(report, id).replicas.target).toEqual([29, 31])
    expect([1, 4, 7].reduce((a, id) => a + summary(report, id).replicas.after, 0)).toBe(60)
  })

  it('moves a replica off a rack that holds two of a partition (rack awareness restored)', () => {
    const input: RebalanceInput = {
      brokers: brokers(4, ['a', 'b']),
      partitions: [
        { topic: 't', partition: 0, replicas: [1, 3] },
        { topic: 't', partition: 1, replicas: [2, 3] },
        { topic: 't', partition: 2, replicas: [2, 4] },
        { topic: 't', partition: 3, replicas: [1, 4] },
      ],
    }
    const report = planReassignment(input)
    verifyPlan(input, {}, report)
    expect(report.changes.map((c) => [c.partition, c.reasons])).toEqual([
      [0, ['rack']],
      [2, ['rack']],
    ])
  })

  it('RF 3 on 2 racks: at most 2 replicas per rack', () => {
    const input: RebalanceInput = {
      brokers: brokers(4, ['a', 'b']),
      partitions: striped('t', 8, 3, [1, 3, 5, 2]).map((p) => ({
        ...p,
        replicas: p.replicas.map((b) => (b === 5 ? 4 : b)),
      })),
    }
    verifyPlan(input, {}, planReassignment(input))
  })

  it('refuses when the racks left cannot hold the RF with at most ceil(RF / racks) per rack', () => {
    // RF 4 on racks a (1 broker) and b (3): at most 2 per rack fits only 3.
    const input: RebalanceInput = {
      brokers: [
        { id: 1, rack: 'a' },
        { id: 2, rack: 'b' },
        { id: 3, rack: 'b' },
        { id: 4, rack: 'b' },
      ],
      partitions: [{ topic: 't', partition: 0, replicas: [1, 2, 3, 4] }],
    }
    const err = thrown(() => planReassignment(input))
    expect(err.details?.reason).toBe('RacksCannotHoldReplicas')
    expect(err.message).toContain('at most 2 per rack')
  })

  it('a broker without a rack among racked ones is an input error, unless rack awareness is off', () => {
    const input: RebalanceInput = {
      brokers: [{ id: 1, rack: 'a' }, { id: 2, rack: 'b' }, { id: 3 }],
      partitions: striped('t', 3, 2, [1, 2, 3]),
    }
    const err = thrown(() => planReassignment(input))
    expect([err.code, err.field]).toEqual(['AP_ERR_INPUT', 'brokers[2].rack'])
    expect(planReassignment(input, { rackAware: false }).moves).toBe(0)
  })
})

describe('leaders', () => {
  it('balanced replicas but every leader on broker 1: only the replica order changes', () => {
    const partitions: PartitionReplicas[] = Array.from({ length: 9 }, (_, p) => ({
      topic: 't',
      partition: p,
      replicas: [1, ...(p % 2 ? [2, 3] : [3, 2])],
    }))
    const input = { brokers: brokers(3), partitions }
    const report = planReassignment(input)
    verifyPlan(input, {}, report)
    // 9 leaders on 3 brokers: band [2, 4], so 5 must leave broker 1 — and no data moves for it.
    expect(report.moves).toBe(0)
    expect(report.leaderMoves).toBe(5)
    expect(report.lowerBound.leaderMoves).toBe(5)
    expect(report.changes.every((c) => c.reasons.join() === 'leader')).toBe(true)
    expect(summary(report, 1).leaders.after).toBe(4)
  })

  it('RF 1 partitions can only change leader by moving: 9 of them on one broker of three', () => {
    const input = {
      brokers: brokers(3),
      partitions: [
        ...Array.from({ length: 9 }, (_, p) => ({ topic: 'solo', partition: p, replicas: [1] })),
        ...striped('t', 9, 3, [1, 2, 3]).map((p) => ({ ...p, replicas: [2, 3, 1] })),
      ],
    }
    const report = planReassignment(input)
    verifyPlan(input, {}, report)
    expect(report.moves).toBe(report.lowerBound.moves)
  })
  it('RF 1 leaders move only within leaderMoveBudget: by default not at all when nothing else moves', () => {
    // Replicas are balanced (6 each) but broker 1 leads its 6 RF 1 partitions: only a data move helps.
    const input: RebalanceInput = {
      brokers: brokers(3),
      partitions: [
        ...Array.from({ length: 6 }, (_, p) => ({ topic: 'solo', partition: p, replicas: [1] })),
        ...Array.from({ length: 6 }, (_, p) => ({
          topic: 't',
          partition: p,
          replicas: p % 2 ? [2, 3] : [3, 2],
        })),
      ],
    }
    const kept = planReassignment(input)
    expect([kept.moves, kept.balanced.leaders]).toEqual([0, false])
    expect(kept.warnings.find((w) => w.code === 'LeadersNotBalanced')?.details?.brokers).toEqual([1])
    const bought = planReassignment(input, { leaderMoveBudget: 1 })
    verifyPlan(input, {}, bought)
    expect(bought.moves).toBe(1)
    expect(bought.changes[0]).toMatchObject({ topic: 'solo', reasons: ['leaderByMove'] })
  })
})

describe('sizes', () => {
  const sizes = [800, 400, 300, 200, 100, 90, 80, 70, 60, 50, 40, 30]
  const input: RebalanceInput = {
    brokers: brokers(3),
    partitions: striped('t', 12, 2, [1, 2, 3]).map((p) => ({ ...p, bytes: sizes[p.partition]! })),
  }

  it('add a broker: as few moves as without sizes, and bytes spread closer than count-only choices', () => {
    const report = planAddBrokers(input, [{ id: 4 }])
    const options: RebalanceOptions = {}
    verifyPlan({ ...input, brokers: brokers(4) }, options, report)
    const unsized = planAddBrokers(
      { ...input, partitions: input.partitions.map(({ bytes: _b, ...p }) => p) },
      [{ id: 4 }],
    )
    expect(report.moves).toBe(unsized.moves)
    const spread = (r: RebalanceReport) => {
      const after = applyPlan(input, r)
      const load = new Map<number, number>()
      for (const p of input.partitions)
        for (const b of after.get(`${p.topic}\u0000${p.partition}`)!)
          load.set(b, (load.get(b) ?? 0) + p.bytes!)
      return Math.max(...load.values()) - Math.min(...load.values())
    }
    expect(spread(report)).toBeLessThan(spread(unsized))
    expect(report.bytesMoved).toBeGreaterThan(0)
    expect(unsized.bytesMoved).toBeNull()
  })

  it('partial sizes count as the mean and are warned about', () => {
    const partial = {
      ...input,
      partitions: input.partitions.map((p, i) => (i % 2 ? { ...p, bytes: undefined } : p)),
    }
    const report = planReassignment(partial as RebalanceInput)
    expect(report.warnings.map((w) => w.code)).toContain('SizesPartial')
  })
})

describe('input checks', () => {
  const good: RebalanceInput = { brokers: brokers(3), partitions: striped('t', 3, 2, [1, 2, 3]) }
  it.each<[string, RebalanceInput, RebalanceOptions, string]>([
    [
      'unknown broker in replicas',
      { ...good, partitions: [{ topic: 't', partition: 0, replicas: [1, 9] }] },
      {},
      'partitions[0].replicas[1]',
    ],
    [
      'broker twice in a partition',
      { ...good, partitions: [{ topic: 't', partition: 0, replicas: [1, 1] }] },
      {},
      'partitions[0].replicas[1]',
    ],
    [
      'partition listed twice',
      { ...good, partitions: [...good.partitions, { topic: 't', partition: 1, replicas: [1] }] },
      {},
      'partitions[3]',
    ],
    ['broker listed twice', { ...good, brokers: [...brokers(3), { id: 2 }] }, {}, 'brokers[3].id'],
    ['negative broker id', { ...good, brokers: [{ id: -1 }] }, {}, 'brokers[0].id'],
    [
      'no replicas',
      { ...good, partitions: [{ topic: 't', partition: 0, replicas: [] }] },
      {},
      'partitions[0].replicas',
    ],
    ['prefer a removed broker', good, { remove: [3], prefer: [3] }, 'prefer[0]'],
    [
      'negative size',
      { ...good, partitions: [{ topic: 't', partition: 0, replicas: [1], bytes: -5 }] },
      {},
      'partitions[0].bytes',
    ],
  ])('%s', (_name, input, options, field) => {
    const err = thrown(() => planReassignment(input, options))
    expect([err.code, err.field]).toEqual(['AP_ERR_INPUT', field])
    expect(err.message.startsWith(`${field}: `)).toBe(true)
  })
})

describe('output', () => {
  it("is Kafka's reassignment JSON with only changed partitions, and a rollback of the same partitions", () => {
    const input: RebalanceInput = { brokers: brokers(3), partitions: striped('b', 4, 1, [1]) }
    const report = planReassignment(input)
    expect(report.plan.version).toBe(1)
    expect(Object.keys(report.plan.partitions[0]!).sort()).toEqual(['partition', 'replicas', 'topic'])
    expect(report.rollback.partitions.map((p) => p.replicas)).toEqual(report.plan.partitions.map(() => [1]))
    expect(report.plan.partitions.length).toBe(report.changes.length)
  })

  it('an empty cluster plans nothing', () => {
    const report = planReassignment({ brokers: brokers(2), partitions: [] })
    expect([report.moves, report.leaderMoves, report.plan.partitions]).toEqual([0, 0, []])
  })
})
