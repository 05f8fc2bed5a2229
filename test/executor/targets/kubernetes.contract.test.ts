// The kubernetes target through the real @kubernetes/client-node against the in-process fake API server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { TargetDeps } from '../../../src/executor/target.ts'
import { createKubernetesTarget } from '../../../src/executor/targets/kubernetes.ts'
import { FakeKubeApi, HPAS, SCALED_OBJECTS } from '../fake-kube-api.ts'

const api = new FakeKubeApi()
beforeAll(async () => {
  await api.start()
})
afterAll(async () => {
  await api.stop()
})

beforeEach(() => {
  api.reset()
  api.addScalable({ namespace: 'shop', name: 'orders', replicas: 2, statusReplicas: 2, readyReplicas: 1 })
})

const deps = (extra: TargetDeps = {}): TargetDeps => ({ kubeConfig: api.kubeConfig('shop'), ...extra })
const patches = () => api.requests.filter((r) => r.method === 'PATCH')

describe('kubernetes target: describe', () => {
  it('reads desired and current from /scale and ready from the object', async () => {
    const t = createKubernetesTarget({ name: 'orders' }, deps())
    expect(await t.describe()).toEqual({ desired: 2, current: 2, ready: 1 })
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/apps/v1/namespaces/shop/deployments/orders/scale',
      'GET /apis/apps/v1/namespaces/shop/deployments/orders',
    ])
  })

  const readyRows = [
    {
      name: 'a Deployment omits readyReplicas when it is 0',
      kind: 'Deployment',
      plural: 'deployments',
      ready: 0,
    },
    {
      name: 'a custom resource without readyReplicas counts status.replicas',
      kind: 'KafkaNodePool',
      plural: 'kafkanodepools',
      ready: 3,
    },
  ]
  it.each(readyRows)('$name', async ({ kind, plural, ready }) => {
    const group = kind === 'Deployment' ? 'apps' : 'kafka.strimzi.io'
    const version = kind === 'Deployment' ? 'v1' : 'v1beta2'
    api.addScalable({
      namespace: 'kafka',
      name: 'brokers',
      kind,
      plural,
      group,
      version,
      replicas: 3,
      statusReplicas: 3,
    })
    const t = createKubernetesTarget(
      {
        kind,
        name: 'brokers',
        namespace: 'kafka',
        ...(kind === 'Deployment' ? {} : { apiVersion: `${group}/${version}` }),
      },
      deps(),
    )
    expect(await t.describe()).toEqual({ desired: 3, current: 3, ready })
  })
})

describe('kubernetes target: scale', () => {
  it('merge-patches /scale with the fieldManager, and the change sticks', async () => {
    const t = createKubernetesTarget({ name: 'orders' }, deps({ label: 'orders' }))
    const result = await t.scale(5, { dryRun: false })
    expect(result).toEqual({
      kind: 'kubernetes',
      target: 'Deployment shop/orders',
      previous: 2,
      replicas: 5,
      applied: true,
      dryRun: false,
      message: 'set replicas 2 → 5',
    })
    const [patch] = patches()
    expect(patch).toMatchObject({
      path: '/apis/apps/v1/namespaces/shop/deployments/orders/scale',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 5 } },
    })
    expect(Object.fromEntries(patch!.query)).toEqual({ fieldManager: 'kafka-autopilot' })
    expect(api.get('shop', 'orders')!.replicas).toBe(5)
  })

  const dryRows = [
    { name: 'asked per call', option: false, call: true },
    { name: 'forced by the target options', option: true, call: false },
  ]
  it.each(dryRows)('a dry run ($name) sends dryRun=All and changes nothing', async ({ option, call }) => {
    const t = createKubernetesTarget(
      { name: 'orders', dryRun: option, fieldManager: 'autopilot-test' },
      deps(),
    )
    const result = await t.scale(4, { dryRun: call })
    expect(result).toMatchObject({ applied: false, dryRun: true, message: 'would set replicas 2 → 4' })
    expect(Object.fromEntries(patches()[0]!.query)).toEqual({ dryRun: 'All', fieldManager: 'autopilot-test' })
    expect(api.get('shop', 'orders')!.replicas).toBe(2)
  })

  it('a StatefulSet and a custom resource use their own /scale paths', async () => {
    api.addScalable({ namespace: 'shop', name: 'ledger', kind: 'StatefulSet', plural: 'statefulsets' })
    api.addScalable({
      namespace: 'kafka',
      name: 'pool-a',
      kind: 'KafkaNodePool',
      plural: 'kafkanodepools',
      group: 'kafka.strimzi.io',
      version: 'v1beta2',
      replicas: 3,
    })
    await createKubernetesTarget({ kind: 'StatefulSet', name: 'ledger' }, deps()).scale(2, { dryRun: false })
    const pool = {
      kind: 'KafkaNodePool',
      apiVersion: 'kafka.strimzi.io/v1beta2',
      name: 'pool-a',
      namespace: 'kafka',
    }
    await createKubernetesTarget(pool, deps()).scale(4, { dryRun: false })
    expect(patches().map((p) => p.path)).toEqual([
      '/apis/apps/v1/namespaces/shop/statefulsets/ledger/scale',
      '/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkanodepools/pool-a/scale',
    ])
    expect(api.get('kafka', 'pool-a', 'kafkanodepools', 'kafka.strimzi.io', 'v1beta2')!.replicas).toBe(4)
  })

  it('asking for the current count sends no patch', async () => {
    const t = createKubernetesTarget({ name: 'orders' }, deps())
    expect(await t.scale(2, { dryRun: false })).toMatchObject({
      applied: false,
      message: 'already at 2 replicas',
    })
    expect(patches()).toEqual([])
  })

  it('a follower refuses to write but may dry-run', async () => {
    const t = createKubernetesTarget({ name: 'orders' }, deps({ leader: { isLeader: () => false } }))
    await expect(t.scale(3, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFLICT',
      retryable: true,
    })
    expect(api.requests).toEqual([])
    expect(await t.scale(3, { dryRun: true })).toMatchObject({ dryRun: true })
  })

  it('an aborted signal rejects with its reason', async () => {
    const t = createKubernetesTarget({ name: 'orders' }, deps())
    const controller = new AbortController()
    controller.abort(new Error('shutting down'))
    await expect(t.scale(3, { dryRun: false, signal: controller.signal })).rejects.toThrow('shutting down')
    expect(patches()).toEqual([])
  })
})

