// The koperator broker backend through the real @kubernetes/client-node against the fake API server, with a
// simulated Koperator reporting graceful upscale / downscale / disk-rebalance states.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import {
  createKoperatorBackend,
  type KoperatorBackendOptions,
} from '../../../src/executor/brokers/koperator.ts'
import { FakeKubeApi, type Json } from '../fake-kube-api.ts'
import { CLUSTERS, type KoperatorSim, koperatorSim } from './koperator-operator-sim.ts'

const api = new FakeKubeApi()
beforeAll(async () => {
  await api.start()
})
afterAll(async () => {
  await api.stop()
})

const PATH = '/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka'
const SUCCEEDED = {
  gracefulActionState: { cruiseControlState: 'GracefulUpscaleSucceeded' },
  configurationState: 'ConfigInSync',
  rackAwarenessState: '',
}
let sim: KoperatorSim

function addCluster(spec: Partial<Json> = {}, status: Partial<Json> = {}) {
  return api.put(CLUSTERS, {
    metadata: { name: 'kafka', namespace: 'kafka' },
    spec: {
      kRaft: true,
      brokerConfigGroups: {
        default: {
          processRoles: ['broker'],
          storageConfigs: [
            { mountPath: '/kafka-logs', pvcSpec: { resources: { requests: { storage: '10Gi' } } } },
          ],
        },
        controller: { processRoles: ['controller'] },
      },
      brokers: [
        { id: 0, brokerConfigGroup: 'default' },
        { id: 1, brokerConfigGroup: 'default' },
        {
          id: 2,
          brokerConfigGroup: 'default',
          brokerConfig: { resourceRequirements: { limits: { cpu: '2' } } },
        },
        { id: 100, brokerConfigGroup: 'controller' },
      ],
      ...spec,
    },
    status: {
      state: 'ClusterRunning',
      brokersState: { 0: SUCCEEDED, 1: SUCCEEDED, 2: SUCCEEDED, 100: SUCCEEDED },
      ...status,
    },
  })
}

beforeEach(() => {
  api.reset()
  api.serve(CLUSTERS)
  sim = { steps: 2, log: [] }
  api.controllers = [koperatorSim(api, sim)]
  addCluster()
})

const backend = (extra: Partial<KoperatorBackendOptions> = {}, deps = {}) =>
  createKoperatorBackend(
    { cluster: 'kafka', namespace: 'kafka', pollIntervalMs: 1, ...extra },
    { kubeConfig: api.kubeConfig(), ...deps },
  )
const cluster = () => api.get(CLUSTERS, 'kafka', 'kafka')!
const patches = () => api.requests.filter((r) => r.method === 'PATCH')
const brokersOf = () => (cluster().spec as Json).brokers as Json[]

