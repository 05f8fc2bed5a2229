// The strimzi broker backend through the real @kubernetes/client-node against the fake API server, with a
// simulated Strimzi operator reconciling the KafkaNodePool and the KafkaRebalances.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { BrokerEvent } from '../../../src/executor/brokers/backend.ts'
import { createStrimziBackend, type StrimziBackendOptions } from '../../../src/executor/brokers/strimzi.ts'
import { FakeKubeApi, type Json } from '../fake-kube-api.ts'
import { POOLS, REBALANCES, type StrimziSim, strimziSim } from './strimzi-operator-sim.ts'

const api = new FakeKubeApi()
beforeAll(async () => {
  await api.start()
})
afterAll(async () => {
  await api.stop()
})

let sim: StrimziSim
const POOL_PATH = '/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkanodepools/brokers'
const RB_PATH = '/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkarebalances'

function addPool(spec: Partial<Json> = {}, nodeIds = [0, 1, 2]) {
  return api.put(POOLS, {
    metadata: { name: 'brokers', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'my-cluster' } },
    spec: {
      replicas: nodeIds.length,
      roles: ['broker'],
      storage: {
        type: 'jbod',
        volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi', deleteClaim: false }],
      },
      ...spec,
    },
    status: { nodeIds, replicas: nodeIds.length, observedGeneration: 1, roles: ['broker'] },
  })
}

beforeEach(() => {
  api.reset()
  api.serve(POOLS)
  api.serve(REBALANCES)
  sim = { poolSteps: 2, proposalSteps: 2, rebalanceSteps: 2, empty: new Set(), log: [] }
  api.controllers = [strimziSim(api, sim)]
  addPool()
})

const backend = (extra: Partial<StrimziBackendOptions> = {}, deps = {}) =>
  createStrimziBackend(
    { nodePool: 'brokers', namespace: 'kafka', pollIntervalMs: 1, ...extra },
    { kubeConfig: api.kubeConfig(), ...deps },
  )
const pool = () => api.get(POOLS, 'kafka', 'brokers')!
const writes = () => api.requests.filter((r) => r.method !== 'GET')
const line = (r: { method: string; path: string; contentType?: string }) =>
  `${r.method} ${r.path.replace(POOL_PATH, 'pool').replace(RB_PATH, 'rebalances')}${r.method === 'PATCH' ? ` ${r.contentType}` : ''}`

