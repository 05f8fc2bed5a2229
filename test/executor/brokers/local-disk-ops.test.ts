// The local backend's addDisk and rebalance({disk: true}) over the recorded stack and an in-memory admin: what
// it asks the stack, what it waits for, what it refuses, what it journals.
import { describe, expect, it } from 'vitest'
import type { BrokerEvent } from '../../../src/executor/brokers/backend.ts'
import { createLocalBackend } from '../../../src/executor/brokers/local.ts'
import type { DiskAdmin } from '../../../src/executor/brokers/local-disk-ops.ts'
import type { ClusterMetadata, LogDirDescription, ReplicaLogDirMove } from '../../../src/kafka/port.ts'
import { fakeStack } from './fake-local-stack.ts'

/** Broker 4 leads t-0 (preferred) and follows t-1; `isr4` says whether 4 is in sync yet. */
function fakeAdmin(state: { isr4: boolean; dirs: Map<string, Array<[string, number]>>; minIsr?: string }) {
  const calls: string[] = []
  const metadata = (): ClusterMetadata => ({
    clusterId: 'c',
    controllerId: 1,
    brokers: [],
    topics: [
      {
        name: 't',
        id: 'x',
        internal: false,
        partitions: [0, 1].map((p) => ({
          partition: p,
          leader: 1,
          replicas: p === 0 ? [4, 1] : [1, 4],
          isr: state.isr4 ? [1, 4] : [1],
          offlineReplicas: [],
        })),
      },
    ],
  })
  const admin: DiskAdmin = {
    metadata: async () => {
      calls.push('metadata')
      const md = metadata()
      state.isr4 = true // in sync from the next read on
      return md
    },
    describeLogDirs: async (ids) => {
      calls.push(`describeLogDirs ${ids}`)
      return [...state.dirs].map(
        ([logDir, parts]): LogDirDescription => ({
          broker: 4,
          logDir,
          error: null,
          partitions: parts.map(([topic, partition]) => ({ topic, partition, size: 1, isFuture: false })),
        }),
      )
    },
    alterReplicaLogDirs: async (moves: ReplicaLogDirMove[]) => {
      calls.push(`alterReplicaLogDirs ${moves.length}`)
      for (const m of moves) {
        for (const parts of state.dirs.values()) {
          const i = parts.findIndex(([t, p]) => t === m.topic && p === m.partition)
          if (i >= 0) parts.splice(i, 1)
        }
        state.dirs.get(m.logDir)!.push([m.topic, m.partition])
      }
      return moves.map((m) => ({ ...m, error: null }))
    },
    describeConfigs: async (resources) => {
      calls.push(`describeConfigs ${resources.map((r) => r.name)}`)
      return resources.map((r) => ({
        type: r.type,
        name: r.name,
        configs: { 'min.insync.replicas': state.minIsr ?? '1' },
      }))
    },
    electPreferredLeaders: async (partitions) => {
      calls.push(`elect ${JSON.stringify(partitions)}`)
      return (partitions ?? []).map((p) => ({ ...p, error: null, outcome: 'elected' as const }))
    },
  }
  return { admin, calls }
}

