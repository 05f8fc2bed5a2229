import { describe, expect, it } from 'vitest'
import type { ReplicaChange } from '../../../src/analyzer/capacity/replicas.ts'
import { DEFAULT_RULES } from '../../../src/analyzer/capacity/rules.ts'
import { buildRunbook, type RunbookContext } from '../../../src/analyzer/capacity/runbook.ts'

const context: RunbookContext = {
  valuesFile: 'values.yaml',
  outFile: 'new.yaml',
  release: 'obs',
  namespace: 'observability',
  chart: 'oci://registry.example.com/charts/obs',
  chartVersion: '4.2.0',
  bootstrapServer: 'kafka:9092',
}
const broker: ReplicaChange = {
  path: 'kafka.broker.replicaCount',
  pathSegments: ['kafka', 'broker', 'replicaCount'],
  line: 1,
  service: 'kafka.broker',
  kind: 'replicas',
  category: 'scaled',
  from: 3,
  to: 5,
  reason: '',
}

describe('buildRunbook', () => {
  it('fills in release, namespace, chart version and bootstrap server', () => {
    const steps = buildRunbook({
      nodes: 3,
      add: 2,
      replicas: [broker],
      partitions: [],
      keys: new Set(),
      rules: DEFAULT_RULES,
      context,
    })
    const all = steps.flatMap((s) => s.commands).join('\n')
    expect(all).toContain('helm get values obs -n observability -o yaml > live-values.yaml')
    expect(all).toContain(
      'helm upgrade obs oci://registry.example.com/charts/obs -n observability -f new.yaml --version 4.2.0 --wait',
    )
    expect(all).toContain('add_broker?brokerid=3,4&dryrun=true')
    expect(all).toContain('--broker-list "0,1,2,3,4" --generate')
    expect(all).not.toMatch(/<release>|<namespace>|<bootstrap-server>/)
  })

  it('says what it cannot do: no brokers in the values, no stores, no partitions, and --apply-kafka not yet there', () => {
    const steps = buildRunbook({
      nodes: 3,
      add: 1,
      replicas: [],
      partitions: [],
      keys: new Set(),
      rules: DEFAULT_RULES,
      context,
    })
    const byTitle = Object.fromEntries(steps.map((s) => [s.title, s]))
    expect(byTitle['Increase partitions']!.notes).toEqual(['No partition changes planned.'])
    expect(byTitle['Rebalance Kafka onto the new brokers']!.notes.join(' ')).toMatch(
      /No Kafka broker count.*--apply-kafka.*throttled, journaled/,
    )
    expect(byTitle['Rebalance other stores']!.notes).toEqual(['No other data stores found in the values.'])
  })

  it('prints Pinot table rebalance calls (dry run first) for the tables the rules list', () => {
    const rules = {
      ...DEFAULT_RULES,
      pinot: { controller: 'http://pinot:9000', tables: [{ name: 'logs', type: 'REALTIME' as const }] },
    }
    const steps = buildRunbook({
      nodes: 3,
      add: 2,
      replicas: [],
      partitions: [],
      keys: new Set(['pinot']),
      rules,
      context,
    })
    expect(steps.find((s) => s.title === 'Rebalance other stores')!.commands).toEqual([
      "curl -X POST 'http://pinot:9000/tables/logs/rebalance?type=REALTIME&reassignInstances=true&includeConsuming=true&downtime=false&minAvailableReplicas=1&dryRun=true'",
      "curl -X POST 'http://pinot:9000/tables/logs/rebalance?type=REALTIME&reassignInstances=true&includeConsuming=true&downtime=false&minAvailableReplicas=1&dryRun=false'",
    ])
  })

  it('does not count Kafka Connect or exporters as brokers', () => {
    const connect = { ...broker, service: 'kafka.connect', path: 'kafka.connect.replicaCount' }
    const steps = buildRunbook({
      nodes: 3,
      add: 2,
      replicas: [connect],
      partitions: [],
      keys: new Set(),
      rules: DEFAULT_RULES,
      context,
    })
    expect(steps.map((s) => s.title)).toContain('Rebalance Kafka onto the new brokers')
  })
})
