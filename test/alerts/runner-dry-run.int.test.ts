// Mode dry-run on the shared cluster (real Kafka, local backend): an upScale alert is planned through the real
// operation (metadata, planner, the backend's dry run) and its plan journaled as the planned step; the cluster
// keeps its brokers and no reassignment is started.
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createBrokerActions } from '../../src/alerts/broker-actions.ts'
import { parsePayload } from '../../src/alerts/payload.ts'
import { AlertRunner } from '../../src/alerts/runner.ts'
import { alerts } from '../../src/config/alerts.ts'
import { clusterEntry } from '../../src/config/clusters.ts'
import { type ClusterOps, openClusterOps } from '../../src/executor/operations/index.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from './fixtures.ts'

describe('AlertRunner mode dry-run on the shared cluster', () => {
  const kafka = inject('kafka')
  const closing: Array<() => Promise<unknown> | unknown> = []
  afterAll(async () => {
    for (const c of closing.reverse()) await c()
  })

  it('plans upScale for real and journals the plan, changing nothing', async () => {
    const ops: ClusterOps = await openClusterOps(
      'local',
      clusterEntry.parse({
        bootstrapServers: kafka.bootstrapServers,
        backend: { type: 'local', dir: kafka.dir },
      }),
    )
    closing.push(() => ops.close())
    const journal = new SqliteJournal({ path: ':memory:' })
    closing.push(() => journal.close())
    const runner = new AlertRunner({
      config: alerts.unwrap().parse({ mode: 'dry-run' }),
      journal,
      brokerActions: createBrokerActions({ clusters: new Map([['local', ops]]), journal }),
    })
    closing.push(() => runner.close())
    const before = (await ops.admin.metadata()).brokers.map((b) => b.id).sort()

    expect(runner.receive(parsePayload(firingWebhook(), Date.now())).accepted).toBe(1)
    await runner.idle()

    const action = runner.actions()[0]!
    expect(action, action.message).toMatchObject({ state: 'planned', dryRun: true })
    const planned = journal.list({ limit: 200 }).find((e) => e.reason === 'DryRunPlanned')!
    const inputs = planned.inputs as { dryRun: boolean; moves: number; brokers: number[]; actionId: string }
    expect(inputs).toMatchObject({ actionId: action.id, dryRun: true })
    expect(inputs.brokers).toHaveLength(1)
    expect(before).not.toContain(inputs.brokers[0])
    expect(inputs.moves).toBeGreaterThanOrEqual(0)
    expect((await ops.admin.metadata()).brokers.map((b) => b.id).sort()).toEqual(before)
    expect(await ops.admin.listPartitionReassignments()).toEqual([])
  })
})
