// An in-process fake Kubernetes API server for custom resources, on 127.0.0.1, for the broker backends'
// contract tests (test/executor/fake-kube-api.ts serves the scale targets and leases; this one serves whole
// custom objects). It follows the real API server where a client could notice: bearer-token auth; list (with
// an equality labelSelector), get, create (201, generateName, 409 AlreadyExists), patch and delete on
// /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}[/scale]]; a 404 without object details for a
// resource that is not served (CRD missing); patch content types (415 otherwise); RFC 7386 merge patch and
// RFC 6902 JSON patch (422 when an operation does not apply); metadata.resourceVersion in a patch as a
// precondition (409 Conflict); status ignored on writes to the main resource (status subresource); generation
// bumped on spec changes only; dryRun=All validated and not persisted; fieldManager validated; metav1.Status
// bodies on every failure. Operators are simulated by `controllers`, run after every request.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isDeepStrictEqual } from 'node:util'
import { KubeConfig } from '@kubernetes/client-node'

export type Json = Record<string, unknown>

export interface Resource {
  group: string
  version: string
  plural: string
  kind: string
  /** Serves /scale with spec.replicas / status.replicas / status.labelSelector. */
  scale?: boolean
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
      details: details ?? {},
      code,
    }
  }
}

export class FakeKubeObjects {
  readonly requests: RecordedRequest[] = []
  readonly resources: Resource[] = []
  readonly objects = new Map<string, Json>()
  /** Simulated operators: called after every request, in order. */
  controllers: Array<(api: FakeKubeObjects) => void> = []
  readonly #faults: Array<{ method: string; path: RegExp; fault: Fault; times: number }> = []
  #rv = 5000
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

  reset(): void {
    this.requests.length = 0
    this.resources.length = 0
    this.objects.clear()
    this.controllers = []
    this.#faults.length = 0
  }

