import { describe, expect, it } from 'vitest'
import { parseMaxLag, runVerify, type VerifyFlags, verifyOptions } from '../../../src/cli/commands/verify.ts'
import type { ClusterMetadata } from '../../../src/kafka/port.ts'
import type { FetchLike } from '../../../src/monitor/active-alerts.ts'
import { FakeAdminPort } from '../../monitor/fake-admin-port.ts'

/** The shared fake, with a three-broker metadata answer that can be made unhealthy. */
class ThreeBrokers extends FakeAdminPort {
  isr = [1, 2, 3]
  closed = false
  override async metadata(): Promise<ClusterMetadata> {
    const base = await super.metadata()
    return {
      ...base,
      brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9090 + id, rack: null })),
      topics: base.topics.map((t) => ({
        ...t,
        partitions: t.partitions.map((p) => ({ ...p, replicas: [1, 2, 3], isr: this.isr })),
      })),
    }
  }
  override async close(): Promise<void> {
    this.closed = true
  }
}

function setup() {
  const port = new ThreeBrokers()
  port.addTopic('orders', 2)
  port.produce('orders', 0, 50, 1_000)
  port.produce('orders', 1, 50, 1_000)
  port.addGroup('writer', { 'orders/0': 50, 'orders/1': 40 })
  const out: string[] = []
  return { port, out, deps: { openPort: () => port, stdout: { write: (t: string) => out.push(t) } } }
}

const flags = (extra: Partial<VerifyFlags> = {}): VerifyFlags => ({
  bootstrapServer: '127.0.0.1:9092',
  group: ['writer'],
  maxLag: [],
  ignoreAlert: [],
  offsetReset: 'latest',
  ...extra,
})

const noAlerts: FetchLike = async () => ({ ok: true, status: 200, json: async () => [] })

describe('autopilot verify (against the in-process fake port)', () => {
  it('passes and prints a table of each check; exit 0', async () => {
    const { deps, out, port } = setup()
    expect(
      await runVerify(flags({ alertmanager: 'http://127.0.0.1:9093' }), { ...deps, fetch: noAlerts }),
    ).toBe(0)
    const text = out.join('')
    expect(text).toMatch(/^CHECK +STATUS +DETAIL\nbrokers-up +pass +3 broker\(s\) up \(1, 2, 3\)/)
    expect(text).toContain('consumer-lag        pass    1 group(s), 2 partition(s) within 1000 records')
    expect(text).toContain('verify: passed')
    expect(port.closed).toBe(true)
  })

  it('fails with exit 1 when a partition is under-replicated or lag is over threshold', async () => {
    const { deps, out, port } = setup()
    port.isr = [1, 2]
    expect(await runVerify(flags({ maxLag: parseMaxLag('5'), json: true }), deps)).toBe(1)
    const doc = JSON.parse(out.join(''))
    expect(doc.passed).toBe(false)
    expect(doc.checks.map((c: { check: string; status: string }) => [c.check, c.status])).toEqual([
      ['brokers-up', 'pass'],
      ['under-replicated', 'fail'],
      ['offline-partitions', 'pass'],
      ['consumer-lag', 'fail'],
      ['alerts', 'skip'],
    ])
  })

  it('closes the port when Kafka calls fail, and the error reaches the caller', async () => {
    const { deps, port } = setup()
    port.failEverything = new Error('boom')
    await expect(runVerify(flags(), deps)).rejects.toThrow()
    expect(port.closed).toBe(true)
  })
})

describe('verify options', () => {
  it('--max-lag takes a default and per-topic values', () => {
    const maxLag = parseMaxLag('orders=5000', parseMaxLag('200'))
    expect(verifyOptions(flags({ maxLag, ignoreAlert: ['Noisy'], brokers: 5 }))).toEqual({
      expectedBrokers: 5,
      maxLag: 200,
      maxLagByTopic: { orders: 5000 },
      maxLagSeconds: null,
      ignoreAlerts: ['Watchdog', 'InfoInhibitor', 'Noisy'],
    })
    expect(() => parseMaxLag('lots')).toThrow(/RECORDS or TOPIC=RECORDS/)
  })
})
