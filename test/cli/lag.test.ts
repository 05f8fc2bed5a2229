import { Command } from 'commander'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type LagFlags, registerLag, runLag } from '../../src/cli/commands/lag.ts'
import { main } from '../../src/cli/main.ts'
import { AutopilotError } from '../../src/errors.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'

const now = Date.now()

function fakeCluster() {
  const port = new FakeAdminPort()
  port.addTopic('orders', 2)
  port.produce('orders', 0, 100, now - 100_000, 1000)
  port.produce('orders', 1, 20, now - 20_000, 1000)
  port.addGroup(
    'billing',
    { 'orders/0': 40, 'orders/1': 20 },
    {
      state: 'Stable',
      members: [
        {
          memberId: 'member-1',
          clientId: 'billing-1',
          host: '/127.0.0.1',
          assignment: [{ topic: 'orders', partition: 0 }],
        },
      ],
    },
  )
  port.addGroup('idle', { 'orders/1': 5 })
  return port
}

function output() {
  const chunks: string[] = []
  return { chunks, write: (s: string) => chunks.push(s), text: () => chunks.join('') }
}

const flags = (extra: Partial<LagFlags> = {}): LagFlags => ({
  bootstrapServer: '127.0.0.1:9092',
  group: [],
  topic: [],
  offsetReset: 'latest',
  ...extra,
})

describe('autopilot lag --json', () => {
  it('prints the documented shape for every group', async () => {
    const port = fakeCluster()
    const out = output()
    await runLag(flags({ json: true }), { openPort: () => port, stdout: out, stderr: output() })
    const doc = JSON.parse(out.text())
    expect(doc.groups.map((g: { group: string }) => g.group)).toEqual(['billing', 'idle'])
    const billing = doc.groups[0]
    expect(Object.keys(billing)).toEqual(
      expect.arrayContaining(['group', 'state', 'members', 'totalLag', 'maxLagSeconds', 'topics']),
    )
    expect([billing.state, billing.members, billing.totalLag]).toEqual(['Stable', 1, 60])
    expect(billing.maxLagSeconds).toBeGreaterThanOrEqual(59)
    const topic = billing.topics[0]
    expect([topic.topic, topic.lag]).toEqual(['orders', 60])
    expect(topic.partitions[0]).toMatchObject({
      partition: 0,
      committedOffset: 40,
      logStartOffset: 0,
      logEndOffset: 100,
      lag: 60,
    })
    expect(typeof topic.partitions[0].lagSeconds).toBe('number')
    expect(port.calls.close).toBe(1)
  })

  it('--group and --topic narrow the output', async () => {
    const out = output()
    await runLag(flags({ json: true, group: ['idle'], topic: ['orders'] }), {
      openPort: fakeCluster,
      stdout: out,
      stderr: output(),
    })
    const doc = JSON.parse(out.text())
    expect(doc.groups.map((g: { group: string }) => g.group)).toEqual(['idle'])
  })

  it('an unknown --group is an error naming it, and the port is closed', async () => {
    const port = fakeCluster()
    const err = await runLag(flags({ group: ['billing', 'ghost'] }), {
      openPort: () => port,
      stdout: output(),
      stderr: output(),
    }).catch((e) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect([err.message, err.field, err.exitCode]).toEqual(['consumer group not found: ghost', '--group', 5])
    expect(port.calls.close).toBe(1)
  })
})

describe('autopilot lag (table)', () => {
  it('shows a kafka-consumer-groups-like table with seconds behind and notes', async () => {
    const port = fakeCluster()
    port.topics.get('orders')![1]!.logStart = 10
    const out = output()
    await runLag(flags(), { openPort: () => port, stdout: out, stderr: output() })
    const text = out.text()
    expect(text).toContain('GROUP billing  state Stable  members 1  lag 60')
    expect(text).toMatch(
      /TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-START-OFFSET\s+LOG-END-OFFSET\s+LAG\s+LAG-SECONDS/,
    )
    expect(text).toMatch(
      /orders\s+0\s+40\s+0\s+100\s+60\s+6\d\.\d\s+-\s+-\s+member-1\s+\/127\.0\.0\.1\s+billing-1/,
    )
    expect(text).toMatch(/orders\s+1\s+5\s+10\s+20\s+10\s+.*below-log-start \(5 lost to retention\)/)
  })
})

describe('autopilot lag --watch', () => {
  it('re-polls until aborted; rates appear from the second poll', async () => {
    const port = fakeCluster()
    const controller = new AbortController()
    const docs: Array<{ groups: Array<{ group: string; productionRate: number | null }> }> = []
    await runLag(flags({ json: true, watch: 0.01, group: ['billing'] }), {
      openPort: () => port,
      stderr: output(),
      signal: controller.signal,
      stdout: {
        write: (line: string) => {
          docs.push(JSON.parse(line))
          port.produce('orders', 0, 10, Date.now(), 0)
          if (docs.length === 3) controller.abort()
        },
      },
    })
    expect(docs).toHaveLength(3)
    expect(docs[0]!.groups[0]!.productionRate).toBeNull()
    expect(docs[1]!.groups[0]!.productionRate).toBeGreaterThan(0)
    expect(port.calls.close).toBe(1)
  })

  it('a failure after the first poll is printed and retried, not fatal', async () => {
    const port = fakeCluster()
    const controller = new AbortController()
    const err = output()
    let polls = 0
    await runLag(flags({ json: true, watch: 0.01 }), {
      openPort: () => port,
      stderr: {
        write: (s: string) => {
          err.write(s)
          port.failEverything = null
        },
      },
      signal: controller.signal,
      stdout: {
        write: () => {
          polls++
          if (polls === 1)
            port.failEverything = new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', 'cannot reach Kafka')
          if (polls === 2) controller.abort()
        },
      },
    })
    expect([polls, err.text()]).toEqual([2, 'error: cannot reach Kafka\n'])
  })
})

describe('autopilot lag argument errors (through main)', () => {
  let stderr = ''
  afterEach(() => {
    vi.restoreAllMocks()
    stderr = ''
  })
  const run = async (args: string[]) => {
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk)
      return true
    })
    return main(['node', 'autopilot', 'lag', ...args])
  }
  const rows: Array<{ name: string; args: string[]; code: number; message: RegExp }> = [
    {
      name: 'bootstrap server without a port',
      args: ['--bootstrap-server', 'localhost'],
      code: 3,
      message: /bootstrap server "localhost" is not host:port \(field: --bootstrap-server\[0\]\)/,
    },
    { name: 'missing bootstrap server', args: [], code: 2, message: /--bootstrap-server/ },
    {
      name: 'bad --watch',
      args: ['--bootstrap-server', '127.0.0.1:1', '--watch', 'soon'],
      code: 2,
      message: /--watch takes a number greater than 0/,
    },
    {
      name: 'bad --offset-reset',
      args: ['--bootstrap-server', '127.0.0.1:1', '--offset-reset', 'newest'],
      code: 2,
      message: /earliest, latest/,
    },
  ]
  for (const row of rows) {
    it(row.name, async () => {
      expect(await run(row.args)).toBe(row.code)
      expect(stderr).toMatch(row.message)
      expect(stderr).not.toMatch(/\n\s+at /)
    })
  }
})

describe('registerLag', () => {
  it('registers `lag` with its flags', () => {
    const program = new Command()
    registerLag(program)
    const lag = program.commands.find((c) => c.name() === 'lag')!
    expect(lag.options.map((o) => o.long)).toEqual([
      '--bootstrap-server',
      '--group',
      '--topic',
      '--offset-reset',
      '--timeout',
      '--json',
      '--watch',
    ])
  })
})
