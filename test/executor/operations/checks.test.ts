// The pure decisions of the broker operations: broker health from metadata, which broker scaleIn drains, and
// when it refuses.
import { describe, expect, it } from 'vitest'
import { brokerHealth, underReplicated } from '../../../src/executor/operations/health.ts'
import { chooseBrokerToRemove, scaleInRefusal } from '../../../src/executor/operations/scale-in-checks.ts'
import { metadata } from './metadata.ts'

describe('brokerHealth', () => {
  it('a broker named by replicas but not registered is offline (fenced or gone)', () => {
    const md = metadata([1, 2, 4], { t: [{ replicas: [1, 2, 3], isr: [1, 2] }, [1, 2, 4]] })
    expect(brokerHealth(md)).toEqual({ live: [1, 2, 4], offline: [3], stalled: [] })
  })
  it('a registered broker out of the ISR of every partition it holds is stalled; one lagging partition is not', () => {
    const stalled = metadata([1, 2, 3], {
      t: [
        { replicas: [1, 2, 3], isr: [1, 2] },
        { replicas: [3, 1, 2], isr: [1, 2] },
      ],
    })
    expect(brokerHealth(stalled).stalled).toEqual([3])
    const lagging = metadata([1, 2, 3], { t: [{ replicas: [1, 2, 3], isr: [1, 2] }, [3, 1, 2]] })
    expect(brokerHealth(lagging).stalled).toEqual([])
  })
  it('counts under-replicated partitions, optionally among given ones', () => {
    const md = metadata([1, 2, 3], {
      t: [{ replicas: [1, 2, 3], isr: [1] }, [1, 2, 3]],
      u: [{ replicas: [2, 3], isr: [2] }],
    })
    expect(underReplicated(md).map((p) => `${p.topic}-${p.partition}`)).toEqual(['t-0', 'u-0'])
    expect(underReplicated(md, [{ topic: 't', partition: 1 }])).toEqual([])
  })
})

describe('chooseBrokerToRemove', () => {
  it('takes the least loaded broker that is not protected, the newest on a tie', () => {
    const md = metadata([1, 2, 3, 4, 5], {
      t: [
        [1, 2, 4],
        [2, 3, 4],
        [3, 1, 5],
        [1, 2, 3],
      ],
    })
    // 4 holds 2 replicas, 5 holds 1: 5 is drained
    expect(chooseBrokerToRemove(md, [1, 2, 3])).toBe(5)
    const tie = metadata([1, 2, 3, 4, 5], {
      t: [
        [1, 2, 4],
        [2, 3, 5],
      ],
    })
    expect(chooseBrokerToRemove(tie, [1, 2, 3])).toBe(5)
  })
  it('fewer preferred leaderships break a replica-count tie', () => {
    const md = metadata([1, 2, 3, 4, 5], {
      t: [
        [4, 1, 2],
        [1, 5, 3],
      ],
    })
    expect(chooseBrokerToRemove(md, [1, 2, 3])).toBe(5)
  })
  it('none when every broker is a controller', () => {
    expect(chooseBrokerToRemove(metadata([1, 2, 3], { t: [[1, 2, 3]] }), [1, 2, 3])).toBeNull()
  })
})

describe('scaleInRefusal', () => {
  const healthy = metadata([1, 2, 3, 4], {
    t: [
      [1, 2, 3],
      [2, 3, 4],
      [4, 1, 2],
    ],
  })
  const facts = { metadata: healthy, protectedIds: [1, 2, 3], minIsr: {} }
  it('allows draining a broker when the rest hold the replication factor', () => {
    expect(scaleInRefusal([4], facts)).toBeNull()
  })
  it('refuses when the remaining brokers are fewer than a topic replication factor, naming it', () => {
    const md = metadata([1, 2, 3], { t: [[1, 2, 3]] })
    expect(scaleInRefusal([3], { metadata: md, protectedIds: [], minIsr: {} })).toMatch(
      /2 brokers would remain, fewer than the replication factor 3 of topic t/,
    )
  })
  it('refuses below min.insync.replicas (acks=all writes would stop), even where the RF fits', () => {
    const md = metadata([1, 2, 3], { t: [[1, 2]] })
    expect(scaleInRefusal([3], { metadata: md, protectedIds: [], minIsr: { t: 3 } })).toMatch(
      /2 brokers would remain, fewer than min.insync.replicas 3 of topic t/,
    )
  })
  it('refuses below minBrokers', () => {
    expect(scaleInRefusal([4], { ...facts, minBrokers: 4 })).toMatch(/below minBrokers 4/)
  })
  it('refuses a KRaft controller, an unknown broker, and any drain while a broker is offline', () => {
    expect(scaleInRefusal([2], facts)).toMatch(/KRaft controller/)
    expect(scaleInRefusal([9], facts)).toMatch(/not a live broker/)
    const degraded = metadata([1, 2, 4], { t: [{ replicas: [1, 2, 3], isr: [1, 2] }, [2, 4, 1]] })
    expect(scaleInRefusal([4], { ...facts, metadata: degraded })).toMatch(/broker 3 is offline or stalled/)
  })
})
