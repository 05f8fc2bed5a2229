// The configuration (src/config/target.ts) and the targets (src/executor/targets/) each validate target
// options. Whatever the configuration accepts must build a target: every config option is one the target
// knows, and a parsed config section goes straight into createTarget. (The targets accept more options than
// the configuration lists today; those are documented in docs/targets.md.)
import { KubeConfig } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { type TargetConfig, target as targetConfig } from '../../src/config/target.ts'
import { createTarget, TARGETS } from '../../src/executor/registry.ts'

const kubeConfig = new KubeConfig()
kubeConfig.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
  users: [{ name: 'u', token: 't' }],
  contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
  currentContext: 'c',
})

const keys = (schema: unknown) => Object.keys((schema as z.ZodObject).shape)

describe('config target schemas ↔ executor targets', () => {
  const members = (targetConfig as unknown as z.ZodDiscriminatedUnion<z.ZodObject[]>).options
  it.each(members.map((m) => ({ kind: (m.shape.type as z.ZodLiteral<string>).value, member: m })))(
    '$kind: every option the config accepts is an option of the target',
    ({ kind, member }) => {
      expect(Object.keys(TARGETS)).toContain(kind)
      const targetKeys = keys(TARGETS[kind as keyof typeof TARGETS].options)
      for (const option of keys(member).filter((k) => k !== 'type')) expect(targetKeys).toContain(option)
    },
  )

  const samples: Array<{ name: string; raw: unknown }> = [
    {
      name: 'process',
      raw: { type: 'process', command: 'java', args: ['-jar', 'c.jar', 3], env: { A: 1 }, onExit: 'keep' },
    },
    { name: 'kubernetes', raw: { type: 'kubernetes', kind: 'StatefulSet', name: 'orders', dryRun: 'true' } },
    { name: 'exec', raw: { type: 'exec', command: 'nomad', args: ['job', 'scale', 'x', '{{replicas}}'] } },
  ]
  it.each(samples)('a parsed $name config section builds its target', async ({ raw }) => {
    const parsed: TargetConfig = targetConfig.parse(raw)
    const target = createTarget(parsed, { kubeConfig })
    expect(target.kind).toBe(parsed.type)
    await target.close()
  })
})
