import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import {
  parseAddBroker,
  type RebalanceDeps,
  type RebalancePlanFlags,
  registerRebalance,
  runRebalancePlan,
} from '../../../src/cli/commands/rebalance.ts'
import { buildProgram } from '../../../src/cli/main.ts'
import { AutopilotError } from '../../../src/errors.ts'

const striped = (brokers: number[], count: number, rf: number) =>
  Array.from({ length: count }, (_, p) => ({
    topic: 'orders',
    partition: p,
    replicas: Array.from({ length: rf }, (_, i) => brokers[(p + i) % brokers.length]!),
  }))

const CLUSTER = {
  brokers: [{ id: 1 }, { id: 2 }, { id: 3 }],
  partitions: striped([1, 2, 3], 12, 3),
}
const RACKED = {
  brokers: [
    { id: 1, rack: 'a' },
    { id: 2, rack: 'b' },
    { id: 3, rack: 'c' },
    { id: 4, rack: 'a' },
  ],
  partitions: striped([1, 2, 3], 12, 3),
}

function setup(files: Record<string, string> = {}) {
  const all: Record<string, string> = {
    'cluster.json': JSON.stringify(CLUSTER),
    'racked.json': JSON.stringify(RACKED),
    ...files,
  }
  const chunks: string[] = []
  const deps: RebalanceDeps = {
    stdout: { write: (t: string) => chunks.push(t) },
    readFile: async (path) => {
      const text = all[path]
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
      return text
    },
  }
  return { deps, text: () => chunks.join('') }
}

async function failure(flags: RebalancePlanFlags, files?: Record<string, string>): Promise<AutopilotError> {
  const { deps } = setup(files)
  const err = await runRebalancePlan(flags, deps).catch((e: unknown) => e)
  if (!AutopilotError.is(err)) throw new Error(`expected an AutopilotError, got ${String(err)}`)
  return err
}

