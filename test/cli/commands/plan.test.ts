import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, parseScaleRules } from '../../../src/analyzer/capacity/rules.ts'
import {
  type PlanDeps,
  type PlanScaleOutFlags,
  parseGrowth,
  runPlanScaleOut,
} from '../../../src/cli/commands/plan.ts'
import { AutopilotError } from '../../../src/errors.ts'
import type { ClusterMetadata, KafkaAdminPort } from '../../../src/kafka/port.ts'

const VALUES = 'test/fixtures/capacity/values.yaml'

function deps(extra: Partial<PlanDeps> = {}) {
  const files = new Map<string, string>([[VALUES, readFileSync(VALUES, 'utf8')]])
  const out: string[] = []
  const d: PlanDeps = {
    openPort: () => {
      throw new Error('no Kafka in this test')
    },
    stdout: { write: (t: string) => out.push(t) },
    readFile: async (p) => {
      const text = files.get(p)
      if (text === undefined) throw new Error(`ENOENT ${p}`)
      return text
    },
    writeFile: async (p, t) => {
      files.set(p, t)
    },
    ...extra,
  }
  return { d, files, out }
}

const base: PlanScaleOutFlags = { values: VALUES, nodes: 3, add: 2 }

/** Just the two calls the planner makes; the rest of the port is not used. */
function fakePort(closed: string[]): KafkaAdminPort {
  const metadata: ClusterMetadata = {
    clusterId: 'c',
    controllerId: 1,
    brokers: [],
    topics: [
      {
        name: 'logs',
        id: 'a',
        internal: false,
        partitions: Array.from({ length: 30 }, (_, i) => ({
          partition: i,
          leader: 1,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
        })),
      },
      {
        name: 'state',
        id: 'b',
        internal: false,
        partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }],
      },
      { name: '__consumer_offsets', id: 'c', internal: true, partitions: [] },
    ],
  }
  const port: Partial<KafkaAdminPort> = {
    metadata: async () => metadata,
    describeConfigs: async (resources) =>
      resources.map((r) => ({
        type: r.type,
        name: r.name,
        configs: { 'cleanup.policy': r.name === 'state' ? 'compact' : 'delete' },
      })),
    close: async () => {
      closed.push('closed')
    },
  }
  return port as KafkaAdminPort
}

describe('autopilot plan scale-out', () => {
  it('writes the new values to --out and prints the plan with its runbook', async () => {
    const { d, files, out } = deps()
    await runPlanScaleOut({ ...base, out: 'new.yaml', release: 'obs' }, d)
    expect(files.get('new.yaml')).toBe(readFileSync('test/fixtures/capacity/values.scaled.yaml', 'utf8'))
    const text = out.join('')
    expect(text).toContain('Scale-out: 3 → 5 nodes (replicas × 5/3, rounded up)')
    expect(text).toContain(
      '     $ helm upgrade obs <chart> -n <namespace> -f new.yaml --version <chart version from step 1>',
    )
    expect(text).toContain('New values written to new.yaml.')
  })

  it('--json gives replicas, partitions, warnings, runbook, diff and values', async () => {
    const { d, out } = deps()
    await runPlanScaleOut({ ...base, json: true }, d)
    const doc = JSON.parse(out.join(''))
    expect(Object.keys(doc)).toEqual([
      'nodes',
      'add',
      'factor',
      'volumeGrowth',
      'replicas',
      'partitions',
      'warnings',
      'runbook',
      'diff',
      'values',
    ])
    expect(doc.replicas.find((r: { path: string }) => r.path === 'kafka.broker.replicaCount')).toMatchObject({
      from: 3,
      to: 5,
      category: 'scaled',
      line: 65,
    })
  })

  it('reads partitions and compaction from the live cluster and closes the port', async () => {
    const closed: string[] = []
    const { d } = deps({ openPort: () => fakePort(closed) })
    const plan = await runPlanScaleOut({ ...base, bootstrapServer: '127.0.0.1:9092', volumeGrowth: 2 }, d)
    const byTopic = Object.fromEntries(
      plan!.partitions.map((p) => [p.topic, [p.from, p.to, p.keyed, p.source]]),
    )
    expect(byTopic.logs).toEqual([30, 60, 'unknown', 'values+cluster'])
    expect(byTopic.state).toEqual([1, 2, 'yes', 'cluster'])
    expect(closed).toEqual(['closed'])
  })

  it('--print-rules prints rules that read back the same', async () => {
    const { d, out } = deps()
    expect(await runPlanScaleOut({ printRules: true }, d)).toBeNull()
    expect(parseScaleRules(out.join(''), 'printed.yaml')).toEqual(DEFAULT_RULES)
  })

  const refusals: Array<{ name: string; flags: PlanScaleOutFlags; code: string; field: string }> = [
    {
      name: '--apply-kafka without --bootstrap-server',
      flags: { ...base, applyKafka: true },
      code: 'AP_ERR_USAGE',
      field: '--bootstrap-server',
    },
    {
      name: '--dry-run without --apply-kafka',
      flags: { ...base, dryRun: true },
      code: 'AP_ERR_USAGE',
      field: '--dry-run',
    },
    {
      name: '--only-topic without --apply-kafka',
      flags: { ...base, onlyTopic: ['a'] },
      code: 'AP_ERR_USAGE',
      field: '--only-topic',
    },
    {
      name: '--throttle 0',
      flags: { ...base, applyKafka: true, bootstrapServer: '127.0.0.1:9092', throttle: 0 },
      code: 'AP_ERR_USAGE',
      field: '--throttle',
    },
    { name: 'a missing --values', flags: { nodes: 3, add: 1 }, code: 'AP_ERR_USAGE', field: '--values' },
    {
      name: 'a values file that is not there',
      flags: { ...base, values: 'nope.yaml' },
      code: 'AP_ERR_NOT_FOUND',
      field: '--values',
    },
    { name: '--out over --values', flags: { ...base, out: VALUES }, code: 'AP_ERR_USAGE', field: '--out' },
    {
      name: 'a bad bootstrap server',
      flags: { ...base, bootstrapServer: 'nohostport' },
      code: 'AP_ERR_CONFIG',
      field: '--bootstrap-server[0]',
    },
  ]
  for (const row of refusals) {
    it(`refuses ${row.name}`, async () => {
      const error = await runPlanScaleOut(row.flags, deps().d).catch((e: unknown) => e)
      expect(AutopilotError.is(error) && [error.code, error.field]).toEqual([row.code, row.field])
    })
  }
})

describe('parseGrowth', () => {
  const rows: Array<[string, number]> = [
    ['1.5', 1.5],
    ['2x', 2],
    ['50%', 1.5],
    ['+25%', 1.25],
  ]
  for (const [text, value] of rows) it(`${text} → ${value}`, () => expect(parseGrowth(text)).toBe(value))
  for (const bad of ['', '0', '-1', 'fast'])
    it(`refuses ${JSON.stringify(bad)}`, () => expect(() => parseGrowth(bad)).toThrow(/--volume-growth/))
})
