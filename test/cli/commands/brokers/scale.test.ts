// `brokers add|remove`: which cluster the flags name (a local stack or clusters.NAME of a config), every bad
// combination refused naming the flag before anything connects, and the operation's result and exit code with
// a plain-data ClusterOps whose backend refuses to be called for real.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  resolveCluster,
  runBrokersScale,
  type ScaleFlags,
} from '../../../../src/cli/commands/brokers/scale.ts'
import { commandDeps } from '../../../../src/cli/commands/rebalance/session.ts'
import { AutopilotError } from '../../../../src/errors.ts'
import type { ClusterOps } from '../../../../src/executor/operations/open.ts'
import { runCli } from '../../../helpers/run-cli.ts'

let dir: string
let config: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autopilot-brokers-'))
  config = join(dir, 'autopilot.yaml')
  await writeFile(
    config,
    [
      'clusters:',
      '  prod:',
      '    bootstrapServers: 10.0.0.1:9092,10.0.0.2:9092',
      '    backend: {type: cruise-control, url: "http://127.0.0.1:9090"}',
      '    reassignment: {throttleBytesPerSec: 2048}',
    ].join('\n'),
  )
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function refusal(flags: ScaleFlags): Promise<AutopilotError> {
  const err = await resolveCluster(flags).catch((e: unknown) => e)
  if (!AutopilotError.is(err)) throw new Error(`expected an AutopilotError, got ${String(err)}`)
  return err
}

describe('brokers add|remove: the cluster', () => {
  it('a local stack from --bootstrap-server and --stack-dir', async () => {
    expect(
      await resolveCluster({ bootstrapServer: '127.0.0.1:9092, 127.0.0.1:9093', stackDir: '.stack/x' }),
    ).toEqual({
      name: 'local',
      config: {
        bootstrapServers: ['127.0.0.1:9092', '127.0.0.1:9093'],
        backend: { type: 'local', dir: '.stack/x' },
        reassignment: {},
      },
    })
  })

  it('a configured cluster from -c and --cluster', async () => {
    const { name, config: c } = await resolveCluster({ config, cluster: 'prod' })
    expect(name).toBe('prod')
    expect(c.bootstrapServers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092'])
    expect(c.backend).toMatchObject({ type: 'cruise-control' })
    expect(c.reassignment).toEqual({ throttleBytesPerSec: 2048 })
  })

  it('refuses mixed, missing or unknown targets naming the flag', async () => {
    expect(await refusal({})).toMatchObject({ code: 'AP_ERR_USAGE', field: '--bootstrap-server' })
    expect(await refusal({ bootstrapServer: '127.0.0.1:9092' })).toMatchObject({ field: '--stack-dir' })
    expect(await refusal({ stackDir: 'd' })).toMatchObject({ field: '--bootstrap-server' })
    expect(await refusal({ stackDir: 'd', config })).toMatchObject({
      code: 'AP_ERR_USAGE',
      field: '--config',
    })
    expect(await refusal({ cluster: 'prod' })).toMatchObject({ code: 'AP_ERR_USAGE', field: '--config' })
    expect(await refusal({ bootstrapServer: 'nohost', stackDir: 'd' })).toMatchObject({
      field: '--bootstrap-server[0]',
    })
    const unknown = await refusal({ config, cluster: 'staging' })
    expect(unknown).toMatchObject({ code: 'AP_ERR_CONFIG', field: '--cluster', hint: 'declared: prod' })
    expect(await refusal({ config: join(dir, 'missing.yaml') })).toMatchObject({ field: '--config' })
  })

  it.each([
    [['brokers', 'add', '--count', '0'], /--count takes a whole number from 1 to 100/],
    [['brokers', 'add', '--count', '101'], /--count takes a whole number from 1 to 100/],
    [['brokers', 'remove', '--id', 'x'], /--id takes a broker id/],
    [['brokers', 'add', '--throttle', 'lots'], /--throttle takes bytes per second/],
    [['brokers', 'remove', '--max-moves-per-broker', '0'], /--max-moves-per-broker takes/],
  ])('%j exits 2 naming the flag', async (args, message) => {
    const r = await runCli(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})

describe('brokers add|remove: running the operation', () => {
  function fakeOps(log: string[]): ClusterOps {
    const admin = {
      metadata: async () => {
        throw new AutopilotError('AP_ERR_INPUT', 'brokerIds must be a non-empty list', { field: 'brokerId' })
      },
    }
    const backend = {
      name: 'fake',
      status: async () => ({ busy: false, brokers: null, message: 'idle', kind: 'local', target: 'fake' }),
    }
    return {
      name: 'local',
      admin: admin as never,
      backend: backend as never,
      reassignment: { throttleBytesPerSec: 2048 },
      context: (extra = {}) => {
        log.push(`context throttle=${extra.reassignment?.throttleBytesPerSec}`)
        return { ...extra, cluster: 'local', admin: admin as never, backend: backend as never }
      },
      close: async () => {
        log.push('close')
      },
    }
  }

  it("names the CLI flag in the operation's errors, passes --throttle over the cluster's and always closes", async () => {
    const log: string[] = []
    const deps = { ...commandDeps({ stdout: { write: () => {} } }), openOps: async () => fakeOps(log) }
    const err = await runBrokersScale(
      'remove',
      { bootstrapServer: '127.0.0.1:9092', stackDir: 'd', throttle: 4096 },
      deps,
    ).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_INPUT', field: '--id' })
    expect(log).toEqual(['context throttle=4096', 'close'])
  })
})