describe('autopilot rebalance plan --from-file', () => {
  it('--add-broker 4 --json prints moves, leaderMoves and the reassignment JSON', async () => {
    const { deps, text } = setup()
    await runRebalancePlan({ fromFile: 'cluster.json', addBroker: [{ id: 4 }], json: true }, deps)
    const out = JSON.parse(text())
    expect(out).toMatchObject({ moves: 8, leaderMoves: 2, lowerBound: { moves: 8 }, warnings: [] })
    expect(out.plan.version).toBe(1)
    expect(out.plan.partitions.every((p: { replicas: number[] }) => p.replicas.includes(4))).toBe(true)
    expect(out.rollback.partitions).toHaveLength(out.plan.partitions.length)
  })

  it('prints a readable summary: copies in and out, replicas and leaders before → after per broker', async () => {
    const { deps, text } = setup()
    await runRebalancePlan({ fromFile: 'cluster.json', addBroker: [{ id: 4 }] }, deps)
    const lines = text().split('\n')
    expect(lines[0]).toBe('Rebalance plan: 12 partitions, 36 replicas, 4 brokers after the plan')
    expect(lines[1]).toBe(
      'Moves: 8 replica copies (lower bound 8), 2 preferred-leader changes (lower bound 2)',
    )
    expect(lines.find((l) => l.startsWith('BROKER'))).toMatch(/IN\s+OUT\s+REPLICAS\s+TARGET\s+LEADERS/)
    expect(lines.find((l) => l.startsWith('4 '))).toMatch(
      /^4\s+-\s+kept\s+8\s+0\s+0 → 8\s+8–10\s+0 → 2\s+2–4$/,
    )
  })

  it('--remove-broker drains the broker; nothing to move prints so', async () => {
    const four = { brokers: [1, 2, 3, 4].map((id) => ({ id })), partitions: striped([1, 2, 3, 4], 8, 2) }
    const { deps, text } = setup({ 'four.json': JSON.stringify(four) })
    const report = await runRebalancePlan({ fromFile: 'four.json', removeBroker: [4] }, deps)
    expect(report.brokers.find((b) => b.id === 4)!.replicas.after).toBe(0)
    const again = setup({ 'four.json': JSON.stringify(four) })
    await runRebalancePlan({ fromFile: 'four.json' }, again.deps)
    expect(again.text()).toContain('Nothing to reassign.')
    expect(text()).toContain('Run with --json')
  })

  it('--add-broker of a broker already in the file uses it as listed (here: with its rack)', async () => {
    const { deps } = setup()
    const report = await runRebalancePlan({ fromFile: 'racked.json', addBroker: [{ id: 4 }] }, deps)
    expect(report.brokers.find((b) => b.id === 4)!.rack).toBe('a')
  })

  it.each<
    [string, RebalancePlanFlags, Record<string, string> | undefined, string, string | undefined, string]
  >([
    ['no --from-file', {}, undefined, 'AP_ERR_USAGE', '--from-file', '--from-file is required'],
    [
      'unreadable file',
      { fromFile: 'nope.json' },
      undefined,
      'AP_ERR_NOT_FOUND',
      '--from-file',
      'cannot read nope.json',
    ],
    [
      'not JSON',
      { fromFile: 'x.json' },
      { 'x.json': '{"brokers":' },
      'AP_ERR_INPUT',
      '--from-file',
      'x.json is not valid JSON',
    ],
    [
      'replica on an unknown broker',
      { fromFile: 'bad.json' },
      {
        'bad.json': JSON.stringify({
          ...CLUSTER,
          partitions: CLUSTER.partitions.map((p, i) => (i === 3 ? { ...p, replicas: [1, 9, 2] } : p)),
        }),
      },
      'AP_ERR_INPUT',
      'partitions[3].replicas[1]',
      'invalid bad.json: partitions[3].replicas[1]: broker 9 is not in brokers',
    ],
    [
      'new broker without a rack in a racked cluster',
      { fromFile: 'racked.json', addBroker: [{ id: 7 }] },
      undefined,
      'AP_ERR_USAGE',
      '--add-broker',
      '--add-broker 7: the brokers in the file have racks',
    ],
    [
      'rack that contradicts the file',
      { fromFile: 'racked.json', addBroker: [{ id: 4, rack: 'b' }] },
      undefined,
      'AP_ERR_USAGE',
      '--add-broker',
      'broker 4 is in the file with rack a',
    ],
    [
      'removing an unknown broker',
      { fromFile: 'cluster.json', removeBroker: [7] },
      undefined,
      'AP_ERR_USAGE',
      '--remove-broker',
      'broker 7 is not in cluster.json',
    ],
    [
      'adding and removing one broker',
      { fromFile: 'cluster.json', addBroker: [{ id: 3 }], removeBroker: [3] },
      undefined,
      'AP_ERR_USAGE',
      '--remove-broker',
      'both --add-broker and --remove-broker',
    ],
    [
      'RF 3 with 2 brokers left',
      { fromFile: 'cluster.json', removeBroker: [3] },
      undefined,
      'AP_ERR_UNSAFE',
      undefined,
      'cannot place replication factor 3 on 2 broker(s)',
    ],
  ])('%s', async (_name, flags, files, code, field, message) => {
    const err = await failure(flags, files)
    expect([err.code, err.field]).toEqual([code, field])
    expect(err.message).toContain(message)
  })

  it('refusals exit 9, input errors 3, usage errors 2', async () => {
    expect((await failure({ fromFile: 'cluster.json', removeBroker: [3] })).exitCode).toBe(9)
    expect((await failure({ fromFile: 'x.json' }, { 'x.json': '[]' })).exitCode).toBe(3)
    expect((await failure({})).exitCode).toBe(2)
  })
})

describe('rebalance command wiring', () => {
  it('parses repeated --add-broker ID[:RACK] and --remove-broker through commander', async () => {
    const program = new Command('autopilot').exitOverride()
    const { deps, text } = setup({
      'six.json': JSON.stringify({
        brokers: [1, 2, 3, 4, 5, 6].map((id) => ({ id })),
        partitions: striped([1, 2, 3, 4, 5, 6], 30, 2),
      }),
    })
    registerRebalance(program, deps)
    await program.parseAsync(
      [
        'rebalance',
        'plan',
        '--from-file',
        'six.json',
        '--add-broker',
        '7',
        '--add-broker',
        '8',
        '--remove-broker',
        '6',
        '--json',
      ],
      { from: 'user' },
    )
    const out = JSON.parse(text())
    expect(out.plan.partitions.some((p: { replicas: number[] }) => p.replicas.includes(6))).toBe(false)
    expect(out.moves).toBeGreaterThanOrEqual(10)
  })

  it('rejects a malformed --add-broker', () => {
    expect(() => parseAddBroker('seven')).toThrow(/ID or ID:RACK/)
    expect(parseAddBroker('7:rack-b', [{ id: 6 }])).toEqual([{ id: 6 }, { id: 7, rack: 'rack-b' }])
  })

  it('is registered as a command group with plan, execute, status and cancel', () => {
    const rebalance = buildProgram().commands.find((c) => c.name() === 'rebalance')
    expect(rebalance?.commands.map((c) => c.name())).toEqual(['plan', 'execute', 'status', 'cancel'])
  })
})
