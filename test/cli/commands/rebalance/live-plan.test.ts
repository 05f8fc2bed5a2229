import { describe, expect, it } from 'vitest'
import { planFromCluster, readPlanFile } from '../../../../src/cli/commands/rebalance/live-plan.ts'
import { AutopilotError } from '../../../../src/errors.ts'
import type { ClusterMetadata } from '../../../../src/kafka/port.ts'

function metadata(live: number[], assignment: Record<string, number[][]>): ClusterMetadata {
  return {
    clusterId: 'c',
    controllerId: live[0]!,
    brokers: live.map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
    topics: Object.entries(assignment).map(([name, parts]) => ({
      name,
      id: name,
      internal: name.startsWith('__'),
      partitions: parts.map((replicas, partition) => ({
        partition,
        leader: replicas.find((r) => live.includes(r)) ?? -1,
        replicas,
        isr: replicas.filter((r) => live.includes(r)),
        offlineReplicas: replicas.filter((r) => !live.includes(r)),
      })),
    })),
  }
}

const striped = (n: number, brokers: number[]) =>
  Array.from({ length: n }, (_, p) => [brokers[p % brokers.length]!, brokers[(p + 1) % brokers.length]!])

function error(fn: () => unknown): AutopilotError {
  try {
    fn()
  } catch (e) {
    if (AutopilotError.is(e)) return e
    throw e
  }
  throw new Error('expected an AutopilotError')
}

describe('planFromCluster', () => {
  it('fills a live empty broker and never moves internal topics', () => {
    const meta = metadata([1, 2, 3, 4], {
      orders: striped(12, [1, 2, 3]),
      __consumer_offsets: striped(6, [1, 2, 3]),
    })
    const { plan, report } = planFromCluster(meta, { addBroker: [{ id: 4 }] })
    expect(plan).not.toBeNull()
    expect(plan!.partitions.every((p) => p.topic === 'orders')).toBe(true)
    expect(report.brokers.find((b) => b.id === 4)!.replicas.after).toBeGreaterThanOrEqual(5) // 24 replicas on 4 brokers, ±1
  })

  it('drains --remove-broker and keeps to --topic globs', () => {
    const meta = metadata([1, 2, 3], { 'a-1': striped(6, [1, 2, 3]), b: striped(6, [1, 2, 3]) })
    const { plan } = planFromCluster(meta, { removeBroker: [3], topic: ['a-*'] })
    expect(new Set(plan!.partitions.map((p) => p.topic))).toEqual(new Set(['a-1']))
    const after = new Map(plan!.partitions.map((p) => [p.partition, p.replicas]))
    for (const [p, replicas] of striped(6, [1, 2, 3]).entries()) {
      expect(after.get(p) ?? replicas).not.toContain(3)
    }
  })

  it('a balanced cluster gives no plan', () => {
    expect(planFromCluster(metadata([1, 2, 3], { t: striped(6, [1, 2, 3]) }), {}).plan).toBeNull()
  })

  it('moves the replicas of an offline broker (heal)', () => {
    const { plan } = planFromCluster(metadata([1, 2], { t: striped(6, [1, 2, 3]) }), {})
    expect(plan!.partitions.flatMap((p) => p.replicas)).not.toContain(3)
  })

  it('refuses a broker to fill that is not live, a broker to drain that is unknown, a topic that matches nothing', () => {
    const meta = metadata([1, 2, 3], { t: striped(6, [1, 2, 3]) })
    expect(error(() => planFromCluster(meta, { addBroker: [{ id: 9 }] }))).toMatchObject({
      code: 'AP_ERR_USAGE',
      field: '--add-broker',
    })
    expect(error(() => planFromCluster(meta, { removeBroker: [9] }))).toMatchObject({
      code: 'AP_ERR_USAGE',
      field: '--remove-broker',
    })
    expect(error(() => planFromCluster(meta, { topic: ['nope*'] }))).toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: '--topic',
    })
  })
})

describe('readPlanFile', () => {
  const files: Record<string, string> = {
    'raw.json': JSON.stringify({ version: 1, partitions: [{ topic: 't', partition: 0, replicas: [2, 1] }] }),
    'wrapped.json': JSON.stringify({
      moves: 1,
      plan: { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [2, 1] }] },
    }),
    'bad.json': '{',
    'dup.json': JSON.stringify({ version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1, 1] }] }),
  }
  const read = async (path: string) => {
    const text = files[path]
    if (text === undefined) throw new Error('ENOENT')
    return text
  }

  it('takes Kafka reassignment JSON or the output of rebalance plan --json', async () => {
    const expected = { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [2, 1] }] }
    expect(await readPlanFile('raw.json', read)).toEqual(expected)
    expect(await readPlanFile('wrapped.json', read)).toEqual(expected)
  })

  it('names the file and the field at fault', async () => {
    await expect(readPlanFile('missing.json', read)).rejects.toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: '--plan',
    })
    await expect(readPlanFile('bad.json', read)).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: '--plan',
    })
    await expect(readPlanFile('dup.json', read)).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'partitions[0].replicas[1]',
      message: expect.stringMatching(/dup\.json/),
    })
  })
})