describe('local addDisk', () => {
  it('adds the dir to that broker alone, waits until it is back in sync, gives its leadership back', async () => {
    const { stack, calls } = fakeStack()
    const dirs = new Map([['/tmp/s/data/node4', [['t', 0] as [string, number]]]])
    const state = { isr4: false, dirs }
    const { admin, calls: adminCalls } = fakeAdmin(state)
    // Once restarted, broker 4 reports the new dir.
    const realAdd = stack.addLogDir
    stack.addLogDir = async (...args) => {
      const out = await realAdd(...args)
      dirs.set(out.logDir, [])
      state.isr4 = false
      return out
    }
    const events: BrokerEvent[] = []
    const b = createLocalBackend({ dir: '/tmp/s', inSyncTimeoutMs: 5_000 }, { stack, admin })
    const result = await b.addDisk(
      4,
      { size: '500Gi', mountPath: '/kafka-logs2' },
      { dryRun: false, journal: (e) => events.push(e) },
    )
    expect(calls).toEqual(['status /tmp/s', 'addLogDir /tmp/s 4 {"mountPath":"/kafka-logs2"}'])
    expect(events.map((e) => e.step)).toEqual(['request', 'restarted', 'progress', 'verified'])
    expect(adminCalls).toContain('elect [{"topic":"t","partition":0}]')
    expect(result).toMatchObject({
      operation: 'addDisk',
      brokers: [4],
      applied: true,
      details: {
        logDir: '/tmp/s/data/node4-kafka-logs2',
        previousPid: 1004,
        pid: 1104,
        logDirs: ['/tmp/s/data/node4', '/tmp/s/data/node4-kafka-logs2'],
      },
    })
    expect(result.message).toMatch(/size 500Gi recorded, not enforced/)
  })

  it('a dry run names the dir and restarts nothing', async () => {
    const { stack, calls } = fakeStack()
    const result = await createLocalBackend({ dir: '/tmp/s' }, { stack }).addDisk(
      2,
      { size: '1Gi' },
      { dryRun: true },
    )
    expect(calls).toEqual(['status /tmp/s'])
    expect(result).toMatchObject({ applied: false, dryRun: true, brokers: [2] })
    expect(result.message).toMatch(/would add log dir \/tmp\/s\/data\/node2-disk2 to broker 2/)
  })

  it('refuses to restart the only in-sync replica of a partition', async () => {
    const { stack, calls } = fakeStack()
    const { admin } = fakeAdmin({ isr4: false, dirs: new Map() })
    admin.metadata = async () => ({
      clusterId: 'c',
      controllerId: 1,
      brokers: [],
      topics: [
        {
          name: 'o',
          id: 'y',
          internal: false,
          partitions: [{ partition: 3, leader: 4, replicas: [4, 1], isr: [4], offlineReplicas: [] }],
        },
      ],
    })
    const err = await createLocalBackend({ dir: '/tmp/s' }, { stack, admin })
      .addDisk(4, { size: '1Gi' }, { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_UNSAFE', message: expect.stringContaining('o-3') })
    expect(calls.filter((c) => c.startsWith('addLogDir'))).toEqual([])
  })

  it('refuses a restart that would take a partition below min.insync.replicas', async () => {
    const { stack, calls } = fakeStack()
    const { admin } = fakeAdmin({ isr4: true, dirs: new Map(), minIsr: '2' })
    const err = await createLocalBackend({ dir: '/tmp/s' }, { stack, admin })
      .addDisk(4, { size: '1Gi' }, { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'AP_ERR_UNSAFE',
      message: expect.stringMatching(/t-0, t-1 would fall below min.insync.replicas/),
    })
    expect(calls.filter((c) => c.startsWith('addLogDir'))).toEqual([])
  })

  it('refuses to restart one of two KRaft voters (the quorum would stop)', async () => {
    const { stack, calls } = fakeStack()
    const status = stack.stackStatus
    stack.stackStatus = async (dir) => ({ ...(await status(dir)), voters: '1@127.0.0.1:1,2@127.0.0.1:2' })
    const err = await createLocalBackend({ dir: '/tmp/s' }, { stack })
      .addDisk(2, { size: '1Gi' }, { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_UNSAFE', message: expect.stringContaining('no majority') })
    expect(calls.filter((c) => c.startsWith('addLogDir'))).toEqual([])
  })

  const bad: Array<[string, unknown, unknown, string]> = [
    ['an unknown broker', 9, { size: '1Gi' }, 'brokerId'],
    ['a mount path that climbs out', 4, { size: '1Gi', mountPath: '/a/../b' }, 'disk.mountPath'],
    ['a disk without a size', 4, { mountPath: '/x' }, 'disk.size'],
  ]
  it.each(bad)('refuses %s, naming the field', async (_name, id, disk, field) => {
    const { stack, calls } = fakeStack()
    const err = await createLocalBackend({ dir: '/tmp/s' }, { stack })
      .addDisk(id as number, disk as never, { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_INPUT', field })
    expect(calls.filter((c) => c.startsWith('addLogDir'))).toEqual([])
  })
})

describe('local rebalance({disk: true})', () => {
  it('moves replicas onto the empty dir until the dirs hold as many as each other', async () => {
    const { stack, nodes } = fakeStack()
    nodes[3] = { ...nodes[3]!, dataDirs: ['/d1', '/d2'] }
    const parts: Array<[string, number]> = [0, 1, 2, 3].map((p) => ['t', p])
    const { admin, calls } = fakeAdmin({
      isr4: true,
      dirs: new Map([
        ['/d1', parts],
        ['/d2', []],
      ]),
    })
    const events: BrokerEvent[] = []
    const b = createLocalBackend({ dir: '/tmp/s', moveTimeoutMs: 5_000 }, { stack, admin })
    const dry = await b.rebalance({ disk: true }, { dryRun: true })
    expect(dry).toMatchObject({ applied: false, message: 'would move 2 replicas between log dirs' })
    expect(calls.filter((c) => c.startsWith('alter'))).toEqual([])

    const result = await b.rebalance({ disk: true }, { dryRun: false, journal: (e) => events.push(e) })
    expect(calls).toContain('alterReplicaLogDirs 2')
    expect(result).toMatchObject({
      operation: 'rebalance',
      brokers: [4],
      applied: true,
      details: { before: { 4: { '/d1': 4, '/d2': 0 } }, after: { 4: { '/d1': 2, '/d2': 2 } } },
    })
    expect(events.map((e) => e.step)).toEqual(['planned', 'accepted', 'progress'])
  })

  it('has nothing to do when no broker has a second dir', async () => {
    const { stack } = fakeStack()
    const result = await createLocalBackend({ dir: '/tmp/s' }, { stack }).rebalance(
      { disk: true },
      { dryRun: false },
    )
    expect(result).toMatchObject({ brokers: [], applied: false })
  })
})