describe('strimzi: add brokers', () => {
  it('scales the pool with the resourceVersion read, waits for the new ids, then add-brokers rebalance with approval', async () => {
    const rv = (pool().metadata as Json).resourceVersion
    const events: BrokerEvent[] = []
    const result = await backend().addBrokers(2, { dryRun: false, journal: (e) => events.push(e) })
    const [scale, create, approve, remove] = writes()
    expect(writes().map(line)).toEqual([
      'PATCH pool application/merge-patch+json',
      'POST rebalances',
      expect.stringMatching(
        /^PATCH rebalances\/my-cluster-autopilot-add-brokers-\w+ application\/merge-patch\+json$/,
      ),
      expect.stringMatching(/^DELETE rebalances\/my-cluster-autopilot-add-brokers-\w+$/),
    ])
    expect(scale!.body).toEqual({ metadata: { resourceVersion: rv }, spec: { replicas: 5 } })
    expect(Object.fromEntries(scale!.query)).toEqual({ fieldManager: 'kafka-autopilot' })
    expect(create!.body).toEqual({
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaRebalance',
      metadata: {
        generateName: 'my-cluster-autopilot-add-brokers-',
        namespace: 'kafka',
        labels: { 'strimzi.io/cluster': 'my-cluster', 'app.kubernetes.io/managed-by': 'kafka-autopilot' },
      },
      spec: { mode: 'add-brokers', brokers: [3, 4] },
    })
    expect(approve!.body).toEqual({ metadata: { annotations: { 'strimzi.io/rebalance': 'approve' } } })
    expect(remove!.method).toBe('DELETE')
    // Approved only once the proposal was ready; the rebalance ran after the pods were there.
    expect(sim.log).toEqual([
      'pool brokers nodeIds 0,1,2,3,4',
      'rebalance add-brokers PendingProposal',
      'rebalance add-brokers ProposalReady',
      'rebalance add-brokers Rebalancing',
      'rebalance add-brokers Ready',
    ])
    expect(result).toMatchObject({
      kind: 'strimzi',
      target: 'KafkaNodePool kafka/brokers',
      operation: 'addBrokers',
      brokers: [3, 4],
      applied: true,
      message: 'added brokers 3, 4 and moved load onto them',
      details: { summary: { numReplicaMovements: 10, dataToMoveMB: 512 } },
    })
    expect(events.map((e) => e.step)).toContain('approve')
    expect(api.all(REBALANCES)).toEqual([])
  })

  it('chosen ids go into strimzi.io/next-node-ids, which is cleared afterwards', async () => {
    const result = await backend().addBrokers([10, 11], { dryRun: false })
    const poolPatches = api.requests.filter((r) => r.method === 'PATCH' && r.path === POOL_PATH)
    expect(poolPatches.map((p) => p.body)).toEqual([
      {
        metadata: {
          resourceVersion: expect.any(String),
          annotations: { 'strimzi.io/next-node-ids': '[10,11]' },
        },
        spec: { replicas: 5 },
      },
      { metadata: { annotations: { 'strimzi.io/next-node-ids': null } } },
    ])
    expect(result.brokers).toEqual([10, 11])
    expect((pool().metadata as Json).annotations).toEqual({})
  })

  it('with autoRebalance Strimzi moves the data: only the pool is scaled', async () => {
    const result = await backend({ autoRebalance: true }).addBrokers(1, { dryRun: false })
    expect(writes().map(line)).toEqual(['PATCH pool application/merge-patch+json'])
    expect(result.message).toContain('autoRebalance')
  })

  it('a dry run sends every write with dryRun=All and changes nothing', async () => {
    const before = structuredClone(pool())
    const result = await backend().addBrokers(2, { dryRun: true })
    expect(writes().map(line)).toEqual(['PATCH pool application/merge-patch+json', 'POST rebalances'])
    for (const w of writes()) expect(w.query.get('dryRun')).toBe('All')
    expect(pool()).toEqual(before)
    expect(api.all(REBALANCES)).toEqual([])
    expect(result).toMatchObject({ applied: false, dryRun: true, brokers: [3, 4] })
  })

  it('a pool still reconciling an earlier change is a retryable conflict (its new ids would be mixed up)', async () => {
    ;(pool().metadata as Json).generation = 2
    await expect(backend().addBrokers(1, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFLICT',
      retryable: true,
    })
    expect(writes()).toEqual([])
  })

  it('a conflict on the pool is re-read and retried', async () => {
    let bumped = false
    api.controllers.unshift((a) => {
      const last = a.requests.at(-1)!
      if (!bumped && last.method === 'GET' && last.path === POOL_PATH) {
        bumped = true
        a.touch(pool()) // someone else wrote the pool between our read and our patch
      }
    })
    await backend({ autoRebalance: true }).addBrokers(1, { dryRun: false })
    const patches = api.requests.filter((r) => r.method === 'PATCH' && r.path === POOL_PATH)
    expect(patches).toHaveLength(2)
    expect((pool().spec as Json).replicas).toBe(4)
  })

  it('conflicts are retried a bounded number of times', async () => {
    api.controllers.unshift((a) => {
      const last = a.requests.at(-1)!
      if (last.method === 'GET' && last.path === POOL_PATH) a.touch(pool())
    })
    await expect(backend({ conflictRetries: 3 }).addBrokers(1, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFLICT',
      retryable: true,
      message: expect.stringContaining('after 3 attempts'),
    })
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3)
  })
})