  kubeConfig(namespace = 'default', token = TOKEN): KubeConfig {
    const kc = new KubeConfig()
    kc.loadFromOptions({
      // client-node 2.x refuses plain http unless skipTLSVerify is set.
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'autopilot', token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'autopilot', namespace }],
      currentContext: 'fake',
    })
    return kc
  }

  serve(resource: Resource): void {
    this.resources.push(resource)
  }

  /** Stores an object as if it had been created (metadata filled in). Returns the stored object. */
  put(resource: Resource, object: Json): Json {
    const meta = (object.metadata ?? {}) as Json
    const stored: Json = {
      apiVersion: `${resource.group}/${resource.version}`,
      kind: resource.kind,
      ...structuredClone(object),
      metadata: {
        uid: randomUUID(),
        creationTimestamp: '2026-01-01T00:00:00Z',
        generation: 1,
        ...structuredClone(meta),
        resourceVersion: this.nextRv(),
      },
    }
    this.objects.set(key(resource, meta.namespace as string, meta.name as string), stored)
    return stored
  }

  get(resource: Resource, namespace: string, name: string): Json | undefined {
    return this.objects.get(key(resource, namespace, name))
  }

  all(resource: Resource): Json[] {
    const prefix = `${resource.group}/${resource.version}/${resource.plural}/`
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v)
  }

  /** A controller's write: bumps the resourceVersion (and generation when the spec changed). */
  touch(object: Json, specChanged = false): void {
    const meta = object.metadata as Json
    meta.resourceVersion = this.nextRv()
    if (specChanged) meta.generation = (meta.generation as number) + 1
  }

  nextRv(): string {
    this.#rv += 1
    return String(this.#rv)
  }

  fail(method: string, path: RegExp, fault: Fault, times = 1): void {
    this.#faults.push({ method, path, fault, times })
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
    this.requests.push({ method, path: url.pathname, query: url.searchParams, contentType, body })
    const fault = this.#faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname))
    let status: number
    let out: unknown
    if (fault) {
      fault.times -= 1
      res.writeHead(fault.fault.status, { 'content-type': fault.fault.contentType ?? 'application/json' })
      res.end(fault.fault.body)
      for (const controller of this.controllers) controller(this)
      return
    }
    try {
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        throw new HttpError(401, 'Unauthorized', 'Unauthorized')
      ;[status, out] = this.#route(method, url, contentType, body)
    } catch (err) {
      const s =
        err instanceof HttpError ? err.status : new HttpError(500, 'InternalError', String(err)).status
      status = s.code as number
      out = s
    }
    // The answer is a snapshot taken before the simulated operators act.
    const answer = JSON.stringify(out)
    for (const controller of this.controllers) controller(this)
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(answer)
  }

  #route(method: string, url: URL, contentType: string | undefined, body: unknown): [number, unknown] {
    const p = url.pathname.split('/').slice(1)
    if (p[0] !== 'apis' || p[3] !== 'namespaces' || p.length < 6 || p.length > 8) throw unknownPath()
    const [, group, version, , ns, plural, name, sub] = p as string[]
    const resource = this.resources.find(
      (r) => r.group === group && r.version === version && r.plural === plural,
    )
    if (!resource) throw unknownPath()
    if (name === undefined) {
      if (method === 'GET') return [200, this.#list(resource, ns!, url.searchParams.get('labelSelector'))]
      if (method === 'POST') return [201, this.#create(resource, ns!, url.searchParams, body)]
      throw methodNotAllowed()
    }
    if (sub !== undefined && !(sub === 'scale' && resource.scale)) throw unknownPath()
    const k = key(resource, ns!, name)
    const current = this.objects.get(k)
    if (!current) throw notFound(resource, name)
    if (sub === 'scale') {
      if (method === 'GET') return [200, scaleOf(current)]
      if (method !== 'PATCH') throw methodNotAllowed()
      const dryRun = checkWriteQuery(url.searchParams)
      const patched = applyPatch(scaleOf(current), contentType, body)
      checkPrecondition(patched, current, resource, name)
      const replicas = (patched.spec as Json | undefined)?.replicas
      if (!Number.isInteger(replicas) || (replicas as number) < 0) {
        throw new HttpError(
          422,
          'Invalid',
          `Scale.autoscaling "${name}" is invalid: spec.replicas: must be >= 0`,
        )
      }
      const next = structuredClone(current)
      ;(next.spec as Json).replicas = replicas
      return [200, scaleOf(dryRun ? next : this.#store(k, current, next))]
    }
    if (method === 'GET') return [200, current]
    if (method === 'DELETE') {
      if (!checkWriteQuery(url.searchParams)) this.objects.delete(k)
      return [
        200,
        {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group, kind: plural, uid: (current.metadata as Json).uid },
        },
      ]
    }
    if (method !== 'PATCH') throw methodNotAllowed()
    const dryRun = checkWriteQuery(url.searchParams)
    const patched = applyPatch(current, contentType, body)
    checkPrecondition(patched, current, resource, name)
    const meta = patched.metadata as Json
    const was = current.metadata as Json
    if (meta.name !== was.name || meta.namespace !== was.namespace || meta.uid !== was.uid) {
      throw new HttpError(
        422,
        'Invalid',
        `${resource.kind}.${group} "${name}" is invalid: metadata: field is immutable`,
      )
    }
    // The main resource ignores status when the CRD has a status subresource.
    patched.status = structuredClone(current.status)
    if (patched.status === undefined) delete patched.status
    return [200, dryRun ? patched : this.#store(k, current, patched)]
  }

  #store(k: string, current: Json, next: Json): Json {
    if (isDeepStrictEqual(current, next)) return current
    const meta = next.metadata as Json
    meta.resourceVersion = this.nextRv()
    if (!isDeepStrictEqual(current.spec, next.spec))
      meta.generation = ((current.metadata as Json).generation as number) + 1
    this.objects.set(k, next)
    return next
  }

  #list(resource: Resource, ns: string, selector: string | null): Json {
    const wanted = (selector ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map((s) => s.split('=') as [string, string])
    const items = this.all(resource).filter((o) => {
      const meta = o.metadata as Json
      const labels = (meta.labels ?? {}) as Record<string, string>
      return meta.namespace === ns && wanted.every(([k, v]) => labels[k] === v)
    })
    return {
      apiVersion: `${resource.group}/${resource.version}`,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.#rv) },
      items,
    }
  }

  #create(resource: Resource, ns: string, query: URLSearchParams, body: unknown): Json {
    const dryRun = checkWriteQuery(query)
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'BadRequest', 'the body of the request was in an unknown format')
    }
    const object = structuredClone(body) as Json
    if (object.apiVersion !== `${resource.group}/${resource.version}` || object.kind !== resource.kind) {
      throw new HttpError(
        400,
        'BadRequest',
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${resource.group}/${resource.version})`,
      )
    }
    const meta = (object.metadata ?? {}) as Json
    if (meta.namespace !== undefined && meta.namespace !== ns) {
      throw new HttpError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      )
    }
    let name = meta.name
    if ((name === undefined || name === '') && typeof meta.generateName === 'string') {
      name = `${meta.generateName}${randomUUID().replaceAll('-', '').slice(0, 5)}`
    }
    if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      throw new HttpError(
        422,
        'Invalid',
        `${resource.kind}.${resource.group} "${String(name ?? '')}" is invalid: metadata.name: Required value: name or generateName is required`,
      )
    }
    if (this.objects.has(key(resource, ns, name))) {
      throw new HttpError(
        409,
        'AlreadyExists',
        `${resource.plural}.${resource.group} "${name}" already exists`,
        { name, group: resource.group, kind: resource.plural },
      )
    }
    delete object.status
    object.metadata = {
      ...meta,
      name,
      namespace: ns,
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    }
    if (dryRun) return { ...object, metadata: { ...(object.metadata as Json), resourceVersion: '' } }
    return this.put(resource, object)
  }
}

function key(resource: Resource, ns: string, name: string): string {
  return `${resource.group}/${resource.version}/${resource.plural}/${ns}/${name}`
}

function scaleOf(object: Json): Json {
  const meta = object.metadata as Json
  const status = (object.status ?? {}) as Json
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
    },
    spec: { replicas: (object.spec as Json).replicas },
    status: {
      replicas: status.replicas ?? 0,
      ...(status.labelSelector ? { selector: status.labelSelector } : {}),
    },
  }
}

function checkPrecondition(patched: Json, current: Json, resource: Resource, name: string): void {
  const rv = (patched.metadata as Json | undefined)?.resourceVersion
  if (rv !== undefined && rv !== (current.metadata as Json).resourceVersion) {
    throw new HttpError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${resource.plural}.${resource.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: resource.group, kind: resource.plural },
    )
  }
}

function applyPatch(target: Json, contentType: string | undefined, body: unknown): Json {
  if (!contentType || !PATCH_TYPES.includes(contentType)) {
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    )
  }
  if (contentType === 'application/merge-patch+json') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(
        400,
        'BadRequest',
        'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
      )
    }
    return mergePatch(target, body) as Json
  }
  if (contentType === 'application/json-patch+json') {
    if (!Array.isArray(body)) {
      throw new HttpError(
        400,
        'BadRequest',
        'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      )
    }
    let doc: unknown = structuredClone(target)
    for (const op of body as Json[]) doc = applyOp(doc, op)
    return doc as Json
  }
  throw new HttpError(415, 'UnsupportedMediaType', 'apply patches are not supported by this fake')
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

/** One RFC 6902 operation (add, remove, replace, test) on a JSON document. */
function applyOp(doc: unknown, op: Json): unknown {
  const invalid = (message: string) =>
    new HttpError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message }],
    })
  if (typeof op.path !== 'string' || !(op.path === '' || op.path.startsWith('/'))) {
    throw new HttpError(400, 'BadRequest', `invalid JSON patch path ${JSON.stringify(op.path)}`)
  }
  const tokens =
    op.path === ''
      ? []
      : op.path
          .slice(1)
          .split('/')
          .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
  const last = tokens.pop()
  let parent: unknown = doc
  for (const token of tokens) {
    parent = Array.isArray(parent) ? parent[Number(token)] : (parent as Json | undefined)?.[token]
    if (typeof parent !== 'object' || parent === null)
      throw invalid(`${op.op} operation does not apply: doc is missing path: ${op.path}`)
  }
  if (last === undefined) throw invalid('operations on the whole document are not supported')
  const container = parent as Json | unknown[]
  if (Array.isArray(container)) {
    const index = last === '-' ? container.length : Number(last)
    if (
      !Number.isInteger(index) ||
      index < 0 ||
      index > container.length ||
      (op.op !== 'add' && index >= container.length)
    ) {
      throw invalid(`${op.op} operation does not apply: index out of range: ${op.path}`)
    }
    if (op.op === 'add') container.splice(index, 0, structuredClone(op.value))
    else if (op.op === 'remove') container.splice(index, 1)
    else if (op.op === 'replace') container[index] = structuredClone(op.value)
    else if (op.op === 'test') {
      if (!isDeepStrictEqual(container[index], op.value))
        throw invalid(`testing value ${op.path} failed: test failed`)
    } else throw new HttpError(400, 'BadRequest', `unsupported JSON patch op ${String(op.op)}`)
    return doc
  }
  const has = Object.hasOwn(container, last)
  if (op.op === 'add') container[last] = structuredClone(op.value)
  else if (op.op === 'remove' || op.op === 'replace') {
    if (!has) throw invalid(`${op.op} operation does not apply: doc is missing key: ${op.path}`)
    if (op.op === 'remove') delete container[last]
    else container[last] = structuredClone(op.value)
  } else if (op.op === 'test') {
    if (!isDeepStrictEqual(container[last], op.value))
      throw invalid(`testing value ${op.path} failed: test failed`)
  } else throw new HttpError(400, 'BadRequest', `unsupported JSON patch op ${String(op.op)}`)
  return doc
}

function checkWriteQuery(query: URLSearchParams): boolean {
  const dryRun = query.getAll('dryRun')
  for (const value of dryRun) {
    if (value !== 'All')
      throw new HttpError(400, 'BadRequest', `Invalid dryRun value: "${value}": supported values: "All"`)
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

function notFound(resource: Resource, name: string): HttpError {
  return new HttpError(404, 'NotFound', `${resource.plural}.${resource.group} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  })
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
