// Acceptance, the seed scenario end to end on real Kafka, real Prometheus and real Alertmanager. A private
// 3-broker cluster with the JMX exporter; Debian's Prometheus scrapes it every 2 s with the stock rule
// (`kafka_server_replicamanager_underreplicatedpartitions_value > 0` for 30s, annotation `command: upScale`) and
// Alertmanager posts to `autopilot run`'s /alerts on loopback. A producer and a consumer group run throughout.
// 1. One broker is frozen (SIGSTOP): the alert fires, Autopilot adds a fourth broker and moves the frozen
//    broker's replicas so that no partition is under-replicated, and the alert resolves.
// 2. The frozen broker resumes (SIGCONT) and a `downScale` alert for the added broker goes through Alertmanager:
//    the broker is drained and removed.
// At the end no acknowledged record is missing on the consumer side, nothing is in flight and no throttle is
// left on any broker or topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActionRecord } from '../../src/analyzer/actions/types.ts'
import type { KafkaAdminPort } from '../../src/kafka/index.ts'
import { nodeAlive, pauseBroker, readState } from '../../src/stack/cluster.ts'
import { DEFAULT_RULES } from '../../src/stack/monitoring.ts'
import { freePort } from '../../src/stack/ports.ts'
import type { StackState } from '../../src/stack/types.ts'
import {
  type DaemonProcess,
  journalOf,
  prometheusAlerts,
  sendToAlertmanager,
  startDaemonProcess,
  throttlesLeft,
  underReplicatedCount,
  WaitAborted,
  waitFor,
  writeDaemonConfig,
} from '../helpers/healing-stack.ts'
import { startPrivateStack, stopPrivateStack } from '../helpers/private-stack.ts'
import { startWorkload, type Workload } from '../helpers/sequenced-workload.ts'

const topic = 'heal-orders'
const ALERT = 'BrokerUnderReplicated'

let dir: string
let stack: StackState
let admin: KafkaAdminPort
let daemon: DaemonProcess | null = null
let workload: Workload | null = null
let paused: number | null = null
const t0 = Date.now()
/** Elapsed time per phase on stderr: the scenario's timing on this machine, for whoever tunes its bounds. */
const phase = (what: string) =>
  process.stderr.write(`[self-healing +${((Date.now() - t0) / 1000).toFixed(0)} s] ${what}\n`)

beforeAll(async () => {
  const apiPort = await freePort()
  // The stock rule, unchanged: the exact expression, `for: 30s`, `command: upScale`.
  expect(DEFAULT_RULES.groups[0]!.rules[0]).toMatchObject({
    alert: ALERT,
    expr: 'kafka_server_replicamanager_underreplicatedpartitions_value > 0',
    for: '30s',
    annotations: { command: 'upScale' },
  })
  ;({ dir, stack, admin } = await startPrivateStack('heal-', {
    brokers: 3,
    heapMb: 384,
    monitoring: { webhookUrl: `http://127.0.0.1:${apiPort}/alerts`, intervalSeconds: 2 },
    adminTimeoutMs: 5_000,
  }))
  phase('cluster, Prometheus and Alertmanager up')
  await admin.createTopic({ topic, partitions: 6, replicationFactor: 3 })
  // Alerts name no cluster: they act on the one called default.
  const configFile = writeDaemonConfig(dir, stack, {
    cluster: 'default',
    server: `{ host: 127.0.0.1, port: ${apiPort} }`,
  })
  daemon = await startDaemonProcess(configFile, 90_000)
  phase('autopilot run serving')
  workload = await startWorkload({
    bootstrapServers: stack.bootstrapServers.split(','),
    topic,
    group: 'heal-consumers',
    rate: 50,
  })
}, 240_000)

afterAll(async () => {
  if (paused !== null) await pauseBroker(dir, paused, false).catch(() => {})
  await workload?.stop(1_000).catch(() => {})
  await daemon?.kill()
  await stopPrivateStack(dir, admin)
}, 120_000)

async function actions(url: string): Promise<ActionRecord[]> {
  const res = await fetch(`${url}/api/v1/actions`, { signal: AbortSignal.timeout(5_000) })
  return ((await res.json()) as { actions: ActionRecord[] }).actions
}

/** The action `name` once it ended; fails the test at once if it failed. */
async function finished(url: string, name: string, ms: number): Promise<ActionRecord> {
  return waitFor(`the ${name} action to end`, ms, async () => {
    const action = (await actions(url)).find((a) => a.action === name)
    if (action?.state === 'failed' || action?.state === 'cancelled') {
      throw new WaitAborted(`${name} ${action.state}: ${action.message}\n${daemon?.log()}`)
    }
    return action?.state === 'succeeded' ? action : undefined
  })
}