describe('strimzi: remove brokers', () => {
  it('drains with a remove-brokers rebalance first, then shrinks the pool naming the ids', async () => {
    const result = await backend().removeBrokers([1], { dryRun: false })
    expect(writes().map(line)).toEqual([
      'POST rebalances',
      expect.stringMatching(/^PATCH rebalances\/\S+ application\/merge-patch\+json$/),
      expect.stringMatching(/^DELETE rebalances\/\S+$/),
      'PATCH pool application/merge-patch+json',
      'PATCH pool application/merge-patch+json',
    ])
    expect(writes()[0]!.body).toMatchObject({ spec: { mode: 'remove-brokers', brokers: [1] } })
    expect(writes()[3]!.body).toEqual({
      metadata: { resourceVersion: expect.any(String), annotations: { 'strimzi.io/remove-node-ids': '[1]' } },
      spec: { replicas: 2 },
    })
    expect(writes()[4]!.body).toEqual({ metadata: { annotations: { 'strimzi.io/remove-node-ids': null } } })
    expect(sim.log.indexOf('rebalance remove-brokers Ready')).toBeLessThan(
      sim.log.indexOf('pool brokers nodeIds 0,2'),
    )
    expect(sim.log).not.toContain('blocked 1')
    expect((pool().status as Json).nodeIds).toEqual([0, 2])
    expect(result).toMatchObject({ brokers: [1], applied: true, message: 'drained and removed brokers 1' })
  })

  const failures = [
    {
      name: 'a proposal that ends NotReady',
      setup: () => {
        sim.notReady = {
          reason: 'CruiseControlRestException',
          message: 'Error processing POST request due to OptimizationFailureException',
        }
      },
      options: {},
      code: 'AP_ERR_KAFKA',
      text: /is NotReady \(CruiseControlRestException: Error processing/,
    },
    {
      name: 'a proposal that takes longer than proposalTimeoutMs',
      setup: () => {
        sim.proposalSteps = 1_000_000
      },
      options: { proposalTimeoutMs: 30 },
      code: 'AP_ERR_TIMEOUT',
      text: /to be ProposalReady/,
    },
    {
      name: 'a rebalance that takes longer than rebalanceTimeoutMs',
      setup: () => {
        sim.rebalanceSteps = 1_000_000
      },
      options: { rebalanceTimeoutMs: 30 },
      code: 'AP_ERR_TIMEOUT',
      text: /to be Ready/,
    },
  ]
  it.each(failures)(
    '$name fails the removal and never shrinks the pool',
    async ({ setup, options, code, text }) => {
      setup()
      const err = await backend(options)
        .removeBrokers([2], { dryRun: false })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code })
      expect((err as Error).message).toMatch(text)
      expect(api.requests.filter((r) => r.method === 'PATCH' && r.path === POOL_PATH)).toEqual([])
      expect((pool().spec as Json).replicas).toBe(3)
    },
  )

  it('a broker that is not in the pool is AP_ERR_INPUT and nothing is written', async () => {
    await expect(backend().removeBrokers([7], { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'brokers',
      message: expect.stringContaining('has no broker 7 (it runs 0, 1, 2)'),
    })
    expect(writes()).toEqual([])
  })

  it('a dry run validates both writes with dryRun=All', async () => {
    await backend().removeBrokers([2], { dryRun: true })
    expect(writes().map((w) => `${line(w)} dryRun=${w.query.get('dryRun')}`)).toEqual([
      'POST rebalances dryRun=All',
      'PATCH pool application/merge-patch+json dryRun=All',
    ])
    expect((pool().spec as Json).replicas).toBe(3)
  })

  it('stop while rebalancing annotates the KafkaRebalance; the removal fails and the pool stays', async () => {
    sim.rebalanceSteps = 1_000_000
    const b = backend()
    let rebalancing!: () => void
    const reached = new Promise<void>((resolve) => {
      rebalancing = resolve
    })
    const journal = (e: BrokerEvent) =>
      e.step === 'state' && e.message.endsWith('is Rebalancing') && rebalancing()
    const outcome = b.removeBrokers([2], { dryRun: false, journal }).catch((e: unknown) => e)
    await reached
    const stopped = await b.stop({ dryRun: false })
    expect(stopped).toMatchObject({
      applied: true,
      message: expect.stringMatching(/^stopped my-cluster-autopilot-remove-brokers-/),
    })
    expect(await outcome).toMatchObject({
      code: 'AP_ERR_CONFLICT',
      message: expect.stringContaining('is Stopped'),
    })
    const stopPatch = api.requests.find((r) => JSON.stringify(r.body)?.includes('"stop"'))!
    expect(stopPatch.body).toEqual({ metadata: { annotations: { 'strimzi.io/rebalance': 'stop' } } })
    expect((pool().spec as Json).replicas).toBe(3)
  })
})