describe('kubernetes target: someone else owns the scale', () => {
  const hpa = (name: string, target: string, owner?: string) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name,
      namespace: 'shop',
      ...(owner
        ? {
            ownerReferences: [
              { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: owner, uid: 'u1' },
            ],
          }
        : {}),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 10,
    },
  })
  const rows = [
    {
      name: 'an HPA',
      setup: () => api.put(HPAS, hpa('orders-hpa', 'orders')),
      owner: 'HorizontalPodAutoscaler shop/orders-hpa',
    },
    {
      name: "KEDA's generated HPA (the ScaledObject is named)",
      setup: () => api.put(HPAS, hpa('keda-hpa-orders', 'orders', 'orders-so')),
      owner: 'KEDA ScaledObject shop/orders-so',
    },
    {
      name: 'a ScaledObject (scaleTargetRef kind defaults to Deployment)',
      setup: () =>
        api.put(SCALED_OBJECTS, {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'orders-so', namespace: 'shop' },
          spec: { scaleTargetRef: { name: 'orders' } },
        }),
      owner: 'KEDA ScaledObject shop/orders-so',
    },
  ]
  it.each(rows)('$name → AP_ERR_CONFLICT naming it, and no patch', async ({ setup, owner }) => {
    setup()
    const t = createKubernetesTarget({ name: 'orders' }, deps({ field: 'scalers[0].target' }))
    const err = await t.scale(3, { dryRun: false }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFLICT', field: 'scalers[0].target' })
    expect((err as Error).message).toContain(`Deployment shop/orders is already scaled by ${owner}`)
    expect(patches()).toEqual([])
  })

  it('an HPA on another Deployment, or KEDA not installed, does not block', async () => {
    api.put(HPAS, hpa('payments-hpa', 'payments'))
    api.unserve(SCALED_OBJECTS)
    const t = createKubernetesTarget({ name: 'orders' }, deps())
    expect(await t.scale(3, { dryRun: false })).toMatchObject({ applied: true })
  })
})

