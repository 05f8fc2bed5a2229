// The one in-process fake Kubernetes API server of the *.contract.test.ts files, on 127.0.0.1, driven through
// the real @kubernetes/client-node. It follows the real API server where a client could notice a difference
// (the rules themselves are in fake-kube-rules.ts): bearer-token auth (401); the paths
// /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}[/scale]] of the resources it serves, and 404 without
// object details for one it does not serve (a CRD that is not installed); list (with an equality
// labelSelector), get, create (201, generateName, 409 AlreadyExists), replace (PUT: no create-on-update, name
// must match the URL), patch and delete, 405 for any other verb; patch content types (415 otherwise): merge
// patch, JSON patch (422 when an operation does not apply), strategic merge patch on built-in types only;
// metadata.resourceVersion in a write as a precondition (409 Conflict); status ignored on writes to the main
// resource (status subresource); a write that changes nothing keeps the resourceVersion; generation bumped on
// spec changes only; /scale on scalable resources (422 on invalid replicas); dryRun=All validated and not
// persisted; fieldManager validated; metav1.Status bodies on every failure. Built in are Deployments,
// StatefulSets, Leases and HPAs; KEDA's ScaledObject is installed; tests serve their own custom resources.
// Operators are simulated by `controllers`, run after every request.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import { KubeConfig } from '@kubernetes/client-node'
import {
  applyPatch,
  checkBody,
  checkPrecondition,
  checkReplicas,
  checkWriteQuery,
  DEPLOYMENTS,
  definedOnly,
  HPAS,
  HttpError,
  type Json,
  keepStatus,
  LEASES,
  methodNotAllowed,
  notFound,
  type Resource,
  SCALED_OBJECTS,
  STATEFULSETS,
  sameResource,
  scaleOf,
  tracksGeneration,
  unknownPath,
} from './fake-kube-rules.ts'

export {
  DEPLOYMENTS,
  HPAS,
  type Json,
  LEASES,
  type Resource,
  SCALED_OBJECTS,
  STATEFULSETS,
} from './fake-kube-rules.ts'

import { type LoopbackServer, listenOnLoopback } from '../helpers/loopback-server.ts'

const SERVED_AT_START = [DEPLOYMENTS, STATEFULSETS, LEASES, HPAS, SCALED_OBJECTS]

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

/** A workload's replica counts, as addScalable takes them and get(namespace, name, …) reads them back. */
export interface Scalable {
  namespace: string
  name: string
  group?: string
  version?: string
  plural?: string
  kind?: string
  replicas?: number
  statusReplicas?: number
  /** Omitted from the object when undefined (apps/v1 omits 0; some CRDs never publish it). */
  readyReplicas?: number
}

