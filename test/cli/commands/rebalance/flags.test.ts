// Flag parsing of the live rebalance and brokers subcommands: every bad value is refused before connecting,
// naming the flag, with exit 2 (usage) or 3 (a bad --bootstrap-server entry).
import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { brokerIdFlag, intFlag, parseThrottle } from '../../../../src/cli/commands/rebalance/flags.ts'
import { runCli } from '../../../helpers/run-cli.ts'

const BS = ['--bootstrap-server', '127.0.0.1:9092']

describe('--throttle', () => {
  it('takes bytes per second with optional units and /s, or none', () => {
    expect(parseThrottle('10485760')).toBe(10_485_760)
    expect(parseThrottle('10MiB')).toBe(10 * 1024 * 1024)
    expect(parseThrottle('500KB/s')).toBe(500_000)
    expect(parseThrottle('1.5 kib')).toBe(1536)
    expect(parseThrottle('1G')).toBe(1e9)
    expect(parseThrottle('none')).toBeNull()
  })

  it.each(['', 'fast', '-5', '0', '0.1', '10XB', '10 MiB/h'])('refuses %j naming the flag', (value) => {
    expect(() => parseThrottle(value)).toThrow(InvalidArgumentError)
    expect(() => parseThrottle(value)).toThrow(/--throttle/)
  })
})

describe('numeric and id flags', () => {
  it('intFlag takes whole numbers within bounds', () => {
    const parse = intFlag('--max-moves-per-broker', 1)
    expect(parse('5')).toBe(5)
    for (const bad of ['0', '-1', '2.5', 'x', ''])
      expect(() => parse(bad)).toThrow(/--max-moves-per-broker takes a whole number ≥ 1/)
    expect(() => intFlag('--n', 1, 3)('4')).toThrow(/from 1 to 3/)
  })

  it('broker id flags collect repeated ids', () => {
    const parse = brokerIdFlag('--id')
    expect(parse('5', parse('4'))).toEqual([4, 5])
    expect(() => parse('four')).toThrow(/--id takes a broker id/)
  })
})

describe('usage errors through the CLI (nothing connects)', () => {
  async function usage(args: string[]) {
    const r = await runCli(args)
    expect(r.stdout).toBe('')
    return r
  }

  it.each([
    [['rebalance', 'execute', '--plan', 'p.json'], /--bootstrap-server/],
    [['rebalance', 'status'], /--bootstrap-server/],
    [['rebalance', 'cancel'], /--bootstrap-server/],
    [['brokers', 'list'], /--bootstrap-server/],
    [['rebalance', 'execute', ...BS, '--throttle', 'fast'], /--throttle takes bytes per second/],
    [['rebalance', 'execute', ...BS, '--max-moves-per-broker', '0'], /--max-moves-per-broker takes/],
    [['rebalance', 'execute', ...BS, '--max-moves', 'many'], /--max-moves takes/],
    [['rebalance', 'execute', ...BS, '--poll-interval', '5'], /--poll-interval takes a whole number ≥ 10/],
    [['rebalance', 'execute', ...BS, '--remove-broker', 'b1'], /--remove-broker takes a broker id/],
    [['rebalance', 'execute', ...BS, '--add-broker', 'x'], /--add-broker takes ID/],
    [['rebalance', 'execute', ...BS, '--topic', ''], /--topic takes a non-empty value/],
    [['rebalance', 'cancel', ...BS, '--timeout', '0'], /--timeout takes a whole number ≥ 1/],
  ])('%j exits 2 naming the flag', async (args, message) => {
    const r = await usage(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('--plan with planning flags, a rack on --add-broker, or one broker both added and removed: exit 2', async () => {
    const both = await usage(['rebalance', 'execute', ...BS, '--plan', 'p.json', '--remove-broker', '3'])
    expect(both).toMatchObject({ code: 2 })
    expect(both.stderr).toMatch(/--plan cannot be combined.*\(field: --plan\)/)
    const rack = await usage(['rebalance', 'execute', ...BS, '--add-broker', '4:a'])
    expect(rack.stderr).toMatch(/the rack comes from the cluster \(field: --add-broker\)/)
    const twice = await usage(['rebalance', 'execute', ...BS, '--add-broker', '4', '--remove-broker', '4'])
    expect(twice.stderr).toMatch(/both --add-broker and --remove-broker \(field: --remove-broker\)/)
  })

  it('a malformed --bootstrap-server names the entry (exit 3)', async () => {
    const r = await usage(['brokers', 'list', '--bootstrap-server', 'localhost'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/field: --bootstrap-server\[0\]/)
  })

  it('an unreadable or invalid --plan names the file before connecting', async () => {
    const missing = await usage(['rebalance', 'execute', ...BS, '--plan', '/nonexistent/plan.json'])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/plan\.json \(field: --plan\)/)
  })
})