describe('kubernetes target: bad answers are AutopilotErrors, never crashes', () => {
  const scalePath = /\/deployments\/orders\/scale$/
  const rows = [
    {
      name: 'a body that is not JSON',
      fault: { status: 200, body: '<html>proxy error</html>' },
      code: 'AP_ERR_KUBERNETES',
      text: /not JSON/,
    },
    {
      name: 'an HTML page with its own content type',
      fault: { status: 200, contentType: 'text/html', body: '<html></html>' },
      code: 'AP_ERR_KUBERNETES',
      text: /is not an object/,
    },
    {
      name: 'a Scale without spec.replicas',
      fault: { status: 200, body: JSON.stringify({ kind: 'Scale', spec: {}, status: { replicas: 1 } }) },
      code: 'AP_ERR_KUBERNETES',
      text: /no valid spec.replicas/,
    },
    {
      name: 'a negative spec.replicas',
      fault: { status: 200, body: JSON.stringify({ kind: 'Scale', spec: { replicas: -2 } }) },
      code: 'AP_ERR_KUBERNETES',
      text: /no valid spec.replicas/,
    },
    {
      name: 'a 503 with a plain-text body',
      fault: { status: 503, contentType: 'text/plain', body: 'upstream connect error' },
      code: 'AP_ERR_KUBERNETES',
      text: /upstream connect error/,
    },
    {
      name: 'a 403 Status',
      fault: {
        status: 403,
        body: JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message:
            'deployments.apps "orders" is forbidden: User "system:serviceaccount:ops:autopilot" cannot get resource "deployments/scale"',
        }),
      },
      code: 'AP_ERR_KUBERNETES',
      text: /cannot get resource "deployments\/scale"/,
    },
  ]
  it.each(rows)('$name', async ({ fault, code, text }) => {
    api.fail('GET', scalePath, fault)
    const err = await createKubernetesTarget({ name: 'orders' }, deps())
      .describe()
      .catch((e: unknown) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code })
    expect((err as Error).message).toMatch(text)
  })

  it('a missing Deployment is AP_ERR_NOT_FOUND on the name field, with the server message', async () => {
    const t = createKubernetesTarget({ name: 'nope' }, deps({ field: 'scalers[2].target' }))
    await expect(t.describe()).rejects.toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: 'scalers[2].target.name',
      message: expect.stringContaining('deployments.apps "nope" not found'),
    })
  })

  it('a patch answered with another replica count is reported, not trusted', async () => {
    api.fail('PATCH', scalePath, {
      status: 200,
      body: JSON.stringify({ kind: 'Scale', spec: { replicas: 1 } }),
    })
    const t = createKubernetesTarget({ name: 'orders' }, deps())
    await expect(t.scale(6, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_KUBERNETES',
      message: expect.stringContaining('reports spec.replicas 1, not 6'),
    })
  })

  it('a list of HPAs without items is an error, not "no HPA"', async () => {
    api.fail('GET', /horizontalpodautoscalers$/, {
      status: 200,
      body: JSON.stringify({ kind: 'HorizontalPodAutoscalerList' }),
    })
    const t = createKubernetesTarget({ name: 'orders' }, deps())
    await expect(t.scale(3, { dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_KUBERNETES' })
    expect(patches()).toEqual([])
  })

  it('a wrong token is reported as unauthorized with a kubeconfig hint', async () => {
    const t = createKubernetesTarget({ name: 'orders' }, { kubeConfig: api.kubeConfig('shop', 'wrong') })
    await expect(t.describe()).rejects.toMatchObject({
      code: 'AP_ERR_KUBERNETES',
      message: expect.stringContaining('unauthorized'),
      hint: expect.stringContaining('kubeconfig'),
    })
  })

  it('an API server that is not there is a retryable AP_ERR_KUBERNETES', async () => {
    const down = new FakeKubeApi()
    await down.start()
    const kubeConfig = down.kubeConfig('shop')
    await down.stop()
    const t = createKubernetesTarget({ name: 'orders' }, { kubeConfig })
    await expect(t.describe()).rejects.toMatchObject({
      code: 'AP_ERR_KUBERNETES',
      retryable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    })
  })
})

describe('kubernetes target: bad options name the field', () => {
  const rows: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'no name', options: {}, field: 'target.name' },
    { name: 'name with capitals', options: { name: 'Orders' }, field: 'target.name' },
    { name: 'namespace with dots', options: { name: 'a', namespace: 'a.b' }, field: 'target.namespace' },
    { name: 'kind in lowercase', options: { name: 'a', kind: 'deployment' }, field: 'target.kind' },
    {
      name: 'custom kind without apiVersion',
      options: { name: 'a', kind: 'KafkaNodePool' },
      field: 'target.apiVersion',
    },
    {
      name: 'Deployment in the wrong group',
      options: { name: 'a', apiVersion: 'extensions/v1' },
      field: 'target.apiVersion',
    },
    {
      name: 'core-group apiVersion',
      options: { name: 'a', kind: 'ReplicationController', apiVersion: 'v1' },
      field: 'target.apiVersion',
    },
    {
      name: 'fieldManager too long',
      options: { name: 'a', fieldManager: 'x'.repeat(129) },
      field: 'target.fieldManager',
    },
    { name: 'dryRun not boolean', options: { name: 'a', dryRun: 'yes' }, field: 'target.dryRun' },
    { name: 'unknown kubeconfig context', options: { name: 'a', context: 'prod' }, field: 'target.context' },
  ]
  it.each(rows)('$name → $field', ({ options, field }) => {
    expect(() => createKubernetesTarget(options, deps())).toThrow(
      expect.objectContaining({ code: 'AP_ERR_CONFIG', field }),
    )
  })
})
