// The `clusters:` config section: a cluster parses with its defaults, every bad value is named by its path,
// and the backend options are checked (naming clusters.<name>.backend.<field>) when the operations are built.
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'
import { openClusterOps } from '../../src/executor/operations/index.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'

const issues = (yaml: string): string[] => {
  try {
    parseConfig(yaml)
    return []
  } catch (error) {
    const details = (error as { details?: { issues?: Array<{ path: string; message: string }> } }).details
    return (details?.issues ?? []).map((i) => `${i.path}: ${i.message}`)
  }
}

describe('clusters config', () => {
  it('absent: no clusters', () => {
    expect(parseConfig('scalers: []\n').config.clusters).toBeUndefined()
  })
  it('a cluster with a local backend and movement limits parses; strings become numbers', () => {
    const { config } = parseConfig(`clusters:
  dev:
    bootstrapServers: 127.0.0.1:19092, 127.0.0.1:19102
    backend: { type: local, dir: .stack/dev }
    reassignment: { throttleBytesPerSec: "1048576", maxMovesPerBroker: 2, maxMoves: 10, timeoutSeconds: 600 }
`)
    expect(config.clusters?.dev).toEqual({
      bootstrapServers: ['127.0.0.1:19092', '127.0.0.1:19102'],
      backend: { type: 'local', dir: '.stack/dev' },
      reassignment: {
        throttleBytesPerSec: 1_048_576,
        maxMovesPerBroker: 2,
        maxMoves: 10,
        timeoutSeconds: 600,
      },
    })
  })
  it('reassignment defaults to the executor defaults (empty)', () => {
    const { config } = parseConfig(
      'clusters: { default: { bootstrapServers: "k:9092", backend: { type: local, dir: d } } }\n',
    )
    expect(config.clusters?.default?.reassignment).toEqual({})
  })
  it('every bad value is named by its path', () => {
    const found = issues(`clusters:
  dev:
    bootstrapServers: nohost
    backend: { type: nomad }
    reassignment: { maxMoves: 0, typo: 1 }
  prod: { backend: { type: local, dir: d } }
`)
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^clusters\.dev\.bootstrapServers: each broker must be host:port/),
        expect.stringMatching(
          /^clusters\.dev\.backend\.type: must be one of cruise-control, koperator, local, strimzi/,
        ),
        expect.stringMatching(/^clusters\.dev\.reassignment\.maxMoves: must be an integer ≥ 1/),
        expect.stringMatching(/^clusters\.dev\.reassignment/),
        expect.stringMatching(/^clusters\.prod\.bootstrapServers/),
      ]),
    )
  })
  it('a cluster name must be a name', () => {
    expect(
      issues('clusters: { "bad name!": { bootstrapServers: "k:1", backend: { type: local, dir: d } } }\n'),
    ).toEqual(['clusters.bad name!: must be a name (letters, digits, ., - and _)'])
  })
  it('backend options are checked when the operations are built, naming the field', async () => {
    const { config } = parseConfig(
      'clusters: { dev: { bootstrapServers: "k:9092", backend: { type: local, dri: x } } }\n',
    )
    const admin = new FakeAdminPort()
    const err = await openClusterOps('dev', config.clusters!.dev!, { openAdminPort: () => admin }).catch(
      (e) => e,
    )
    expect(err).toMatchObject({ code: 'AP_ERR_CONFIG' })
    expect(String(err.field)).toMatch(/^clusters\.dev\.backend/)
  })
  it('a valid cluster builds its port and backend, with the movement limits in ms', async () => {
    const { config } = parseConfig(
      'clusters: { dev: { bootstrapServers: "k:9092", backend: { type: local, dir: .stack/x }, reassignment: { timeoutSeconds: 60 } } }\n',
    )
    const ops = await openClusterOps('dev', config.clusters!.dev!, {
      openAdminPort: () => new FakeAdminPort(),
    })
    expect(ops.backend.kind).toBe('local')
    expect(ops.context().reassignment).toEqual({ timeoutMs: 60_000 })
    expect(ops.context({ minBrokers: 3 })).toMatchObject({ cluster: 'dev', minBrokers: 3 })
    await ops.close()
  })
})
