// The broker backend registry: sorted, every kind documented in docs/broker-backends.md with each option it
// accepts and the operations it offers, and each factory building a backend of its own kind.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BROKER_BACKENDS, createBrokerBackend } from '../../../src/executor/brokers/registry.ts'

const kinds = Object.keys(BROKER_BACKENDS) as Array<keyof typeof BROKER_BACKENDS>
const docs = readFileSync(join(import.meta.dirname, '../../../docs/broker-backends.md'), 'utf8')

/** The text of `## \`kind\`` up to the next level-2 heading. */
function section(kind: string): string | undefined {
  const start = docs.indexOf(`\n## \`${kind}\`\n`)
  if (start === -1) return undefined
  const end = docs.indexOf('\n## ', start + 1)
  return docs.slice(start, end === -1 ? undefined : end)
}

// A kubeconfig that is never contacted: building a backend makes no request.
const kubeConfig = new KubeConfig()
kubeConfig.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
  users: [{ name: 'u', token: 't' }],
  contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
  currentContext: 'c',
})
const minimal: Record<keyof typeof BROKER_BACKENDS, Record<string, unknown>> = {
  'cruise-control': { url: 'http://127.0.0.1:9090' },
  koperator: { cluster: 'kafka' },
  local: { dir: '/tmp/nowhere' },
  strimzi: { nodePool: 'brokers' },
}

describe('broker backend registry', () => {
  it('is in alphabetical order', () => {
    expect(kinds).toEqual([...kinds].sort())
  })

  it.each(kinds)('%s is documented in docs/broker-backends.md, every option in its table', (kind) => {
    const text = section(kind)
    expect(text, `docs/broker-backends.md has no "## \`${kind}\`" section`).toBeDefined()
    const schema = BROKER_BACKENDS[kind].options
    expect(schema).toBeInstanceOf(z.ZodObject)
    for (const option of Object.keys((schema as z.ZodObject).shape)) {
      expect(text, `option ${option} of ${kind}`).toMatch(new RegExp(`^\\| \`${option}\` +\\|`, 'm'))
    }
  })

  it.each(kinds)('%s: the documented operations are the ones it offers', (kind) => {
    const line = section(kind)?.match(/^Operations: (.+)$/m)?.[1]
    const backend = BROKER_BACKENDS[kind].create(minimal[kind], { kubeConfig })
    expect(line?.split(', ')).toEqual([...backend.operations])
  })

  it('documents no backend that does not exist', () => {
    const documented = [...docs.matchAll(/^## `([^`]+)`$/gm)].map((m) => m[1])
    expect(documented).toEqual(kinds)
  })

  it.each(kinds)('%s: the factory builds a backend of that kind', async (kind) => {
    const backend = createBrokerBackend({ type: kind, ...minimal[kind] }, { kubeConfig })
    expect(backend.kind).toBe(kind)
    await backend.close()
  })

  it('an unknown or missing type is a config error on the type field, listing the known ones', () => {
    for (const type of ['nomad', undefined]) {
      expect(() => createBrokerBackend({ type }, { field: 'actions.brokers' })).toThrow(
        expect.objectContaining({
          code: 'AP_ERR_CONFIG',
          field: 'actions.brokers.type',
          hint: 'one of cruise-control, koperator, local, strimzi',
        }),
      )
    }
  })
})
