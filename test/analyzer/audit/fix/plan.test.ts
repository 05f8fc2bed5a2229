import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runAudit } from '../../../../src/analyzer/audit/engine.ts'
import { type FixInputFile, planFixes } from '../../../../src/analyzer/audit/fix/plan.ts'
import { mergeManifests, parseManifests } from '../../../../src/analyzer/audit/manifest.ts'
import { buildStack } from '../../../../src/analyzer/audit/model.ts'
import { parseConfig } from '../../../../src/config/load.ts'

const FIXTURES = 'test/fixtures/audit'

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name)
      return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.yaml') ? [full] : []
    })
}

const inputs: FixInputFile[] = filesUnder(`${FIXTURES}/event-stack`).map((path) => ({
  path,
  text: readFileSync(path, 'utf8'),
  outName: join('event-stack', relative(`${FIXTURES}/event-stack`, path)),
}))

describe('event-stack fixture: audit → fix → audit', () => {
  it('finds the gaps the HA guideline lists', () => {
    const merged = mergeManifests(inputs.map((i) => parseManifests(i.text, i.path)))
    const { findings } = runAudit(buildStack(merged.resources, merged.problems))
    const byRule = new Map<string, string[]>()
    for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f.resource])
    expect(Object.fromEntries(byRule)).toEqual({
      'kafka-replication-factor': [
        'Kafka/shop/events',
        'Kafka/shop/events',
        'Kafka/shop/events',
        'KafkaTopic/shop/orders',
        'KafkaTopic/shop/payments',
      ],
      'kafka-min-insync-replicas': ['Kafka/shop/events', 'Kafka/shop/events'],
      'kafka-quorum-size': ['KafkaNodePool/shop/controllers'],
      'kafka-broker-count': ['KafkaNodePool/shop/brokers'],
      'alert-rules-coverage': ['stack', 'stack', 'stack', 'stack'],
      'autoscaler-present': [
        'Deployment/shop/backend',
        'Deployment/shop/frontend',
        'Deployment/shop/order-consumer',
      ],
      'pdb-present': ['Deployment/shop/backend', 'Deployment/shop/order-consumer'],
      'spread-across-nodes': ['Deployment/shop/backend', 'Deployment/shop/order-consumer'],
      'container-probes': ['Deployment/shop/backend'],
      'consumer-replicas-within-partitions': ['Deployment/shop/order-consumer'],
    })
    expect(findings.every((f) => f.fixable)).toBe(true)
  })

  const plan = planFixes(inputs, 'out')

  it('leaves nothing: originals + written files audit clean', () => {
    expect(plan.remaining).toEqual([])
  })

  it('fixes what the second round needs too (new HPA → PDB and spread for the frontend, pools raised → spread)', () => {
    const names = new Set(plan.applied.map((f) => `${f.rule} ${f.resource}`))
    expect(names).toContain('pdb-present Deployment/shop/frontend')
    expect(names).toContain('spread-across-nodes Deployment/shop/frontend')
    expect(names).toContain('spread-across-nodes KafkaNodePool/shop/brokers')
  })

  it('writes exactly the committed event-stack.fixed files', () => {
    const golden = filesUnder(`${FIXTURES}/event-stack.fixed`).map((p) =>
      relative(`${FIXTURES}/event-stack.fixed`, p),
    )
    expect(plan.files.map((f) => f.name).sort()).toEqual(golden.sort())
    for (const file of plan.files) {
      expect(file.text, file.name).toBe(
        readFileSync(join(`${FIXTURES}/event-stack.fixed`, file.name), 'utf8'),
      )
    }
  })

  it('changes only the lines it fixes in patched copies (comments and layout kept)', () => {
    const original = inputs.find((i) => i.path.endsWith('order-consumer.yaml'))!.text
    const patched = plan.files.find((f) => f.name === 'patched/event-stack/order-consumer.yaml')!.text
    const before = original.split('\n')
    const after = patched.split('\n')
    expect(after[0]).toBe('# Reads orders and writes them to postgres. Scaled by hand for the last sale.')
    expect(after.filter((l) => !before.includes(l))).toEqual([
      '  replicas: 12 # autopilot audit --fix: one consumer per partition at most',
      '      # autopilot audit --fix: spread replicas over nodes',
      '      affinity:',
      '        podAntiAffinity:',
      '          preferredDuringSchedulingIgnoredDuringExecution:',
      '            - weight: 100',
      '              podAffinityTerm:',
      '                topologyKey: kubernetes.io/hostname',
      '                labelSelector:',
      '                  matchLabels:',
      '                    app: order-consumer',
    ])
  })

  it('is idempotent: fixing the fixed set writes nothing new', () => {
    const again = planFixes(
      [...inputs, ...plan.files.map((f) => ({ path: `out/${f.name}`, text: f.text, outName: f.name }))],
      'out2',
    )
    expect(again.files).toEqual([])
    expect(again.remaining).toEqual([])
  })
})

describe('--consumer-scaler autopilot', () => {
  const plan = planFixes(inputs, 'out', { consumerScaler: 'autopilot' })

  it('writes the consumer scaler into autopilot.yaml instead of a ScaledObject, and the result audits clean', () => {
    expect(plan.files.map((f) => f.name)).toContain('autopilot.yaml')
    expect(plan.files.find((f) => f.name === 'autoscalers.yaml')!.text).not.toContain('ScaledObject')
    expect(plan.remaining).toEqual([])
  })

  it('writes a config that autopilot validate accepts', () => {
    const text = plan.files.find((f) => f.name === 'autopilot.yaml')!.text
    const { config } = parseConfig(text, 'autopilot.yaml')
    expect(config.scalers).toHaveLength(1)
    expect(config.scalers[0]).toMatchObject({
      name: 'order-consumer',
      target: { type: 'kubernetes', kind: 'Deployment', name: 'order-consumer', namespace: 'shop' },
      trigger: { type: 'kafka', metadata: { consumerGroup: 'order-writer', lagThreshold: 100 } },
      minReplicaCount: 1,
      maxReplicaCount: 12,
    })
  })
})
