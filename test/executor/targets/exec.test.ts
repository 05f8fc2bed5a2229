// The exec target against a real command: test/fixtures/executor/scale-command.mjs run by this Node.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import { createExecTarget, parseStatus, renderArgs } from '../../../src/executor/targets/exec.ts'

const SCRIPT = join(import.meta.dirname, '../../fixtures/executor/scale-command.mjs')
const node = process.execPath

let dir: string
let state: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autopilot-exec-'))
  state = join(dir, 'count')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('exec target', () => {
  it('passes the count as {{replicas}} and AUTOPILOT_REPLICAS, and reports the last count it set', async () => {
    const t = createExecTarget(
      { command: node, args: [SCRIPT, 'set', state, '{{replicas}}'] },
      { label: 'nomad' },
    )
    const result = await t.scale(4, { dryRun: false })
    expect(result).toMatchObject({
      kind: 'exec',
      target: 'exec nomad',
      previous: null,
      replicas: 4,
      applied: true,
    })
    expect(readFileSync(state, 'utf8')).toBe('4 4')
    expect(await t.describe()).toEqual({ desired: 4, current: 4, ready: 4 })
    expect((await t.scale(2, { dryRun: false })).previous).toBe(4)
  })

  it('reads the count from statusCommand when there is one', async () => {
    const t = createExecTarget({
      command: node,
      args: [SCRIPT, 'set', state, '{{ replicas }}'],
      statusCommand: node,
      statusArgs: [SCRIPT, 'get', state],
    })
    await t.scale(7, { dryRun: false })
    expect(await t.describe()).toEqual({ desired: 7, current: 7, ready: 7 })
  })

  it('without statusCommand the count is unknown before the first scale, and the error says what to set', async () => {
    const t = createExecTarget({ command: node }, { field: 'scalers[1].target' })
    await expect(t.describe()).rejects.toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: 'scalers[1].target.statusCommand',
    })
  })

  it('a dry run does not run the command', async () => {
    const t = createExecTarget({ command: node, args: [SCRIPT, 'set', state, '{{replicas}}'] })
    const result = await t.scale(3, { dryRun: true })
    expect(result).toMatchObject({ applied: false, dryRun: true })
    expect(result.message).toContain(`would run: ${node} ${SCRIPT} set ${state} 3`)
    expect(existsSync(state)).toBe(false)
  })

  it('a non-zero exit is an AutopilotError carrying the tail of stderr', async () => {
    const t = createExecTarget({ command: node, args: [SCRIPT, 'fail', '2'] })
    const err = await t.scale(1, { dryRun: false }).catch((e: unknown) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ field: 'target.command', retryable: true, details: { exitCode: 2 } })
    expect((err as Error).message).toMatch(
      /exited with code 2: line 1\nline 2\nquota exceeded for group consumers$/,
    )
    await expect(t.describe()).rejects.toMatchObject({ code: 'AP_ERR_NOT_FOUND' })
  })

  it('a command that outlives timeoutMs is stopped and reported as a timeout', async () => {
    const t = createExecTarget({ command: node, args: [SCRIPT, 'hang'], timeoutMs: 300 })
    await expect(t.scale(1, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_TIMEOUT',
      field: 'target.command',
    })
  })

  it('an abort stops the command and rejects with the abort reason', async () => {
    const t = createExecTarget({ command: node, args: [SCRIPT, 'hang'] })
    const controller = new AbortController()
    const run = t.scale(1, { dryRun: false, signal: controller.signal })
    controller.abort(new Error('shutting down'))
    await expect(run).rejects.toThrow('shutting down')
  })

  it('a command that does not exist is a config error on the command field', async () => {
    const t = createExecTarget({ command: '/nonexistent/scale-tool' })
    await expect(t.scale(1, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
      field: 'target.command',
    })
  })
})

describe('exec target: status output', () => {
  const rows: Array<{ name: string; stdout: string; state: unknown }> = [
    { name: 'a bare integer', stdout: '3\n', state: { desired: 3, current: 3, ready: 3 } },
    {
      name: 'JSON with all three',
      stdout: '{"desired":4,"current":3,"ready":2}',
      state: { desired: 4, current: 3, ready: 2 },
    },
    { name: 'JSON with desired only', stdout: '{"desired":2}', state: { desired: 2, current: 2, ready: 2 } },
    { name: 'a negative number', stdout: '-1', state: expect.stringMatching(/integer ≥ 0 or a JSON object/) },
    { name: 'text', stdout: 'three', state: expect.stringMatching(/integer ≥ 0 or a JSON object/) },
    { name: 'JSON without desired', stdout: '{"ready":1}', state: expect.stringMatching(/"desired"/) },
    {
      name: 'JSON with a fractional ready',
      stdout: '{"desired":2,"ready":1.5}',
      state: expect.stringMatching(/"ready"/),
    },
  ]
  it.each(rows)('$name', ({ stdout, state }) => {
    expect(parseStatus(stdout)).toEqual(state)
  })

  it('a status command printing garbage is an error on statusCommand', async () => {
    const t = createExecTarget({ command: node, statusCommand: node, statusArgs: [SCRIPT, 'print', 'lots'] })
    await expect(t.describe()).rejects.toMatchObject({ code: 'AP_ERR_INPUT', field: 'target.statusCommand' })
  })

  it('renders every {{replicas}} placeholder, spaces allowed', () => {
    expect(renderArgs(['--count={{replicas}}', '{{ replicas }}', 'plain'], 5)).toEqual([
      '--count=5',
      '5',
      'plain',
    ])
  })
})

describe('exec target: bad input names the field', () => {
  const rows: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'no command', options: {}, field: 'target.command' },
    {
      name: 'unknown placeholder',
      options: { command: 'x', args: ['a', '{{replica}}'] },
      field: 'target.args[1]',
    },
    {
      name: 'placeholder in statusArgs',
      options: { command: 'x', statusCommand: 'y', statusArgs: ['{{replicas}}'] },
      field: 'target.statusArgs[0]',
    },
    {
      name: 'statusArgs without statusCommand',
      options: { command: 'x', statusArgs: ['a'] },
      field: 'target.statusArgs',
    },
    { name: 'zero timeout', options: { command: 'x', timeoutMs: 0 }, field: 'target.timeoutMs' },
    { name: 'env not a map', options: { command: 'x', env: ['A=1'] }, field: 'target.env' },
  ]
  it.each(rows)('$name → $field', ({ options, field }) => {
    expect(() => createExecTarget(options)).toThrow(expect.objectContaining({ code: 'AP_ERR_CONFIG', field }))
  })
})
