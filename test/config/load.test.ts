import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type ConfigIssue, loadConfig, parseConfig } from '../../src/config/load.ts'
import { AutopilotError } from '../../src/errors.ts'

const fixture = (name: string) => new URL(`../fixtures/config/${name}`, import.meta.url).pathname

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfig(text, 'test.yaml')
  } catch (err) {
    if (!AutopilotError.is(err)) throw err
    expect(err.code).toBe('AP_ERR_CONFIG')
    return (err.details?.issues ?? []) as ConfigIssue[]
  }
  throw new Error('expected the config to be rejected')
}

const scaler = (extra: string, metadata = '') => `scalers:
  - name: orders
    target: { type: process, command: node }
    trigger:
      type: kafka
      metadata:
        bootstrapServers: 127.0.0.1:9092
        consumerGroup: orders
        topic: orders
${metadata}${extra}`

describe('parseConfig', () => {
  it('fills defaults: polling 5 s, cooldown 300 s, KEDA trigger defaults, HPA behaviour', () => {
    const { config } = parseConfig(scaler(''))
    const s = config.scalers[0]!
    expect(s).toMatchObject({
      minReplicaCount: 0,
      maxReplicaCount: 100,
      cooldownPeriod: 300,
      pollingInterval: 5,
      policy: { type: 'lag' },
      target: { type: 'process', command: 'node', args: [], env: {}, onExit: 'stop' },
    })
    expect(s.trigger.metadata).toMatchObject({
      lagThreshold: 10,
      activationLagThreshold: 0,
      offsetResetPolicy: 'latest',
    })
    expect(s.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
      tolerance: 0.1,
    })
    expect(s.behavior.scaleDown.stabilizationWindowSeconds).toBe(300)
  })

  it('fills unset behaviour fields one by one, as the HPA does', () => {
    const { config } = parseConfig(
      scaler('    behavior:\n      scaleUp:\n        stabilizationWindowSeconds: 30\n'),
    )
    expect(config.scalers[0]!.behavior.scaleUp.stabilizationWindowSeconds).toBe(30)
    expect(config.scalers[0]!.behavior.scaleUp.policies).toHaveLength(2)
    expect(config.scalers[0]!.behavior.scaleDown.stabilizationWindowSeconds).toBe(300)
  })

  it('an empty file is an empty configuration', () => {
    expect(parseConfig('').config).toEqual({ scalers: [] })
  })

  it.each<[string, string, Partial<ConfigIssue>]>([
    [
      'KEDA string out of range, with its line',
      scaler('', '        lagThreshold: "0"\n'),
      { path: 'scalers[0].trigger.metadata.lagThreshold', line: 10, message: 'must be an integer ≥ 1' },
    ],
    [
      'unknown field points at the key',
      scaler('', '        lagThreshhold: 10\n'),
      { path: 'scalers[0].trigger.metadata.lagThreshhold', line: 10, column: 9, message: 'unknown field' },
    ],
    [
      'missing required field points at its mapping',
      'scalers:\n  - name: a\n    target: { type: process, command: x }\n    trigger:\n      type: kafka\n      metadata:\n        bootstrapServers: 127.0.0.1:9092\n',
      { path: 'scalers[0].trigger.metadata.consumerGroup', line: 7, message: 'is required' },
    ],
    [
      'cross-field rule names the field',
      scaler('', '        allowIdleConsumers: "true"\n        limitToPartitionsWithLag: "true"\n'),
      { path: 'scalers[0].trigger.metadata.limitToPartitionsWithLag', line: 11 },
    ],
    [
      'idle must be below min',
      scaler('    minReplicaCount: 1\n    idleReplicaCount: 1\n'),
      { path: 'scalers[0].idleReplicaCount', line: 11, message: 'must be below minReplicaCount (1)' },
    ],
    [
      'min above max',
      scaler('    minReplicaCount: 5\n    maxReplicaCount: 2\n'),
      { path: 'scalers[0].minReplicaCount', line: 10 },
    ],
    [
      'slo without maxLagSeconds reports the field, not the union',
      scaler('    policy:\n      type: slo\n'),
      { path: 'scalers[0].policy.maxLagSeconds', line: 11, message: 'is required' },
    ],
    [
      'unknown policy type',
      scaler('    policy: { type: magic }\n'),
      { path: 'scalers[0].policy.type', message: 'type must be lag or slo' },
    ],
    [
      'unknown target type',
      'scalers:\n  - name: a\n    target: { type: ftp }\n',
      { path: 'scalers[0].target.type', line: 3, message: 'type must be one of process, kubernetes, exec' },
    ],
    [
      'behaviour policy type',
      scaler(
        '    behavior:\n      scaleUp:\n        policies: [{ type: Nodes, value: 1, periodSeconds: 15 }]\n',
      ),
      { path: 'scalers[0].behavior.scaleUp.policies[0].type', line: 12 },
    ],
    [
      'fallback above max',
      scaler('    maxReplicaCount: 3\n    fallback: { failureThreshold: 3, replicas: 4 }\n'),
      { path: 'scalers[0].fallback.replicas', line: 11 },
    ],
    ['YAML syntax error has a line', 'scalers:\n  - name: [unclosed\n', { path: '', line: 3 }],
    ['duplicate key is a YAML error', 'scalers: []\nscalers: []\n', { path: '', line: 2 }],
    ['top level must be a mapping', '- a\n- b\n', { path: '' }],
  ])('%s', (_name, text, expected) => {
    const issues = issuesOf(text)
    expect(issues[0]).toMatchObject(expected)
  })

  it('reports every problem at once', () => {
    const issues = issuesOf(
      scaler('    maxReplicaCount: 0\n', '        lagThreshold: "0"\n        offsetResetPolicy: soon\n'),
    )
    expect(issues.map((i) => i.path)).toEqual([
      'scalers[0].trigger.metadata.lagThreshold',
      'scalers[0].trigger.metadata.offsetResetPolicy',
      'scalers[0].maxReplicaCount',
    ])
  })

  it('rejects duplicate scaler names and two scalers on one Kubernetes target', () => {
    const two = `scalers:
  - name: a
    target: { type: kubernetes, name: web }
    trigger: { type: kafka, metadata: { bootstrapServers: "127.0.0.1:9092", consumerGroup: g } }
  - name: a
    target: { type: kubernetes, name: web, namespace: default }
    trigger: { type: kafka, metadata: { bootstrapServers: "127.0.0.1:9092", consumerGroup: h } }
`
    const issues = issuesOf(two)
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['scalers[1].name', 5],
      ['scalers[1].target', 6],
    ])
  })

  it('warns about settings KEDA accepts but that do nothing here', () => {
    const { config, warnings } = parseConfig(
      `scalers:
  - name: a
    target: { type: exec, command: scale.sh }
    trigger:
      type: kafka
      metadata: { bootstrapServers: "127.0.0.1:9092", consumerGroup: g, partitionLimitation: "1,2", version: 1.0.0 }
    minReplicaCount: 1
    cooldownPeriod: 60
`,
    )
    expect(config.scalers[0]!.trigger.metadata.partitionLimitation).toBeUndefined()
    expect(warnings.map((w) => w.path)).toEqual([
      'scalers[0].trigger.metadata.partitionLimitation',
      'scalers[0].trigger.metadata.version',
      'scalers[0].cooldownPeriod',
    ])
  })

  it('warns that lagThreshold does nothing under the slo policy', () => {
    const { warnings } = parseConfig(
      scaler('    policy: { type: slo, maxLagSeconds: 30 }\n', '        lagThreshold: 50\n'),
    )
    expect(warnings.map((w) => [w.path, w.line])).toEqual([['scalers[0].trigger.metadata.lagThreshold', 10]])
  })

  it('the message names file, line and field', () => {
    try {
      parseConfig(scaler('', '        lagThreshold: "0"\n'), 'autopilot.yaml')
      expect.unreachable()
    } catch (err) {
      expect(AutopilotError.is(err) && err.message).toBe(
        'invalid config: autopilot.yaml:10:23: scalers[0].trigger.metadata.lagThreshold: must be an integer ≥ 1',
      )
      expect(AutopilotError.is(err) && err.field).toBe('scalers[0].trigger.metadata.lagThreshold')
    }
  })
})

