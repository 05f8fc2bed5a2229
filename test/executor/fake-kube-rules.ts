// The resources test/executor/fake-kube-api.ts serves from the start, and the API server's rules it applies to
// a request, as pure functions: the body of a create or replace, metav1.Status failures, patch content types
// and their semantics (RFC 7386 merge patch, RFC 6902 JSON patch, strategic merge patch on built-in resources),
// the dryRun and fieldManager query parameters, resourceVersion preconditions, the Scale subresource's shape,
// and the Lease's field formats.
import { isDeepStrictEqual } from 'node:util'

export type Json = Record<string, unknown>

export interface Resource {
  group: string
  version: string
  plural: string
  kind: string
  /** Serves /scale (spec.replicas, status.replicas and the pods' label selector). */
  scale?: boolean
  /** A built-in type, not a custom resource: accepts strategic merge patches; apiVersion/kind may be omitted. */
  builtIn?: boolean
  /** Type-specific validation of a created or replaced object (the built-in types' own checks). */
  validate?: (object: Json) => void
}

export const DEPLOYMENTS: Resource = {
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  scale: true,
  builtIn: true,
}
export const STATEFULSETS: Resource = { ...DEPLOYMENTS, plural: 'statefulsets', kind: 'StatefulSet' }
export const LEASES: Resource = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  builtIn: true,
  validate: checkLease,
}
export const HPAS: Resource = {
  group: 'autoscaling',
  version: 'v2',
  plural: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  builtIn: true,
}
export const SCALED_OBJECTS: Resource = {
  group: 'keda.sh',
  version: 'v1alpha1',
  plural: 'scaledobjects',
  kind: 'ScaledObject',
}
/** A failure the server answers with a metav1.Status body. */
export class HttpError extends Error {
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

const JSON_PATCH = 'application/json-patch+json'
const MERGE_PATCH = 'application/merge-patch+json'
const STRATEGIC_PATCH = 'application/strategic-merge-patch+json'
const APPLY_PATCH = 'application/apply-patch+yaml'

/** `target` with the patch in `body` applied, as the API server does for `contentType` on `resource`. */
export function applyPatch(
  resource: Resource,
  target: Json,
  contentType: string | undefined,
  body: unknown,
): Json {
  const accepted = resource.builtIn
    ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
  if (!contentType || !accepted.includes(contentType)) {
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    )
  }
  if (contentType === MERGE_PATCH || contentType === STRATEGIC_PATCH) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(
        400,
        'BadRequest',
        'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
      )
    }
    // A strategic merge patch is a merge patch for the scalar fields and maps patched here; its directives
    // (and list merge keys) are beyond this fake, so they are refused rather than misapplied.
    if (contentType === STRATEGIC_PATCH && JSON.stringify(body).includes('"$')) {
      throw new HttpError(422, 'Invalid', 'strategic merge patch directives are not supported by this fake')
    }
    return mergePatch(target, body) as Json
  }
  if (contentType === JSON_PATCH) {
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

/** dryRun accepts only "All"; fieldManager at most 128 printable characters. Returns whether dry. */
export function checkWriteQuery(query: URLSearchParams): boolean {
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

/** A metadata.resourceVersion in the request is a precondition: 409 Conflict unless it is the stored one. */
export function checkPrecondition(sent: Json, current: Json, resource: Resource, name: string): void {
  const rv = (sent.metadata as Json | undefined)?.resourceVersion
  if (rv !== undefined && rv !== '' && rv !== (current.metadata as Json).resourceVersion) {
    throw new HttpError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${resource.plural}.${resource.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: resource.group, kind: resource.plural },
    )
  }
}

/** The Scale subresource of `object`; the selector from spec.selector (built-in) or status.labelSelector (CRD). */
export function scaleOf(object: Json): Json {
  const meta = object.metadata as Json
  const spec = (object.spec ?? {}) as Json
  const status = (object.status ?? {}) as Json
  const labels = ((spec.selector as Json | undefined)?.matchLabels ?? {}) as Record<string, string>
  const selector =
    status.labelSelector ??
    (Object.keys(labels).length > 0
      ? Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : undefined)
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: spec.replicas },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  }
}

/** spec.replicas of a patched Scale: a whole number of at least 0 (422 Invalid otherwise). */
export function checkReplicas(scale: Json, name: string): number {
  const replicas = (scale.spec as Json | undefined)?.replicas
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    const message = `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`
    throw new HttpError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: ${message}`, {
      name,
      group: 'autoscaling',
      kind: 'Scale',
      causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.replicas' }],
    })
  }
  return replicas as number
}

/** metav1.MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/

/** coordination.k8s.io/v1 Lease: MicroTime acquire/renew times, a whole leaseDurationSeconds. */
export function checkLease(lease: Json): void {
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
}

export function notFound(resource: Resource, name: string): HttpError {
  return new HttpError(404, 'NotFound', `${resource.plural}.${resource.group} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  })
}

export function unknownPath(): HttpError {
  return new HttpError(404, 'NotFound', 'the server could not find the requested resource')
}

export function methodNotAllowed(): HttpError {
  return new HttpError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  )
}

/** A created or replaced object: apiVersion and kind those of the URL (built-in types may omit them). */
export function checkBody(resource: Resource, ns: string, body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BadRequest', 'the body of the request was in an unknown format')
  }
  const object = structuredClone(body) as Json
  const apiVersion = `${resource.group}/${resource.version}`
  if (resource.builtIn && object.apiVersion === undefined && object.kind === undefined) {
    object.apiVersion = apiVersion
    object.kind = resource.kind
  }
  if (object.apiVersion !== apiVersion || object.kind !== resource.kind) {
    throw new HttpError(
      400,
      'BadRequest',
      `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersion})`,
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
  resource.validate?.(object)
  return object
}

/** The main resource ignores status in writes (the status subresource owns it). */
export function keepStatus(next: Json, current: Json): Json {
  next.status = structuredClone(current.status)
  if (next.status === undefined) delete next.status
  return next
}

/** Custom resources and the scalable built-in types count spec changes in metadata.generation. */
export function tracksGeneration(resource: Resource): boolean {
  return !resource.builtIn || resource.scale === true
}

export function sameResource(a: Resource, b: Resource): boolean {
  return a.group === b.group && a.version === b.version && a.plural === b.plural
}

export function definedOnly(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >
}
