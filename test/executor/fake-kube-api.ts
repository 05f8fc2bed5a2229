// An in-process fake of the few Kubernetes API endpoints Autopilot uses, on 127.0.0.1, for the
// *.contract.test.ts files. It follows the real API server where our code could notice a difference:
// paths and verbs, bearer-token auth, patch content types (415 otherwise), merge/JSON patch semantics,
// dryRun=All (validated, not persisted) and fieldManager (validated) query parameters, resourceVersion
// preconditions (409 Conflict), create on an existing name (409 AlreadyExists), MicroTime format, and
// metav1.Status bodies with code/reason on every failure.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'

type Json = Record<string, unknown>

export interface Scalable {
  group: string
  version: string
  plural: string
  kind: string
  namespace: string
  name: string
  replicas: number
  statusReplicas: number
  /** Omitted from the object when undefined (apps/v1 omits 0; some CRDs never publish it). */
  readyReplicas?: number
  resourceVersion: string
  uid: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  contentType: string | undefined
  body: unknown
}

export interface Fault {
  status: number
  contentType?: string
  body: string
}

const TOKEN = 'fake-token'
/** metav1.MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
]

class HttpError extends Error {
  readonly status: Json
  constructor(code: number, reason: string, message: string, details?: Json) {
    super(message)
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    }
  }
}

const notFound = (resource: string, name: string, group: string) =>
  new HttpError(404, 'NotFound', `${resource}${group ? `.${group}` : ''} "${name}" not found`, {
    name,
    group,
    kind: resource,
  })

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = []
  readonly scalables = new Map<string, Scalable>()
  readonly hpas: Json[] = []
  readonly scaledObjects: Json[] = []
  kedaInstalled = true
  /** Awaited before each request is answered: tests use it to hold requests and force races. */
  gate: ((request: RecordedRequest) => Promise<void> | void) | undefined
  readonly leases = new Map<string, Json>()
  readonly #faults: Array<{ method: string; path: RegExp; fault: Fault; times: number }> = []
  #rv = 1000
  #server: Server | undefined
  url = ''

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
    return this
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections()
    await new Promise((resolve) => this.#server?.close(resolve))
  }

  /** A KubeConfig for the real client pointing at this server, built in code. */
  kubeConfig(namespace = 'default', token = TOKEN): KubeConfig {
    const kc = new KubeConfig()
    kc.loadFromOptions({
      // client-node 2.x refuses a plain-http server unless skipTLSVerify is set ("HTTP protocol is not allowed
      // when skipTLSVerify is not set or false"), although there is no TLS to verify.
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'autopilot', token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'autopilot', namespace }],
      currentContext: 'fake',
    })
    return kc
  }

  addScalable(input: Partial<Scalable> & { namespace: string; name: string }): Scalable {
    const item: Scalable = {
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
      kind: 'Deployment',
      replicas: 1,
      statusReplicas: input.replicas ?? 1,
      resourceVersion: this.#nextRv(),
      uid: randomUUID(),
      ...input,
    }
    this.scalables.set(key(item.group, item.version, item.plural, item.namespace, item.name), item)
    return item
  }

  get(namespace: string, name: string, plural = 'deployments', group = 'apps', version = 'v1') {
    return this.scalables.get(key(group, version, plural, namespace, name))
  }

  /** The next `times` requests matching method and path get this answer instead of the real one. */
  fail(method: string, path: RegExp, fault: Fault, times = 1): void {
    this.#faults.push({ method, path, fault, times })
  }

  #nextRv(): string {
    this.#rv += 1
    return String(this.#rv)
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const contentType = req.headers['content-type']?.split(';')[0]?.trim()
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = text
    }
    const method = req.method ?? 'GET'
    const recorded = { method, path: url.pathname, query: url.searchParams, contentType, body }
    this.requests.push(recorded)
    await this.gate?.(recorded)
    const fault = this.#faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname))
    if (fault) {
      fault.times -= 1
      res.writeHead(fault.fault.status, { 'content-type': fault.fault.contentType ?? 'application/json' })
      res.end(fault.fault.body)
      return
    }
    try {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        throw new HttpError(401, 'Unauthorized', 'Unauthorized')
      }
      const [status, out] = this.#route(method, url, contentType, body)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(out))
    } catch (err) {
      const status =
        err instanceof HttpError ? err.status : new HttpError(500, 'InternalError', String(err)).status
      res.writeHead(status.code as number, { 'content-type': 'application/json' })
      res.end(JSON.stringify(status))
    }
  }

  #route(method: string, url: URL, contentType: string | undefined, body: unknown): [number, unknown] {
    const p = url.pathname.split('/').slice(1)
    // /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}[/scale]]
    if (p[0] !== 'apis' || p[3] !== 'namespaces' || p.length < 6) throw unknownPath()
    const [, group, version, , ns, plural, name, sub] = p as string[]
    if (group === 'coordination.k8s.io' && version === 'v1' && plural === 'leases') {
      return this.#lease(method, ns!, name, url.searchParams, body)
    }
    if (group === 'autoscaling' && version === 'v2' && plural === 'horizontalpodautoscalers' && !name) {
      if (method !== 'GET') throw methodNotAllowed()
      return [200, list('HorizontalPodAutoscalerList', 'autoscaling/v2', this.hpas, ns!, this.#rv)]
    }
    if (group === 'keda.sh' && plural === 'scaledobjects' && !name) {
      if (!this.kedaInstalled) throw unknownPath()
      if (method !== 'GET') throw methodNotAllowed()
      return [200, list('ScaledObjectList', `keda.sh/${version}`, this.scaledObjects, ns!, this.#rv)]
    }
    if (!name || p.length > 8 || (sub !== undefined && sub !== 'scale')) throw unknownPath()
    const item = this.scalables.get(key(group!, version!, plural!, ns!, name))
    if (!item) throw notFound(plural!, name, group!)
    if (sub === undefined) {
      if (method !== 'GET') throw methodNotAllowed()
      return [200, objectOf(item)]
    }
    if (method === 'GET') return [200, scaleOf(item)]
    if (method !== 'PATCH') throw methodNotAllowed()
    return [200, this.#patchScale(item, url.searchParams, contentType, body)]
  }

  #patchScale(item: Scalable, query: URLSearchParams, contentType: string | undefined, body: unknown): Json {
    const dryRun = checkWriteQuery(query)
    if (!contentType || !PATCH_TYPES.includes(contentType)) {
      throw new HttpError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      )
    }
    const scale = scaleOf(item)
    let patched: Json
    if (contentType === 'application/merge-patch+json') {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new HttpError(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal into Go value')
      }
      patched = mergePatch(scale, body as Json) as Json
    } else if (contentType === 'application/json-patch+json') {
      if (!Array.isArray(body)) {
        throw new HttpError(
          400,
          'BadRequest',
          'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
        )
      }
      patched = structuredClone(scale)
      for (const op of body as Json[]) {
        if (op.op !== 'replace' || op.path !== '/spec/replicas') {
          throw new HttpError(
            422,
            'Invalid',
            `the fake supports only replace /spec/replicas, got ${JSON.stringify(op)}`,
          )
        }
        ;(patched.spec as Json).replicas = op.value
      }
    } else {
      throw new HttpError(
        415,
        'UnsupportedMediaType',
        'apply patches are not supported on /scale by this fake',
      )
    }
    const rv = (patched.metadata as Json | undefined)?.resourceVersion
    if (rv !== undefined && rv !== item.resourceVersion) throw conflict(item.plural, item.group, item.name)
    const replicas = (patched.spec as Json | undefined)?.replicas
    if (!Number.isInteger(replicas) || (replicas as number) < 0) {
      const message = `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`
      throw new HttpError(422, 'Invalid', `Scale.autoscaling "${item.name}" is invalid: ${message}`, {
        name: item.name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.replicas' }],
      })
    }
    if (dryRun) return scaleOf({ ...item, replicas: replicas as number })
    if (replicas !== item.replicas) {
      item.replicas = replicas as number
      item.resourceVersion = this.#nextRv()
    }
    return scaleOf(item)
  }

  #lease(
    method: string,
    ns: string,
    name: string | undefined,
    query: URLSearchParams,
    body: unknown,
  ): [number, Json] {
    const id = (n: string) => `${ns}/${n}`
    if (method === 'POST' && name === undefined) {
      checkWriteQuery(query)
      const lease = checkLease(body, ns)
      const leaseName = (lease.metadata as Json).name as string
      if (this.leases.has(id(leaseName))) {
        throw new HttpError(
          409,
          'AlreadyExists',
          `leases.coordination.k8s.io "${leaseName}" already exists`,
          {
            name: leaseName,
            group: 'coordination.k8s.io',
            kind: 'leases',
          },
        )
      }
      return [201, this.#storeLease(lease, ns, leaseName)]
    }
    if (name === undefined) throw methodNotAllowed()
    const current = this.leases.get(id(name))
    if (method === 'GET') {
      if (!current) throw notFound('leases', name, 'coordination.k8s.io')
      return [200, current]
    }
    if (method !== 'PUT') throw methodNotAllowed()
    checkWriteQuery(query)
    const lease = checkLease(body, ns)
    const meta = lease.metadata as Json
    if (meta.name !== name) {
      throw new HttpError(
        400,
        'BadRequest',
        `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
      )
    }
    // Leases do not allow create-on-update.
    if (!current) throw notFound('leases', name, 'coordination.k8s.io')
    const rv = meta.resourceVersion
    if (rv !== undefined && rv !== '' && rv !== (current.metadata as Json).resourceVersion) {
      throw conflict('leases', 'coordination.k8s.io', name)
    }
    return [200, this.#storeLease(lease, ns, name, current)]
  }

  #storeLease(lease: Json, ns: string, name: string, previous?: Json): Json {
    const before = (previous?.metadata ?? {}) as Json
    const stored = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: ns,
        uid: before.uid ?? randomUUID(),
        resourceVersion: this.#nextRv(),
        creationTimestamp: before.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
      spec: lease.spec ?? {},
    }
    this.leases.set(`${ns}/${name}`, stored)
    return structuredClone(stored)
  }
}

function key(group: string, version: string, plural: string, ns: string, name: string): string {
  return `${group}/${version}/${plural}/${ns}/${name}`
}

function scaleOf(item: Scalable): Json {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: item.name,
      namespace: item.namespace,
      uid: item.uid,
      resourceVersion: item.resourceVersion,
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    spec: { replicas: item.replicas },
    status: { replicas: item.statusReplicas, selector: `app=${item.name}` },
  }
}

function objectOf(item: Scalable): Json {
  const status: Json = { replicas: item.statusReplicas }
  if (item.readyReplicas !== undefined && item.readyReplicas !== 0) status.readyReplicas = item.readyReplicas
  return {
    apiVersion: `${item.group}/${item.version}`,
    kind: item.kind,
    metadata: {
      name: item.name,
      namespace: item.namespace,
      uid: item.uid,
      resourceVersion: item.resourceVersion,
    },
    spec: { replicas: item.replicas },
    status,
  }
}

function list(kind: string, apiVersion: string, items: Json[], ns: string, rv: number): Json {
  const inNamespace = items.filter((i) => (i.metadata as Json | undefined)?.namespace === ns)
  return { kind, apiVersion, metadata: { resourceVersion: String(rv) }, items: inNamespace }
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch
  const out: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** dryRun accepts only "All"; fieldManager at most 128 printable characters. Returns whether dry. */
function checkWriteQuery(query: URLSearchParams): boolean {
  const dryRun = query.getAll('dryRun')
  for (const value of dryRun) {
    if (value !== 'All') {
      throw new HttpError(400, 'BadRequest', `Invalid dryRun value: "${value}": supported values: "All"`)
    }
  }
  const manager = query.get('fieldManager')
  if (manager !== null && (manager.length > 128 || !/^[\x20-\x7e\u00a0-\uffff]+$/.test(manager))) {
    throw new HttpError(
      422,
      'Invalid',
      'fieldManager: Invalid value: must be at most 128 printable characters',
    )
  }
  return dryRun.length > 0
}

function checkLease(body: unknown, ns: string): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BadRequest', 'the body of the request was in an unknown format')
  }
  const lease = body as Json
  const meta = (lease.metadata ?? {}) as Json
  if (typeof meta.name !== 'string' || meta.name === '') {
    throw new HttpError(
      422,
      'Invalid',
      'Lease.coordination.k8s.io "" is invalid: metadata.name: Required value',
    )
  }
  if (meta.namespace !== undefined && meta.namespace !== ns) {
    throw new HttpError(
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    )
  }
  const spec = (lease.spec ?? {}) as Json
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field]
    if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
      throw new HttpError(
        400,
        'BadRequest',
        `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse`,
      )
    }
  }
  if (spec.leaseDurationSeconds !== undefined && !Number.isInteger(spec.leaseDurationSeconds)) {
    throw new HttpError(
      400,
      'BadRequest',
      'Lease in version "v1" cannot be handled as a Lease: leaseDurationSeconds',
    )
  }
  return lease
}

function conflict(plural: string, group: string, name: string): HttpError {
  return new HttpError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${plural}.${group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural },
  )
}

function unknownPath(): HttpError {
  return new HttpError(404, 'NotFound', 'the server could not find the requested resource')
}

function methodNotAllowed(): HttpError {
  return new HttpError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  )
}