describe('strimzi: disks, rebalance and status', () => {
  it('addDisk JSON-patches a new jbod volume, locked to the resourceVersion read', async () => {
    api.reset()
    api.serve(POOLS)
    api.serve(REBALANCES)
    api.controllers = [strimziSim(api, sim)]
    const single = addPool({}, [5])
    const rv = (single.metadata as Json).resourceVersion
    const result = await backend().addDisk(5, { size: '500Gi', storageClass: 'fast-ssd' }, { dryRun: false })
    const [patch] = writes()
    expect(patch!.contentType).toBe('application/json-patch+json')
    expect(patch!.body).toEqual([
      { op: 'replace', path: '/metadata/resourceVersion', value: rv },
      { op: 'test', path: '/spec/storage/type', value: 'jbod' },
      {
        op: 'add',
        path: '/spec/storage/volumes/-',
        value: { id: 1, type: 'persistent-claim', size: '500Gi', class: 'fast-ssd', deleteClaim: false },
      },
    ])
    expect(((pool().spec as Json).storage as Json).volumes).toHaveLength(2)
    expect(result).toMatchObject({
      brokers: [5],
      applied: true,
      message: 'added volume 1 (500Gi) to broker 5',
      details: { volumeId: 1 },
    })
  })

  const refusals = [
    {
      name: 'a pool of several brokers (the disk would go to all)',
      setup: () => undefined,
      code: 'AP_ERR_UNSAFE',
      field: 'brokers.allowPoolWideDisks',
    },
    {
      name: 'a pool without jbod storage',
      setup: () => addPool({ storage: { type: 'persistent-claim', size: '100Gi' } }),
      code: 'AP_ERR_UNSAFE',
      field: 'brokerId',
    },
    {
      name: 'a pool that also holds controllers',
      setup: () => addPool({ roles: ['controller', 'broker'] }),
      code: 'AP_ERR_UNSAFE',
      field: 'brokers.nodePool',
    },
  ]
  it.each(refusals)('addDisk refuses $name', async ({ setup, code, field }) => {
    setup()
    await expect(backend().addDisk(1, { size: '500Gi' }, { dryRun: false })).rejects.toMatchObject({
      code,
      field,
    })
    expect(writes()).toEqual([])
  })

  it('allowPoolWideDisks adds the volume to every broker and says so', async () => {
    const result = await backend({ allowPoolWideDisks: true }).addDisk(1, { size: '1Ti' }, { dryRun: true })
    expect(result).toMatchObject({
      brokers: [0, 1, 2],
      message: 'would add volume 1 (1Ti) to all brokers of the pool (0, 1, 2)',
    })
    expect(writes()[0]!.query.get('dryRun')).toBe('All')
  })

  it('addDisk with a mountPath is refused: Strimzi chooses it', async () => {
    await expect(
      backend().addDisk(1, { size: '1Ti', mountPath: '/data' }, { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'disk.mountPath',
    })
  })

  it('rebalance with disk: true is a full KafkaRebalance with rebalanceDisk and the configured limits', async () => {
    await backend({ replicationThrottle: 10_000_000, excludedTopics: '__.*' }).rebalance(
      { disk: true },
      { dryRun: false },
    )
    expect(writes()[0]!.body).toMatchObject({
      spec: { mode: 'full', rebalanceDisk: true, replicationThrottle: 10_000_000, excludedTopics: '__.*' },
    })
  })

  it('status lists the pool brokers and our rebalances', async () => {
    api.put(REBALANCES, {
      metadata: {
        name: 'old',
        namespace: 'kafka',
        labels: { 'strimzi.io/cluster': 'my-cluster', 'app.kubernetes.io/managed-by': 'kafka-autopilot' },
      },
      spec: { mode: 'full' },
      status: { conditions: [{ type: 'Rebalancing', status: 'True' }] },
    })
    sim.rebalanceSteps = 1_000_000
    const status = await backend().status()
    expect(status).toMatchObject({
      busy: true,
      brokers: [
        { id: 0, state: 'in-pool' },
        { id: 1, state: 'in-pool' },
        { id: 2, state: 'in-pool' },
      ],
      details: { rebalances: [{ name: 'old', state: 'Rebalancing' }] },
    })
    const list = api.requests.find((r) => r.path === RB_PATH)!
    expect(list.query.get('labelSelector')).toBe(
      'strimzi.io/cluster=my-cluster,app.kubernetes.io/managed-by=kafka-autopilot',
    )
  })

  it('a follower refuses to write but may dry-run', async () => {
    const b = backend({}, { leader: { isLeader: () => false } })
    await expect(b.addBrokers(1, { dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_CONFLICT' })
    expect(api.requests).toEqual([])
    expect(await b.addBrokers(1, { dryRun: true })).toMatchObject({ dryRun: true })
  })
})

describe('strimzi: bad answers are AutopilotErrors naming the resource', () => {
  it('a KafkaNodePool CRD that is not installed is AP_ERR_KUBERNETES with a CRD hint', async () => {
    api.resources.length = 0
    await expect(backend().status()).rejects.toMatchObject({
      code: 'AP_ERR_KUBERNETES',
      message: expect.stringContaining(
        'reading KafkaNodePool kafka/brokers: the API server does not serve kafkanodepools.kafka.strimzi.io/v1beta2',
      ),
      hint: expect.stringContaining('CRD'),
    })
  })

  it('a pool that does not exist is AP_ERR_NOT_FOUND on the nodePool field', async () => {
    await expect(backend({ nodePool: 'nope' }).status()).rejects.toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: 'brokers.nodePool',
      message: expect.stringContaining('kafkanodepools.kafka.strimzi.io "nope" not found'),
    })
  })

  const rows = [
    {
      name: '403 Forbidden',
      fault: {
        status: 403,
        body: JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message:
            'kafkanodepools.kafka.strimzi.io "brokers" is forbidden: User "system:serviceaccount:ops:autopilot" cannot get resource "kafkanodepools"',
        }),
      },
      text: /cannot get resource "kafkanodepools"/,
    },
    { name: 'a body that is not JSON', fault: { status: 200, body: '<html>proxy</html>' }, text: /not JSON/ },
    {
      name: 'an HTML page',
      fault: { status: 200, contentType: 'text/html', body: '<html></html>' },
      text: /not an object/,
    },
    {
      name: 'a pool without spec.replicas',
      fault: { status: 200, body: JSON.stringify({ metadata: {}, spec: { roles: ['broker'] } }) },
      text: /KafkaNodePool kafka\/brokers .*spec.replicas/,
    },
    {
      name: 'a pool with bad nodeIds',
      fault: {
        status: 200,
        body: JSON.stringify({
          metadata: {},
          spec: { replicas: 1, roles: ['broker'] },
          status: { nodeIds: ['a'] },
        }),
      },
      text: /status.nodeIds/,
    },
  ]
  it.each(rows)('$name', async ({ fault, text }) => {
    api.fail('GET', /kafkanodepools\/brokers$/, fault)
    const err = await backend()
      .addBrokers(1, { dryRun: false })
      .catch((e: unknown) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code: 'AP_ERR_KUBERNETES' })
    expect((err as Error).message).toMatch(text)
    expect(writes()).toEqual([])
  })
})

describe('strimzi: bad options name the field', () => {
  const rows: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'no nodePool', options: {}, field: 'brokers.nodePool' },
    { name: 'nodePool with capitals', options: { nodePool: 'Brokers' }, field: 'brokers.nodePool' },
    {
      name: 'other apiVersion',
      options: { nodePool: 'a', apiVersion: 'kafka.strimzi.io/v1alpha1' },
      field: 'brokers.apiVersion',
    },
    {
      name: 'negative poll interval',
      options: { nodePool: 'a', pollIntervalMs: -1 },
      field: 'brokers.pollIntervalMs',
    },
    { name: 'unknown option', options: { nodePool: 'a', replicas: 3 }, field: 'brokers.replicas' },
    {
      name: 'unknown kubeconfig context',
      options: { nodePool: 'a', context: 'prod' },
      field: 'brokers.context',
    },
  ]
  it.each(rows)('$name → $field', ({ options, field }) => {
    expect(() => createStrimziBackend(options, { kubeConfig: api.kubeConfig() })).toThrow(
      expect.objectContaining({ code: 'AP_ERR_CONFIG', field }),
    )
  })
})