const TOKEN = 'fake-token'
const CREATED = '2026-01-01T00:00:00Z'

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = []
  readonly resources: Resource[] = [...SERVED_AT_START]
  readonly objects = new Map<string, Json>()
  /** Simulated operators: called after every request, in order. */
  controllers: Array<(api: FakeKubeApi) => void> = []
  /** Awaited before each request is answered: tests use it to hold requests and force races. */
  gate: ((request: RecordedRequest) => Promise<void> | void) | undefined
  readonly #faults: Array<{ method: string; path: RegExp; fault: Fault; times: number }> = []
  #rv = 1000
  #server: LoopbackServer | undefined
  url = ''

  async start(): Promise<this> {
    this.#server = await listenOnLoopback((req, res) => void this.#handle(req, res))
    this.url = this.#server.url
    return this
  }

  async stop(): Promise<void> {
    await this.#server?.stop()
  }

  /** Back to a fresh server: no objects, requests, faults, gate or controllers; the built-in resources served. */
  reset(): void {
    this.requests.length = 0
    this.resources.splice(0, this.resources.length, ...SERVED_AT_START)
    this.objects.clear()
    this.controllers = []
    this.gate = undefined
    this.#faults.length = 0
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

  serve(resource: Resource): void {
    this.resources.push(resource)
  }

  /** No longer serves `resource` (its CRD uninstalled): its paths answer 404. */
  unserve(resource: Resource): void {
    const at = this.resources.findIndex((r) => sameResource(r, resource))
    if (at >= 0) this.resources.splice(at, 1)
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
        creationTimestamp: CREATED,
        ...(tracksGeneration(resource) ? { generation: 1 } : {}),
        ...structuredClone(meta),
        resourceVersion: this.nextRv(),
      },
    }
    this.objects.set(key(resource, meta.namespace as string, meta.name as string), stored)
    return stored
  }

  /** A workload with replica counts and /scale; its resource is served from now on. */
  addScalable(input: Scalable): Json {
    const resource: Resource = {
      ...DEPLOYMENTS,
      ...(input.group === undefined || input.group === 'apps' ? {} : { builtIn: false }),
      ...definedOnly({ group: input.group, version: input.version, plural: input.plural, kind: input.kind }),
    }
    if (!this.resources.some((r) => sameResource(r, resource))) this.serve(resource)
    const replicas = input.replicas ?? 1
    const status: Json = { replicas: input.statusReplicas ?? replicas }
    if (input.readyReplicas !== undefined && input.readyReplicas !== 0)
      status.readyReplicas = input.readyReplicas
    return this.put(resource, {
      metadata: { name: input.name, namespace: input.namespace },
      spec: { replicas, ...(resource.builtIn ? { selector: { matchLabels: { app: input.name } } } : {}) },
      status,
    })
  }

  /** The stored object; or, given a namespace and name (a Deployment unless told), a workload's counts. */
  get(resource: Resource, namespace: string, name: string): Json | undefined
  get(
    namespace: string,
    name: string,
    plural?: string,
    group?: string,
    version?: string,
  ): Scalable | undefined
  get(
    first: Resource | string,
    second: string,
    third?: string,
    group = 'apps',
    version = 'v1',
  ): Json | Scalable | undefined {
    if (typeof first !== 'string') return this.objects.get(key(first, second, third!))
    const object = this.objects.get(`${group}/${version}/${third ?? 'deployments'}/${first}/${second}`)
    if (!object) return undefined
    const status = (object.status ?? {}) as Json
    return {
      namespace: first,
      name: second,
      replicas: (object.spec as Json).replicas as number,
      statusReplicas: status.replicas as number,
      ...(status.readyReplicas === undefined ? {} : { readyReplicas: status.readyReplicas as number }),
    }
  }

  /** The Leases, keyed `namespace/name`. */
  get leases(): { get(id: string): Json | undefined; readonly size: number; clear(): void } {
    const prefix = `${LEASES.group}/${LEASES.version}/${LEASES.plural}/`
    const ids = () => [...this.objects.keys()].filter((k) => k.startsWith(prefix))
    return {
      get: (id) => this.objects.get(`${prefix}${id}`),
      get size() {
        return ids().length
      },
      clear: () => {
        for (const k of ids()) this.objects.delete(k)
      },
    }
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

  /** The next `times` requests matching method and path get this answer instead of the real one. */
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
    const recorded = { method, path: url.pathname, query: url.searchParams, contentType, body }
    this.requests.push(recorded)
    await this.gate?.(recorded)
    const fault = this.#faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname))
    if (fault) {
      fault.times -= 1
      res.writeHead(fault.fault.status, { 'content-type': fault.fault.contentType ?? 'application/json' })
      res.end(fault.fault.body)
      for (const controller of this.controllers) controller(this)
      return
    }
    let status: number
    let out: unknown
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
    const query = url.searchParams
    if (name === undefined) {
      if (method === 'GET') return [200, this.#list(resource, ns!, query.get('labelSelector'))]
      if (method === 'POST') return [201, this.#create(resource, ns!, query, body)]
      throw methodNotAllowed()
    }
    if (sub !== undefined && !(sub === 'scale' && resource.scale)) throw unknownPath()
    const k = key(resource, ns!, name)
    const current = this.objects.get(k)
    if (method === 'PUT' && sub === undefined) return [200, this.#replace(resource, ns!, name, query, body)]
    if (!current) throw notFound(resource, name)
    if (sub === 'scale') {
      if (method === 'GET') return [200, scaleOf(current)]
      if (method !== 'PATCH') throw methodNotAllowed()
      const dryRun = checkWriteQuery(query)
      const patched = applyPatch(resource, scaleOf(current), contentType, body)
      checkPrecondition(patched, current, resource, name)
      const next = structuredClone(current)
      ;(next.spec as Json).replicas = checkReplicas(patched, name)
      return [200, scaleOf(dryRun ? next : this.#store(resource, k, current, next))]
    }
    if (method === 'GET') return [200, current]
    if (method === 'DELETE') {
      if (!checkWriteQuery(query)) this.objects.delete(k)
      const details = { name, group, kind: plural, uid: (current.metadata as Json).uid }
      return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details }]
    }
    if (method !== 'PATCH') throw methodNotAllowed()
    const dryRun = checkWriteQuery(query)
    const patched = applyPatch(resource, current, contentType, body)
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
    return [200, dryRun ? patched : this.#store(resource, k, current, keepStatus(patched, current))]
  }

  /** Saves a write; one that changes nothing keeps the stored object and its resourceVersion. */
  #store(resource: Resource, k: string, current: Json, next: Json): Json {
    if (isDeepStrictEqual(current, next)) return current
    const meta = next.metadata as Json
    meta.resourceVersion = this.nextRv()
    if (tracksGeneration(resource) && !isDeepStrictEqual(current.spec, next.spec))
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
    const object = checkBody(resource, ns, body)
    const meta = (object.metadata ?? {}) as Json
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
        {
          name,
          group: resource.group,
          kind: resource.plural,
        },
      )
    }
    delete object.status
    object.metadata = {
      ...meta,
      name,
      namespace: ns,
      uid: randomUUID(),
      ...(tracksGeneration(resource) ? { generation: 1 } : {}),
      creationTimestamp: CREATED,
    }
    if (dryRun) return { ...object, metadata: { ...(object.metadata as Json), resourceVersion: '' } }
    return this.put(resource, object)
  }

  #replace(resource: Resource, ns: string, name: string, query: URLSearchParams, body: unknown): Json {
    const dryRun = checkWriteQuery(query)
    const object = checkBody(resource, ns, body)
    const meta = (object.metadata ?? {}) as Json
    if (meta.name !== name) {
      throw new HttpError(
        400,
        'BadRequest',
        `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
      )
    }
    const k = key(resource, ns, name)
    const current = this.objects.get(k)
    // No create-on-update for the resources served here.
    if (!current) throw notFound(resource, name)
    checkPrecondition(object, current, resource, name)
    const was = current.metadata as Json
    const next = keepStatus(
      {
        ...object,
        metadata: {
          ...meta,
          namespace: ns,
          uid: was.uid,
          creationTimestamp: was.creationTimestamp,
          ...(was.generation === undefined ? {} : { generation: was.generation }),
          resourceVersion: was.resourceVersion,
        },
      },
      current,
    )
    return dryRun ? next : this.#store(resource, k, current, next)
  }
}

function key(resource: Resource, ns: string, name: string): string {
  return `${resource.group}/${resource.version}/${resource.plural}/${ns}/${name}`
}
