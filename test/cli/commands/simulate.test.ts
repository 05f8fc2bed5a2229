import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/run-cli.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-simulate-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const SHORT = 'step:at=60,hold=120,duration=300'

describe('autopilot simulate', () => {
  it('prints one row per policy and the references, and writes the chart', async () => {
    const chart = join(dir, 'out.svg')
    const r = await runCli(['simulate', '--profile', SHORT, '--chart', chart])
    expect(r.code).toBe(0)
    for (const policy of ['lag', 'slo', 'keda', 'oracle', 'keep-up'])
      expect(r.stdout).toMatch(new RegExp(`^${policy} `, 'm'))
    expect(r.stdout).toContain('SLO 30 s')
    expect(readFileSync(chart, 'utf8')).toMatch(/^<svg/)
  })

  it('--json gives the same numbers on every run', async () => {
    const args = [
      'simulate',
      '--profile',
      'spikes:duration=600',
      '--policy',
      'keda',
      '--policy',
      'slo',
      '--json',
    ]
    const a = await runCli(args)
    const b = await runCli(args)
    expect(a.code).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    const json = JSON.parse(a.stdout)
    expect(json.runs.map((x: { metrics: { policy: string } }) => x.metrics.policy)).toEqual([
      'keda',
      'slo',
      'oracle',
      'keep-up',
    ])
  })

  it('model flags change the model', async () => {
    const run = async (extra: string[]) =>
      JSON.parse(
        (
          await runCli([
            'simulate',
            '--profile',
            SHORT,
            '--policy',
            'keda',
            '--no-oracle',
            '--json',
            ...extra,
          ])
        ).stdout,
      )
    const slow = await run(['--throughput', '200'])
    const fast = await run(['--throughput', '900'])
    expect(slow.params.throughputPerReplica).toBe(200)
    expect(slow.runs[0].metrics.maxLagRecords).toBeGreaterThan(fast.runs[0].metrics.maxLagRecords)
  })

  it('--group-protocol consumer: no group-wide pause, only moved partitions wait (--moved-pause)', async () => {
    const args = ['simulate', '--profile', SHORT, '--policy', 'slo', '--no-oracle']
    const classic = await runCli([...args, '--json'])
    const consumer = await runCli([...args, '--json', '--group-protocol', 'consumer', '--moved-pause', '6'])
    expect(consumer.code).toBe(0)
    const c = JSON.parse(consumer.stdout)
    expect(JSON.parse(classic.stdout).params.groupProtocol).toBe('classic')
    expect(c.params).toMatchObject({ groupProtocol: 'consumer', movedPauseSeconds: 6 })
    expect(c.runs[0].metrics).not.toEqual(JSON.parse(classic.stdout).runs[0].metrics)
    const text = await runCli([...args, '--group-protocol', 'consumer'])
    expect(text.stdout).toContain('consumer protocol, moved partitions pause 7.5 s')
  })

  it('replays a recording with the fixed policy and compares it', async () => {
    const trace = join(dir, 'rec.csv')
    writeFileSync(
      trace,
      't_seconds,records_per_second,replicas,lag,lag_seconds\n0,100,1,0,0\n10,500,1,100,1\n20,100,2,2000,5\n30,100,2,,\n',
    )
    const r = await runCli(['simulate', '--trace', trace, '--policy', 'fixed', '--partitions', '4'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/fixed vs recording: lag error mean/)
  })

  it('runs the scaler of an autopilot.yaml', async () => {
    const config = join(dir, 'autopilot.yaml')
    writeFileSync(
      config,
      [
        'scalers:',
        '  - name: orders',
        '    target: { type: exec, command: "true" }',
        '    trigger: { type: kafka, metadata: { bootstrapServers: "127.0.0.1:9092", consumerGroup: g, topic: orders, lagThreshold: "2000" } }',
        '    policy: { type: slo, maxLagSeconds: 20 }',
      ].join('\n'),
    )
    const r = await runCli(['simulate', '--profile', SHORT, '-c', config, '--json', '--no-oracle'])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.lagThreshold).toBe(2000)
    expect(json.params.sloSeconds).toBe(20)
  })

  it.each([
    { name: 'neither profile nor trace', args: [], message: /exactly one of --profile and --trace/, code: 2 },
    { name: 'both', args: ['--profile', 'step', '--trace', 'x.csv'], message: /exactly one of/, code: 2 },
    {
      name: 'unknown policy',
      args: ['--profile', 'step', '--policy', 'hpa'],
      message: /unknown policy "hpa"/,
      code: 2,
    },
    { name: 'unknown profile', args: ['--profile', 'saw'], message: /unknown profile "saw"/, code: 2 },
    { name: 'missing trace', args: ['--trace', '/nonexistent/t.csv'], message: /cannot read trace/, code: 3 },
    {
      name: 'bad model value',
      args: ['--profile', 'step', '--throughput', '0'],
      message: /--throughput takes a number/,
      code: 2,
    },
    {
      name: 'unknown group protocol',
      args: ['--profile', 'step', '--group-protocol', 'eager'],
      message: /--group-protocol takes classic or consumer, got eager/,
      code: 2,
    },
    {
      name: 'moved pause with the classic protocol',
      args: ['--profile', 'step', '--moved-pause', '5'],
      message: /--moved-pause applies to --group-protocol consumer/,
      code: 2,
    },
    {
      name: 'bad moved pause',
      args: ['--profile', 'step', '--group-protocol', 'consumer', '--moved-pause', 'x'],
      message: /--moved-pause takes a number/,
      code: 2,
    },
    {
      name: 'fixed without replicas',
      args: ['--profile', 'step', '--policy', 'fixed'],
      message: /needs a trace with a replicas column/,
      code: 2,
    },
    {
      name: 'scaler without config',
      args: ['--profile', 'step', '--scaler', 'x'],
      message: /--scaler needs --config/,
      code: 2,
    },
  ])('rejects $name with a clear error and no stack trace', async ({ args, message, code }) => {
    const r = await runCli(['simulate', ...args])
    expect(r.code).toBe(code)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})