describe('loadConfig', () => {
  it('loads the example with KEDA strings and native values', async () => {
    const { config, warnings } = await loadConfig(fixture('valid.yaml'))
    expect(warnings).toEqual([])
    expect(config.scalers.map((s) => s.name)).toEqual(['orders', 'billing'])
    expect(config.scalers[0]!.trigger.metadata).toMatchObject({
      lagThreshold: 100,
      partitionDistribution: 'divisor',
    })
    expect(config.scalers[1]!.policy).toMatchObject({
      type: 'slo',
      maxLagSeconds: 30,
      targetUtilization: 1,
      lagBudget: 0.5,
    })
    // slo: behaviour defaults of its own for what is not set; what is set wins.
    expect(config.scalers[1]!.behavior.scaleDown.stabilizationWindowSeconds).toBe(60)
    expect(config.scalers[1]!.behavior.scaleUp.policies).toEqual([
      { type: 'Pods', value: 10_000, periodSeconds: 15 },
    ])
    expect(config.scalers[0]!.behavior.scaleDown.stabilizationWindowSeconds).toBe(300)
  })

  it('a missing file is a config error naming --config', async () => {
    await expect(loadConfig(fixture('nope.yaml'))).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
      field: '--config',
    })
  })

  it('the invalid example lists both problems', async () => {
    const err = await loadConfig(fixture('invalid.yaml')).catch((e: unknown) => e)
    expect(AutopilotError.is(err) && err.message).toContain('2 problems')
    expect(readFileSync(fixture('invalid.yaml'), 'utf8')).toContain('lagThreshhold')
  })
})
