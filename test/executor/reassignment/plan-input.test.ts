import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import { parsePlan } from '../../../src/executor/reassignment/plan-input.ts'

function errorOf(fn: () => unknown): AutopilotError {
  try {
    fn()
  } catch (error) {
    if (AutopilotError.is(error)) return error
    throw error
  }
  throw new Error('expected an AutopilotError')
}

describe('parsePlan', () => {
  it('accepts the planner / kafka-reassign-partitions JSON, log_dirs "any" included', () => {
    const plan = parsePlan({
      version: 1,
      partitions: [{ topic: 't', partition: 0, replicas: [2, 1], log_dirs: ['any', 'any'] }],
    })
    expect(plan).toEqual({ version: 1, partitions: [{ topic: 't', partition: 0, replicas: [2, 1] }] })
  })

  it.each([
    { name: 'not an object', raw: 'x', field: undefined },
    { name: 'wrong version', raw: { version: 2, partitions: [] }, field: undefined },
    { name: 'no partitions', raw: { version: 1, partitions: [] }, field: 'partitions' },
    {
      name: 'negative partition',
      raw: { version: 1, partitions: [{ topic: 't', partition: -1, replicas: [1] }] },
      field: 'partitions[0].partition',
    },
    {
      name: 'empty replicas',
      raw: { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [] }] },
      field: 'partitions[0].replicas',
    },
    {
      name: 'a broker twice',
      raw: { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1, 2, 1] }] },
      field: 'partitions[0].replicas[2]',
    },
    {
      name: 'a partition twice',
      raw: {
        version: 1,
        partitions: [
          { topic: 't', partition: 0, replicas: [1] },
          { topic: 't', partition: 0, replicas: [2] },
        ],
      },
      field: 'partitions[1]',
    },
    {
      name: 'a log dir move',
      raw: { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1], log_dirs: ['/data/a'] }] },
      field: 'partitions[0].log_dirs[0]',
    },
    {
      name: 'missing topic',
      raw: { version: 1, partitions: [{ partition: 0, replicas: [1] }] },
      field: 'partitions[0].topic',
    },
  ])('rejects $name, naming the field', ({ raw, field }) => {
    const error = errorOf(() => parsePlan(raw))
    expect(error.code).toBe('AP_ERR_INPUT')
    if (field) expect(error.field).toBe(field)
  })
})
