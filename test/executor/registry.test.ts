// The registry is the list of targets: kept sorted, each kind documented in docs/targets.md with every
// option it accepts, and each factory producing a target of its own kind.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createTarget, DEFAULT_TARGET, TARGETS } from '../../src/executor/registry.ts'

const kinds = Object.keys(TARGETS) as Array<keyof typeof TARGETS>
const docs = readFileSync(join(import.meta.dirname, '../../docs/targets.md'), 'utf8')

/** The text of `## \`kind\`` up to the next level-2 heading. */
function section(kind: string): string | undefined {
  const start = docs.indexOf(`\n## \`${kind}\`\n`)
  if (start === -1) return undefined
  const end = docs.indexOf('\n## ', start + 1)
  return docs.slice(start, end === -1 ? undefined : end)
}

function optionNames(schema: z.ZodType): string[] {
  expect(schema).toBeInstanceOf(z.ZodObject)
  return Object.keys((schema as z.ZodObject).shape)
}

// A kubeconfig that is never contacted: building a target makes no request.
const kubeConfig = new KubeConfig()
kubeConfig.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
  users: [{ name: 'u', token: 't' }],
  contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
  currentContext: 'c',
})
const minimal: Record<keyof typeof TARGETS, Record<string, unknown>> = {
  exec: { command: 'true' },
  kubernetes: { name: 'orders' },
  process: { command: 'true' },
}

describe('target registry', () => {
  it('is in alphabetical order', () => {
    expect(kinds).toEqual([...kinds].sort())
  })

  it.each(kinds)('%s is documented in docs/targets.md, every option in its table', (kind) => {
    const text = section(kind)
    expect(text, `docs/targets.md has no "## \`${kind}\`" section`).toBeDefined()
    for (const option of optionNames(TARGETS[kind].options)) {
      // A table row whose first cell is the option (Biome pads table cells).
      expect(text, `option ${option} of ${kind}`).toMatch(new RegExp(`^\\| \`${option}\` +\\|`, 'm'))
    }
  })

  it('documents no target that does not exist', () => {
    const documented = [...docs.matchAll(/^## `([^`]+)`$/gm)].map((m) => m[1])
    expect(documented).toEqual(kinds)
  })

  it.each(kinds)('%s: the factory builds a target of that kind', async (kind) => {
    const target = createTarget({ type: kind, ...minimal[kind] }, { kubeConfig })
    expect(target.kind).toBe(kind)
    await target.close()
  })

  it('a target without a type is the default, a local process pool', async () => {
    expect(DEFAULT_TARGET).toBe('process')
    const target = createTarget({ command: 'true' })
    expect(target.kind).toBe('process')
    await target.close()
  })

  it('an unknown type is a config error on the type field, listing the known ones', () => {
    expect(() => createTarget({ type: 'nomad' }, { field: 'scalers[3].target' })).toThrow(
      expect.objectContaining({
        code: 'AP_ERR_CONFIG',
        field: 'scalers[3].target.type',
        hint: 'one of exec, kubernetes, process',
      }),
    )
  })
})
