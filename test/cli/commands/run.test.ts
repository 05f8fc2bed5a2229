// `autopilot run` is thin: it loads the config, hands it to createDaemon with the flags, serves, waits for a
// signal and stops. The daemon itself is tested in test/daemon/.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDaemon } from '../../../src/cli/commands/run.ts'
import type { AutopilotConfig } from '../../../src/config/schema.ts'
import type { Daemon, DaemonDeps } from '../../../src/daemon/daemon.ts'
import { AutopilotError } from '../../../src/errors.ts'
import { runCli } from '../../helpers/run-cli.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-run-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const CONFIG = `scalers:
  - name: orders
    target: { type: process, command: node, onExit: keep }
    trigger:
      type: kafka
      metadata: { bootstrapServers: 127.0.0.1:9092, consumerGroup: orders, topic: orders, lagThreshold: 10 }
`

function fakeDaemon(
  calls: string[],
  listen: () => Promise<string> = async () => 'http://127.0.0.1:9477',
  controllers = [{ name: 'orders' }],
) {
  let got: { config: AutopilotConfig; deps: DaemonDeps } | null = null
  const create = async (config: AutopilotConfig, deps: DaemonDeps = {}) => {
    got = { config, deps }
    return {
      controllers,
      listen: async () => {
        calls.push('listen')
        return listen()
      },
      start: () => void calls.push('start'),
      stop: async () => void calls.push('stop'),
    } as unknown as Daemon
  }
  return { create, got: () => got! }
}

describe('autopilot run', () => {
  it('passes the flags to the daemon, listens, starts, and stops on the signal', async () => {
    writeFileSync(join(dir, 'autopilot.yaml'), CONFIG)
    const calls: string[] = []
    const lines: string[] = []
    const fake = fakeDaemon(calls)
    await runDaemon(
      { config: join(dir, 'autopilot.yaml'), dryRun: true, port: 0, journal: 'rel/j.db' },
      {
        log: (l) => lines.push(l),
        shutdown: async () => {
          calls.push('signal')
          return 'SIGTERM'
        },
        create: fake.create,
      },
    )
    expect(calls).toEqual(['listen', 'start', 'signal', 'stop'])
    const { config, deps } = fake.got()
    expect(deps).toMatchObject({ baseDir: dir, dryRun: true, server: { port: 0 } })
    expect(config.journal?.path).toBe(join(process.cwd(), 'rel/j.db'))
    expect(lines[0]).toMatch(/^autopilot run: orders; API http:\/\/127\.0\.0\.1:9477 .*DRY RUN$/)
    expect(lines.slice(1)).toEqual(['SIGTERM: stopping (again to exit at once)', 'stopped'])
  })

  it('runs a self-healing-only config (clusters and alerts, no scalers), saying so', async () => {
    const healing = `clusters:\n  main: { bootstrapServers: "127.0.0.1:19092", backend: { type: local, dir: .stack/x } }\nalerts: { mode: auto }\n`
    writeFileSync(join(dir, 'autopilot.yaml'), healing)
    const calls: string[] = []
    const lines: string[] = []
    const fake = fakeDaemon(calls, undefined, [])
    await runDaemon(
      { config: join(dir, 'autopilot.yaml') },
      { log: (l) => lines.push(l), shutdown: async () => 'SIGTERM', create: fake.create },
    )
    expect(fake.got().config.scalers).toEqual([])
    expect(lines[0]).toMatch(
      /^autopilot run: no scalers, clusters main, alerts; API http:\/\/127\.0\.0\.1:9477 /,
    )
    expect(calls).toEqual(['listen', 'start', 'stop'])
  })

  it('stops what it built when the address is taken', async () => {
    writeFileSync(join(dir, 'autopilot.yaml'), CONFIG)
    const calls: string[] = []
    const fake = fakeDaemon(calls, async () => {
      throw new AutopilotError('AP_ERR_CONFIG', 'cannot listen on 127.0.0.1:9477: EADDRINUSE', {
        field: 'server.port',
      })
    })
    const err = await runDaemon(
      { config: join(dir, 'autopilot.yaml') },
      { log: () => {}, shutdown: async () => 'SIGTERM', create: fake.create },
    ).catch((e: unknown) => e)
    expect((err as AutopilotError).field).toBe('server.port')
    expect(calls).toEqual(['listen', 'stop'])
  })

  const failures = [
    { name: 'a missing config file', file: null, code: 3, stderr: /cannot read config file/ },
    {
      name: 'a config with nothing to do',
      file: 'scalers: []\n',
      code: 3,
      stderr: /nothing to do: no scalers, no clusters and no alerts \(field: scalers\)/,
    },
    { name: 'an invalid config', file: 'scalers:\n  - name: x\n', code: 3, stderr: /autopilot\.yaml:2:/ },
  ]
  for (const row of failures) {
    it(`exits ${row.code} on ${row.name}, naming the problem`, async () => {
      if (row.file !== null) writeFileSync(join(dir, 'autopilot.yaml'), row.file)
      const result = await runCli(['run', '-c', join(dir, 'autopilot.yaml'), '--journal', join(dir, 'j.db')])
      expect(result.code).toBe(row.code)
      expect(result.stderr).toMatch(row.stderr)
    })
  }

  it('rejects a bad --port before loading anything', async () => {
    const result = await runCli(['run', '--port', '70000'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--port takes a whole number from 0 to 65535/)
  })
})
