import { describe, expect, it } from 'vitest'
import { brokerList, brokerTable, runBrokersList } from '../../../src/cli/commands/brokers.ts'
import { commandDeps } from '../../../src/cli/commands/rebalance/session.ts'
import type { ClusterMetadata, KafkaAdminPort } from '../../../src/kafka/port.ts'

// Broker 3 is down: in no metadata broker list, still named in replicas.
const META: ClusterMetadata = {
  clusterId: 'abc',
  controllerId: 2,
  brokers: [
    { id: 2, host: 'h2', port: 9092, rack: 'b' },
    { id: 1, host: 'h1', port: 9092, rack: 'a' },
  ],
  topics: [
    {
      name: 'orders',
      id: 'x',
      internal: false,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
        { partition: 1, leader: 2, replicas: [2, 3], isr: [2], offlineReplicas: [3] },
        { partition: 2, leader: 1, replicas: [3, 1], isr: [1], offlineReplicas: [3] },
      ],
    },
    {
      name: 'solo',
      id: 'y',
      internal: false,
      partitions: [{ partition: 0, leader: -1, replicas: [3], isr: [], offlineReplicas: [3] }],
    },
  ],
}

describe('brokers list', () => {
  it('counts replicas, leaders, led under-replicated partitions and out-of-sync replicas per broker', () => {
    const list = brokerList(META)
    expect(list).toMatchObject({
      clusterId: 'abc',
      controllerId: 2,
      partitions: 4,
      underReplicated: 3,
      offline: 1,
    })
    expect(list.brokers).toEqual([
      {
        id: 1,
        host: 'h1',
        port: 9092,
        rack: 'a',
        controller: false,
        state: 'live',
        replicas: 2,
        leaders: 2,
        underReplicated: 1,
        outOfSync: 0,
      },
      {
        id: 2,
        host: 'h2',
        port: 9092,
        rack: 'b',
        controller: true,
        state: 'live',
        replicas: 2,
        leaders: 1,
        underReplicated: 1,
        outOfSync: 0,
      },
      {
        id: 3,
        host: null,
        port: null,
        rack: null,
        controller: false,
        state: 'offline',
        replicas: 3,
        leaders: 0,
        underReplicated: 0,
        outOfSync: 3,
      },
    ])
  })

  it('a broker DescribeCluster lists as fenced is fenced, with its address; a live one stays live', () => {
    const list = brokerList(META, {
      clusterId: 'abc',
      controllerId: 2,
      brokers: [
        { id: 1, host: 'h1', port: 9092, rack: 'a', fenced: false },
        { id: 2, host: 'h2', port: 9092, rack: 'b', fenced: null },
        { id: 3, host: 'h3', port: 9092, rack: 'c', fenced: true },
      ],
    })
    expect(list.brokers.map((b) => [b.id, b.state, b.host])).toEqual([
      [1, 'live', 'h1'],
      [2, 'live', 'h2'],
      [3, 'fenced', 'h3'],
    ])
    expect(brokerTable(list)).toMatch(/^2 live brokers, 1 fenced; /m)
  })

  it('prints a table with a summary line', () => {
    const lines = brokerTable(brokerList(META)).trimEnd().split('\n')
    expect(lines[0]).toMatch(
      /^ID\s+ADDRESS\s+RACK\s+STATE\s+CONTROLLER\s+REPLICAS\s+LEADERS\s+URP\s+OUT-OF-SYNC$/,
    )
    expect(lines[1]).toMatch(/^1\s+h1:9092\s+a\s+live\s+2\s+2\s+1\s+0$/)
    expect(lines[2]).toMatch(/^2\s+h2:9092\s+b\s+live\s+yes\s+2\s+1\s+1\s+0$/)
    expect(lines[3]).toMatch(/^3\s+-\s+-\s+offline\s+3\s+0\s+0\s+3$/)
    expect(lines.at(-1)).toBe(
      '2 live brokers, 1 offline; 4 partitions, 3 under-replicated, 1 without a leader (cluster abc)',
    )
  })

  it('reads the metadata through the port, prints JSON with --json and closes the port', async () => {
    const out: string[] = []
    let closed = false
    const port = {
      metadata: async () => META,
      close: async () => {
        closed = true
      },
    } as unknown as KafkaAdminPort
    const deps = commandDeps({ stdout: { write: (t: string) => out.push(t) }, openPort: () => port })
    await runBrokersList({ bootstrapServer: '127.0.0.1:9092', json: true }, deps)
    expect(JSON.parse(out.join(''))).toEqual(brokerList(META))
    expect(closed).toBe(true)
  })
})
