// readMinInsyncReplicas: one DescribeConfigs for the named topics, values in force kept, the rest left out.
import { describe, expect, it } from 'vitest'
import { readMinInsyncReplicas } from '../../src/executor/min-insync.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'

type Admin = Pick<KafkaAdminPort, 'describeConfigs'>

function admin(values: Record<string, string | null>): Admin & { asked: unknown[] } {
  const asked: unknown[] = []
  return {
    asked,
    describeConfigs: async (resources) => {
      asked.push(resources)
      return resources.map((r) => ({
        type: r.type,
        name: r.name,
        configs: { 'min.insync.replicas': values[r.name] ?? null },
      }))
    },
  } as Admin & { asked: unknown[] }
}

describe('readMinInsyncReplicas', () => {
  it('reads every topic in one request and keeps positive whole numbers', async () => {
    const a = admin({ orders: '2', logs: '1', odd: 'x', zero: '0' })
    expect(await readMinInsyncReplicas(a, ['orders', 'logs', 'odd', 'zero', 'unset'])).toEqual({
      orders: 2,
      logs: 1,
    })
    expect(a.asked).toEqual([
      ['orders', 'logs', 'odd', 'zero', 'unset'].map((name) => ({
        type: 'topic',
        name,
        keys: ['min.insync.replicas'],
      })),
    ])
  })

  it('asks nothing for no topics', async () => {
    const a = admin({})
    expect(await readMinInsyncReplicas(a, [])).toEqual({})
    expect(a.asked).toEqual([])
  })
})