describe('self-healing: the seed scenario', () => {
  it('heals a frozen broker by adding one, then drains and removes a broker, losing no record and leaving no throttle', async () => {
    const url = daemon!.url
    const w = workload!
    // Prometheus scrapes the three brokers; the workload flows.
    await waitFor('Prometheus to scrape the 3 brokers', 60_000, async () => {
      const res = await fetch(
        `${stack.monitoring!.prometheusUrl}/api/v1/query?query=up%7Bjob%3D%22kafka%22%7D`,
      )
      const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } }
      return body.data.result.filter((r) => r.value[1] === '1').length === 3 || undefined
    })
    await w.progress(100, 60_000)

    // 1. Freeze a broker that is neither the active controller nor the consumers' coordinator, if one is.
    const md = await admin.metadata()
    const [group] = await admin.describeGroups(['heal-consumers'])
    const victim =
      [1, 2, 3].find((id) => id !== md.controllerId && id !== group?.coordinator) ??
      [1, 2, 3].find((id) => id !== md.controllerId)!
    await pauseBroker(dir, victim, true)
    paused = victim
    phase(`broker ${victim} frozen (SIGSTOP)`)

    const firing = await waitFor(`${ALERT} to fire in Prometheus`, 120_000, async () => {
      const alerts = await prometheusAlerts(stack.monitoring!.prometheusUrl, ALERT)
      return alerts.some((a) => a.state === 'firing') ? alerts : undefined
    })
    expect(firing.length).toBeGreaterThan(0)
    phase(`${ALERT} firing`)

    const upScale = await finished(url, 'upScale', 240_000)
    expect(upScale.alertname).toBe(ALERT)
    phase('upScale succeeded')
    // Reads retried: the test's own client may first ask the frozen broker and time out.
    const grown = await waitFor('the metadata', 60_000, () => admin.metadata())
    const added = grown.brokers.map((b) => b.id).filter((id) => ![1, 2, 3].includes(id))
    expect(added).toHaveLength(1)
    // The frozen broker's replicas moved away (the new broker first): nothing under-replicated.
    for (const t of grown.topics) for (const p of t.partitions) expect(p.replicas).not.toContain(victim)
    expect(
      grown.topics.find((t) => t.name === topic)!.partitions.some((p) => p.replicas.includes(added[0]!)),
    ).toBe(true)
    expect(await waitFor('the under-replicated count', 60_000, () => underReplicatedCount(admin))).toBe(0)
    // No progress check while the broker is frozen: the test's own producer and consumer (the Kafka client)
    // can sit on requests to the frozen broker until it resumes (seen in 2 of ~9 runs). The issue asks for
    // clients running throughout the downScale and no record lost, both checked below.

    // The alert resolves: Prometheus drops it and Alertmanager tells Autopilot.
    await waitFor(`${ALERT} to resolve in Prometheus`, 90_000, async () =>
      (await prometheusAlerts(stack.monitoring!.prometheusUrl, ALERT)).length === 0 ? true : undefined,
    )
    await waitFor('Autopilot to hear the alert resolved', 60_000, async () =>
      (await journalOf(url)).some((e) => e.reason === 'AlertResolved') ? true : undefined,
    )

    // 2. The frozen broker resumes; a downScale alert for the added broker goes through Alertmanager.
    phase('alert resolved, Autopilot told')
    await pauseBroker(dir, victim, false)
    paused = null
    await waitFor(`broker ${victim} to register again`, 90_000, async () =>
      (await admin.metadata()).brokers.some((b) => b.id === victim) ? true : undefined,
    )
    await w.progress(100, 90_000)
    await sendToAlertmanager(stack.monitoring!.alertmanagerUrl, {
      labels: { alertname: 'BrokerTooMany', severity: 'info' },
      annotations: { command: 'downScale', brokerId: String(added[0]) },
    })
    phase('downScale alert sent to Alertmanager')
    const downScale = await finished(url, 'downScale', 240_000)
    phase('downScale succeeded')
    expect(downScale.params).toMatchObject({ brokerId: String(added[0]) })
    const shrunk = await admin.metadata()
    expect(shrunk.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3])
    for (const t of shrunk.topics) for (const p of t.partitions) expect(p.replicas).not.toContain(added[0])
    const state = await readState(dir)
    expect(state.nodes.map((n) => n.id)).toEqual([1, 2, 3])
    expect(state.nodes.every(nodeAlive)).toBe(true)
    await w.progress(100, 90_000)

    // 3. No record lost, nothing in flight, no throttle anywhere, every partition whole.
    const report = await w.stop(90_000)
    workload = null
    phase(
      `workload: ${report.acked} acknowledged, ${report.consumed} consumed, ${report.duplicates} duplicates, ${report.consumerRestarts} consumer restarts`,
    )
    expect(report.missing.slice(0, 20), JSON.stringify(report.sendErrors.slice(0, 5))).toEqual([])
    expect(report.acked).toBeGreaterThan(300)
    expect(await admin.listPartitionReassignments()).toEqual([])
    expect(await throttlesLeft(admin)).toEqual([])
    await waitFor('every partition fully replicated', 60_000, async () =>
      (await underReplicatedCount(admin)) === 0 ? true : undefined,
    )
    // Every step journaled: the scale-out and the scale-in, ended verified.
    const reasons = (await journalOf(url)).map((e) => e.reason)
    expect(reasons).toEqual(expect.arrayContaining(['ScaleOutDone', 'ScaleInDone', 'AlertResolved']))
  }, 300_000)
})