describe('koperator: add brokers', () => {
  it('JSON-patches new entries onto spec.brokers, locked to the resourceVersion, and waits for GracefulUpscaleSucceeded', async () => {
    const rv = (cluster().metadata as Json).resourceVersion
    const result = await backend().addBrokers(2, { dryRun: false })
    const [patch] = patches()
    expect(patches()).toHaveLength(1)
    expect(patch!.path).toBe(PATH)
    expect(patch!.contentType).toBe('application/json-patch+json')
    expect(Object.fromEntries(patch!.query)).toEqual({ fieldManager: 'kafka-autopilot' })
    expect(patch!.body).toEqual([
      { op: 'replace', path: '/metadata/resourceVersion', value: rv },
      { op: 'add', path: '/spec/brokers/-', value: { id: 101, brokerConfigGroup: 'default' } },
      { op: 'add', path: '/spec/brokers/-', value: { id: 102, brokerConfigGroup: 'default' } },
    ])
    expect(sim.log).toContain('broker 101 GracefulUpscaleSucceeded')
    expect(sim.log).toContain('broker 102 GracefulUpscaleSucceeded')
    expect(result).toMatchObject({
      kind: 'koperator',
      target: 'KafkaCluster kafka/kafka',
      brokers: [101, 102],
      applied: true,
    })
  })

  it('chosen ids and group are used; an id in use is refused', async () => {
    await backend({ brokerConfigGroup: 'default' }).addBrokers([7], { dryRun: false })
    expect(brokersOf().at(-1)).toEqual({ id: 7, brokerConfigGroup: 'default' })
    await expect(backend().addBrokers([1, 8], { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      message: expect.stringContaining('already has brokers 1'),
    })
  })

  it('an unknown brokerConfigGroup is a config error naming the option', async () => {
    await expect(
      backend({ brokerConfigGroup: 'large' }).addBrokers(1, { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
      field: 'brokers.brokerConfigGroup',
      hint: 'groups: default, controller',
    })
    expect(patches()).toEqual([])
  })

  it('a group that makes KRaft controllers is refused for new brokers', async () => {
    await expect(
      backend({ brokerConfigGroup: 'controller' }).addBrokers(1, { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_UNSAFE',
      field: 'brokers.brokerConfigGroup',
    })
    expect(patches()).toEqual([])
  })

  it('a paused upscale (Cruise Control failed, Koperator gave up) is an error', async () => {
    sim.pause = 'upscale'
    await expect(backend().addBrokers(1, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA',
      message: expect.stringContaining('GracefulUpscalePaused'),
    })
  })

  it('a dry run sends the patch with dryRun=All, changes nothing and waits for nothing', async () => {
    const before = structuredClone(cluster())
    const result = await backend().addBrokers(1, { dryRun: true })
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'PATCH'])
    expect(patches()[0]!.query.get('dryRun')).toBe('All')
    expect(cluster()).toEqual(before)
    expect(result).toMatchObject({ applied: false, dryRun: true, brokers: [101] })
  })

  it('a conflict is re-read and retried', async () => {
    let bumped = false
    api.controllers.unshift((a) => {
      const last = a.requests.at(-1)!
      if (!bumped && last.method === 'GET') {
        bumped = true
        a.touch(cluster())
      }
    })
    await backend().addBrokers(1, { dryRun: false })
    expect(patches()).toHaveLength(2)
    expect(brokersOf().filter((b) => b.id === 101)).toHaveLength(1)
  })
})

describe('koperator: remove brokers', () => {
  it('tests and removes each entry (highest index first), then waits until Koperator drained and deleted them', async () => {
    const result = await backend().removeBrokers([2, 0], { dryRun: false })
    expect(patches()[0]!.body).toEqual([
      { op: 'replace', path: '/metadata/resourceVersion', value: expect.any(String) },
      { op: 'test', path: '/spec/brokers/2/id', value: 2 },
      { op: 'remove', path: '/spec/brokers/2' },
      { op: 'test', path: '/spec/brokers/0/id', value: 0 },
      { op: 'remove', path: '/spec/brokers/0' },
    ])
    expect(brokersOf().map((b) => b.id)).toEqual([1, 100])
    for (const id of [0, 2]) {
      expect(sim.log.indexOf(`broker ${id} GracefulDownscaleRunning`)).toBeLessThan(
        sim.log.indexOf(`broker ${id} deleted`),
      )
    }
    expect(Object.keys((cluster().status as Json).brokersState as Json)).toEqual(['1', '100'])
    expect(result).toMatchObject({
      brokers: [0, 2],
      applied: true,
      message: 'drained and removed brokers 0, 2',
    })
  })

  it('a drain Koperator paused is an error saying the broker keeps its data', async () => {
    sim.pause = 'downscale'
    await expect(backend().removeBrokers([1], { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA',
      message: expect.stringContaining('GracefulDownscalePaused'),
      hint: expect.stringContaining('keeps its data'),
    })
  })

  it('a drain longer than actionTimeoutMs is AP_ERR_TIMEOUT', async () => {
    sim.steps = 1_000_000
    await expect(
      backend({ actionTimeoutMs: 30 }).removeBrokers([1], { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_TIMEOUT',
      message: expect.stringContaining('drained and removed'),
    })
  })

  const refusals = [
    { name: 'a broker not in spec.brokers', ids: [9], code: 'AP_ERR_INPUT' },
    { name: 'a KRaft controller (group processRoles)', ids: [100], code: 'AP_ERR_UNSAFE' },
    { name: 'every broker', ids: [0, 1, 2], code: 'AP_ERR_UNSAFE' },
  ]
  it.each(refusals)('refuses $name without writing', async ({ ids, code }) => {
    await expect(backend().removeBrokers(ids, { dryRun: false })).rejects.toMatchObject({
      code,
      field: 'brokers',
    })
    expect(patches()).toEqual([])
  })

  const busy = [
    {
      name: 'the cluster is reconciling',
      status: { state: 'ClusterReconciling' },
      text: /ClusterReconciling, not ClusterRunning/,
    },
    {
      name: 'a broker has a Cruise Control action under way',
      status: {
        brokersState: {
          0: SUCCEEDED,
          1: { gracefulActionState: { cruiseControlState: 'GracefulUpscaleRunning' } },
        },
      },
      text: /broker 1 GracefulUpscaleRunning/,
    },
    {
      name: 'a disk rebalance is paused',
      status: {
        brokersState: {
          0: {
            gracefulActionState: {
              cruiseControlState: 'GracefulUpscaleSucceeded',
              volumeStates: { '/d': { cruiseControlVolumeState: 'GracefulDiskRebalancePaused' } },
            },
          },
        },
      },
      text: /broker 0 \/d GracefulDiskRebalancePaused/,
    },
  ]
  it.each(busy)('refuses while $name (retryable conflict)', async ({ status, text }) => {
    api.controllers = []
    addCluster({}, status)
    const err = await backend()
      .removeBrokers([2], { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFLICT', retryable: true })
    expect((err as Error).message).toMatch(text)
    expect(patches()).toEqual([])
  })
})

describe('koperator: add a disk to one broker', () => {
  const rows = [
    {
      name: 'a broker without brokerConfig gets one',
      broker: 1,
      op: {
        op: 'add',
        path: '/spec/brokers/1/brokerConfig',
        value: { storageConfigs: [expect.objectContaining({ mountPath: '/kafka-logs-2' })] },
      },
    },
    {
      name: 'a brokerConfig without storageConfigs gets the list',
      broker: 2,
      op: {
        op: 'add',
        path: '/spec/brokers/2/brokerConfig/storageConfigs',
        value: [expect.objectContaining({ mountPath: '/kafka-logs-2' })],
      },
    },
  ]
  it.each(rows)('$name; no other broker and no group changes', async ({ broker, op }) => {
    const before = structuredClone(cluster().spec as Json)
    const result = await backend().addDisk(broker, { size: '200Gi', storageClass: 'fast' }, { dryRun: false })
    expect(patches()[0]!.body).toEqual([
      { op: 'replace', path: '/metadata/resourceVersion', value: expect.any(String) },
      { op: 'test', path: `/spec/brokers/${broker}/id`, value: broker },
      op,
    ])
    const after = cluster().spec as Json
    const storage = ((after.brokers as Json[])[broker]!.brokerConfig as Json).storageConfigs
    expect(storage).toEqual([
      {
        mountPath: '/kafka-logs-2',
        pvcSpec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'fast',
          resources: { requests: { storage: '200Gi' } },
        },
      },
    ])
    const others = (s: Json) => ({ ...s, brokers: (s.brokers as Json[]).filter((b) => b.id !== broker) })
    expect(others(after)).toEqual(others(before))
    expect(sim.log).toEqual([])
    expect(result).toMatchObject({
      brokers: [broker],
      applied: true,
      message: `added 200Gi at /kafka-logs-2 to broker ${broker}`,
      details: { mountPath: '/kafka-logs-2' },
    })
  })

  it('a broker with its own storageConfigs gets one appended, at the next free path', async () => {
    addCluster(
      {
        brokers: [
          {
            id: 0,
            brokerConfigGroup: 'default',
            brokerConfig: { storageConfigs: [{ mountPath: '/kafka-logs-2' }] },
          },
        ],
      },
      {
        brokersState: {
          0: {
            gracefulActionState: {
              cruiseControlState: 'GracefulUpscaleSucceeded',
              volumeStates: {
                '/kafka-logs-2': { cruiseControlVolumeState: 'GracefulDiskRebalanceSucceeded' },
              },
            },
          },
        },
      },
    )
    await backend().addDisk(0, { size: '1Ti' }, { dryRun: false })
    expect(patches()[0]!.body).toContainEqual({
      op: 'add',
      path: '/spec/brokers/0/brokerConfig/storageConfigs/-',
      value: {
        mountPath: '/kafka-logs-3',
        pvcSpec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Ti' } } },
      },
    })
  })

  it('waits for the disk rebalance; a paused one is an error', async () => {
    sim.pause = 'disk'
    await expect(
      backend().addDisk(0, { size: '1Ti', mountPath: '/data/extra' }, { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA',
      message: expect.stringContaining('GracefulDiskRebalancePaused'),
    })
  })

  it('waitForDiskRebalance: false returns after the patch', async () => {
    sim.steps = 1_000_000
    const result = await backend({ waitForDiskRebalance: false }).addDisk(
      0,
      { size: '1Ti' },
      { dryRun: false },
    )
    expect(result.applied).toBe(true)
  })

  it('a mount path the broker already has (from its group) is refused', async () => {
    await expect(
      backend().addDisk(0, { size: '1Ti', mountPath: '/kafka-logs' }, { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'disk.mountPath',
    })
  })

  const badDisks = [
    { name: 'size not a quantity', disk: { size: 'lots' }, field: 'disk.size' },
    { name: 'relative mount path', disk: { size: '1Gi', mountPath: 'data' }, field: 'disk.mountPath' },
    { name: 'unknown field', disk: { size: '1Gi', iops: 3000 }, field: 'disk.iops' },
  ]
  it.each(badDisks)('$name → AP_ERR_INPUT on $field', async ({ disk, field }) => {
    await expect(backend().addDisk(0, disk as never, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field,
    })
    expect(api.requests).toEqual([])
  })
})

describe('koperator: status, unsupported operations, leader', () => {
  it('status lists brokers with their Cruise Control state', async () => {
    expect(await backend().status()).toMatchObject({
      busy: false,
      brokers: [
        { id: 0, state: 'GracefulUpscaleSucceeded' },
        { id: 1, state: 'GracefulUpscaleSucceeded' },
        { id: 2, state: 'GracefulUpscaleSucceeded' },
        { id: 100, state: 'GracefulUpscaleSucceeded' },
      ],
      message: 'ClusterRunning',
    })
  })

  it('rebalance and stop are Koperator’s own business', async () => {
    const b = backend()
    expect([...b.operations]).toEqual(['addBrokers', 'removeBrokers', 'addDisk'])
    await expect(b.rebalance({}, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
      field: 'brokers.type',
    })
    await expect(b.stop({ dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_CONFIG' })
  })

  it('a follower refuses to write but may dry-run', async () => {
    const b = backend({}, { leader: { isLeader: () => false } })
    await expect(b.removeBrokers([1], { dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_CONFLICT' })
    expect(api.requests).toEqual([])
    expect(await b.removeBrokers([1], { dryRun: true })).toMatchObject({ dryRun: true })
  })
})

describe('koperator: bad answers are AutopilotErrors naming the resource', () => {
  it('the KafkaCluster CRD not installed is AP_ERR_KUBERNETES with a CRD hint', async () => {
    api.resources.length = 0
    await expect(backend().status()).rejects.toMatchObject({
      code: 'AP_ERR_KUBERNETES',
      message: expect.stringContaining('does not serve kafkaclusters.kafka.banzaicloud.io/v1beta1'),
      hint: expect.stringContaining('KafkaCluster CRD'),
    })
  })

  it('a missing KafkaCluster is AP_ERR_NOT_FOUND on the cluster field', async () => {
    await expect(backend({ cluster: 'other' }).status()).rejects.toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: 'brokers.cluster',
    })
  })

  const rows = [
    {
      name: '403 on the patch',
      method: 'PATCH',
      fault: {
        status: 403,
        body: JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message:
            'kafkaclusters.kafka.banzaicloud.io "kafka" is forbidden: User "autopilot" cannot patch resource "kafkaclusters"',
        }),
      },
      text: /patching KafkaCluster kafka\/kafka: .*cannot patch resource "kafkaclusters"/,
    },
    {
      name: 'a body that is not JSON',
      method: 'GET',
      fault: { status: 200, body: '{"kind":' },
      text: /not JSON/,
    },
    {
      name: 'no spec.brokers',
      method: 'GET',
      fault: { status: 200, body: JSON.stringify({ spec: {} }) },
      text: /KafkaCluster kafka\/kafka .*spec.brokers/,
    },
    {
      name: 'a broker id that is not a number',
      method: 'GET',
      fault: { status: 200, body: JSON.stringify({ spec: { brokers: [{ id: '1' }] } }) },
      text: /spec.brokers\[0\].id/,
    },
    {
      name: 'a brokersState key that is not an id',
      method: 'GET',
      fault: {
        status: 200,
        body: JSON.stringify({ spec: { brokers: [] }, status: { brokersState: { abc: {} } } }),
      },
      text: /brokersState key "abc"/,
    },
  ]
  it.each(rows)('$name', async ({ method, fault, text }) => {
    api.fail(method, /kafkaclusters\/kafka$/, fault)
    const err = await backend()
      .addBrokers(1, { dryRun: false })
      .catch((e: unknown) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code: 'AP_ERR_KUBERNETES' })
    expect((err as Error).message).toMatch(text)
  })
})

describe('koperator: bad options name the field', () => {
  const rows: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'no cluster', options: {}, field: 'brokers.cluster' },
    {
      name: 'other apiVersion',
      options: { cluster: 'k', apiVersion: 'kafka.banzaicloud.io/v1alpha1' },
      field: 'brokers.apiVersion',
    },
    {
      name: 'relative mountPathPrefix',
      options: { cluster: 'k', mountPathPrefix: 'logs' },
      field: 'brokers.mountPathPrefix',
    },
    {
      name: 'conflictRetries 0',
      options: { cluster: 'k', conflictRetries: 0 },
      field: 'brokers.conflictRetries',
    },
    {
      name: 'fieldManager too long',
      options: { cluster: 'k', fieldManager: 'x'.repeat(129) },
      field: 'brokers.fieldManager',
    },
  ]
  it.each(rows)('$name → $field', ({ options, field }) => {
    expect(() => createKoperatorBackend(options, { kubeConfig: api.kubeConfig() })).toThrow(
      expect.objectContaining({ code: 'AP_ERR_CONFIG', field }),
    )
  })
})
