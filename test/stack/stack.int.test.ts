// The stack manager on real Kafka: the shared cluster, a broker joining and leaving it, and the failure
// paths (a taken port, a node that never becomes ready) leaving nothing running.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { describe, expect, inject, it, vi } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { addBroker, readState, removeBroker, stackStatus, startStack } from '../../src/stack/cluster.ts'
import { isOurs } from '../../src/stack/process.ts'
import { KAFKA_TOOLS, runKafkaTool } from '../../src/stack/tools.ts'
import { processesMentioning } from '../helpers/processes.ts'

const kafka = inject('kafka')

/** Broker endpoints the cluster itself reports, as `id host:port state` (kafka-cluster list-endpoints). */
async function metadataBrokers(): Promise<string[]> {
  const out = await runKafkaTool(kafka, KAFKA_TOOLS.cluster, [
    'list-endpoints',
    '--bootstrap-server',
    kafka.bootstrapServers,
  ])
  expect(out.code, out.stderr).toBe(0)
  return out.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .map(([id, host, port, , state]) => `${id} ${host}:${port} ${state}`)
}

describe('local stack', () => {
  it('runs three combined KRaft nodes on loopback with a JMX exporter each', async () => {
    const status = await stackStatus(kafka.dir)
    expect(status.nodes).toHaveLength(3)
    expect(status.nodes.every((n) => n.alive && n.host === '127.0.0.1')).toBe(true)
    expect(status.nodes.every((n) => n.roles.includes('controller'))).toBe(true)
    for (const node of status.nodes) {
      const res = await fetch(`http://${node.host}:${node.jmxPort}/metrics`)
      expect(await res.text()).toMatch(/^kafka_server_replicamanager_underreplicatedpartitions_value \d/m)
    }
  })

  it('adds a broker-only node that joins the cluster, and removes it by PID', async () => {
    const node = await addBroker(kafka.dir)
    try {
      expect(node.roles).toEqual(['broker'])
      expect(isOurs(node.pid, node.configFile)).toBe(true)
      // The other brokers learn of the newcomer from the metadata log a moment after it says it started.
      await vi.waitFor(
        async () =>
          expect(await metadataBrokers()).toContain(`${node.id} ${node.host}:${node.port} unfenced`),
        { timeout: 30_000, interval: 500 },
      )
    } finally {
      await removeBroker(kafka.dir, node.id)
    }
    expect(isOurs(node.pid, node.configFile)).toBe(false)
    expect((await readState(kafka.dir)).nodes.map((n) => n.id)).not.toContain(node.id)
    // Unregistered through the controller; the broker that answers list-endpoints learns it a moment later.
    await vi.waitFor(
      async () => expect((await metadataBrokers()).join('\n')).not.toContain(`${node.host}:${node.port}`),
      { timeout: 30_000, interval: 500 },
    )
  })

  it('refuses to remove a controller', async () => {
    const err = await removeBroker(kafka.dir, 1).catch((e: unknown) => e)
    expect(AutopilotError.is(err) && err.code).toBe('AP_ERR_UNSAFE')
    expect((await stackStatus(kafka.dir)).nodes.find((n) => n.id === 1)?.alive).toBe(true)
  })

  it('reports a taken port by name and starts nothing', async () => {
    const dir = await mkdtemp(join(process.cwd(), '.stack', 'taken-'))
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const taken = (blocker.address() as { port: number }).port
    try {
      // node 1 listens on base+10: make that the taken port
      const err = await startStack({ dir, brokers: 1, portBase: taken - 10 }).catch((e: unknown) => e)
      expect(AutopilotError.is(err) && err.code).toBe('AP_ERR_STACK')
      expect((err as AutopilotError).message).toContain(`127.0.0.1:${taken}`)
      expect(existsSync(join(dir, 'state.json'))).toBe(false)
      expect(processesMentioning(dir)).toEqual([])
    } finally {
      blocker.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('stops what it started when a node does not become ready in time, and says where its log is', async () => {
    const dir = await mkdtemp(join(process.cwd(), '.stack', 'slow-'))
    try {
      const err = await startStack({ dir, brokers: 1, readyTimeoutMs: 500 }).catch((e: unknown) => e)
      expect(AutopilotError.is(err) && err.code).toBe('AP_ERR_TIMEOUT')
      expect((err as AutopilotError).hint).toContain(join(dir, 'logs', 'node1.log'))
      expect(existsSync(join(dir, 'logs', 'node1.log'))).toBe(true)
      expect(processesMentioning(dir)).toEqual([])
      expect(existsSync(join(dir, 'state.json'))).toBe(false)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
