// The cluster file of `rebalance plan --from-file`: every problem names its field path.
import { describe, expect, it } from 'vitest'
import { parseClusterFile } from '../../../src/analyzer/rebalance/input.ts'
import { AutopilotError } from '../../../src/errors.ts'

function problem(raw: unknown): AutopilotError {
  try {
    parseClusterFile(raw, 'cluster.json')
  } catch (err) {
    if (AutopilotError.is(err)) return err
    throw err
  }
  throw new Error('expected the file to be rejected')
}

const brokers = [{ id: 1, rack: 'a' }, { id: 2, rack: 'b' }, { id: 3 }]
const partition = (replicas: unknown[]) => ({ topic: 't', partition: 0, replicas })

describe('parseClusterFile', () => {
  it('accepts brokers with and without racks, optional sizes, and ignores Kafka extras', () => {
    const file = parseClusterFile({
      version: 1,
      brokers,
      partitions: [{ topic: 't', partition: 0, replicas: [1, 2], bytes: 10, log_dirs: ['any', 'any'] }],
    })
    expect(file.partitions).toEqual([{ topic: 't', partition: 0, replicas: [1, 2], bytes: 10 }])
    expect(file.brokers[2]).toEqual({ id: 3 })
  })

  it.each<[string, unknown, string, string]>([
    [
      'replica on a broker not listed',
      {
        brokers,
        partitions: [partition([1]), partition([1]), partition([2]), partition([1, 9])].map((p, i) => ({
          ...p,
          partition: i,
        })),
      },
      'partitions[3].replicas[1]',
      'broker 9 is not in brokers',
    ],
    [
      'broker twice in a partition',
      { brokers, partitions: [partition([2, 2])] },
      'partitions[0].replicas[1]',
      'listed twice',
    ],
    [
      'missing replicas',
      { brokers, partitions: [{ topic: 't', partition: 0 }] },
      'partitions[0].replicas',
      'is required',
    ],
    [
      'empty replicas',
      { brokers, partitions: [partition([])] },
      'partitions[0].replicas',
      'at least one broker',
    ],
    ['fractional broker id', { brokers: [{ id: 1.5 }], partitions: [] }, 'brokers[0].id', 'int'],
    [
      'duplicate broker',
      { brokers: [{ id: 1 }, { id: 1 }], partitions: [] },
      'brokers[1].id',
      'listed twice',
    ],
    ['no brokers', { brokers: [], partitions: [] }, 'brokers', 'at least one broker'],
    [
      'duplicate partition',
      { brokers, partitions: [partition([1]), partition([2])] },
      'partitions[1]',
      't-0 is listed twice',
    ],
    ['rack not a string', { brokers: [{ id: 1, rack: 5 }], partitions: [] }, 'brokers[0].rack', 'string'],
  ])('%s', (_name, raw, field, text) => {
    const err = problem(raw)
    expect(err.code).toBe('AP_ERR_INPUT')
    expect(err.field).toBe(field)
    expect(err.message).toContain(`invalid cluster.json: ${field}: `)
    expect(err.message).toContain(text)
  })

  it('lists every problem when there are several', () => {
    const err = problem({
      brokers: [{ id: 1 }],
      partitions: [partition([7]), { ...partition([8]), partition: 1 }],
    })
    expect(err.field).toBeUndefined()
    expect(err.message).toContain('2 problems')
    expect(err.message).toContain('partitions[0].replicas[0]: broker 7 is not in brokers')
    expect(err.message).toContain('partitions[1].replicas[0]: broker 8 is not in brokers')
  })

  it('a file that is not an object says what is expected', () => {
    expect(problem([1, 2]).hint).toContain('"brokers"')
  })
})
