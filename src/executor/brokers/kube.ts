// Custom objects for the Kubernetes broker backends (Strimzi, Koperator): read, list, create, patch and delete
// through @kubernetes/client-node's CustomObjectsApi, with dryRun=All and fieldManager on every write, the
// patch Content-Type set explicitly (the generated client would send json-patch for a merge patch), and every
// failure named after the resource: a 404 with no object details means the CRD is not installed (or another
// apiVersion is served), which is AP_ERR_KUBERNETES, not "not found". Optimistic concurrency: writes that edit
// lists carry the resourceVersion they were computed from; `withConflictRetry` re-reads and retries on 409.
import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy } from '@kubernetes/client-node'
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import { asRecord, callOptions, kubernetesError, parseStatusBody } from '../kubernetes/client.ts'
import { durationMs } from './common.ts'

export type Json = Record<string, unknown>

export interface ObjectRef {
  group: string
  version: string
  plural: string
  kind: string
  namespace: string
  name: string
}

export type CollectionRef = Omit<ObjectRef, 'name'>

/** `KafkaNodePool kafka/brokers`. */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`
}

export interface WriteOptions {
  dryRun: boolean
  signal?: AbortSignal
}

/** One JSON patch (RFC 6902) operation. */
export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'test'
  path: string
  value?: unknown
}

/** Makes a JSON patch conditional on the version it was computed from: a stale one gets 409 Conflict. */
export function lockedTo(object: Json, ops: PatchOp[]): PatchOp[] {
  const rv = asRecord(object.metadata)?.resourceVersion
  if (typeof rv !== 'string' || rv === '') {
    throw new AutopilotError(
      'AP_ERR_KUBERNETES',
      'the API server returned an object without metadata.resourceVersion',
      {
        retryable: true,
      },
    )
  }
  return [{ op: 'replace', path: '/metadata/resourceVersion', value: rv }, ...ops]
}

export class KubeObjects {
  readonly #api: CustomObjectsApi
  readonly #fieldManager: string

  constructor(kc: KubeConfig, fieldManager: string) {
    this.#api = kc.makeApiClient(CustomObjectsApi)
    this.#fieldManager = fieldManager
  }

  async get(ref: ObjectRef, signal?: AbortSignal, field?: string): Promise<Json> {
    const body = await this.#run(`reading ${describeObject(ref)}`, ref, signal, field, () =>
      this.#api.getNamespacedCustomObject(params(ref), callOptions(signal)),
    )
    return object(body, describeObject(ref))
  }

  async list(ref: CollectionRef, labelSelector: string, signal?: AbortSignal): Promise<Json[]> {
    const what = `listing ${ref.plural}.${ref.group} in ${ref.namespace}`
    const body = await this.#run(what, ref, signal, undefined, () =>
      this.#api.listNamespacedCustomObject(
        {
          group: ref.group,
          version: ref.version,
          namespace: ref.namespace,
          plural: ref.plural,
          labelSelector,
        },
        callOptions(signal),
      ),
    )
    const items = object(body, what).items
    if (!Array.isArray(items)) {
      throw new AutopilotError('AP_ERR_KUBERNETES', `${what}: the answer has no items list`, {
        retryable: true,
      })
    }
    return items.map((item) => object(item, what))
  }

  async create(ref: CollectionRef, body: Json, options: WriteOptions): Promise<Json> {
    const what = `creating a ${ref.kind} in ${ref.namespace}`
    const created = await this.#run(what, ref, options.signal, undefined, () =>
      this.#api.createNamespacedCustomObject(
        {
          group: ref.group,
          version: ref.version,
          namespace: ref.namespace,
          plural: ref.plural,
          body,
          fieldManager: this.#fieldManager,
          dryRun: options.dryRun ? 'All' : undefined,
        },
        callOptions(options.signal),
      ),
    )
    return object(created, what)
  }

  /** `merge`: RFC 7386 object; `json`: RFC 6902 operations. */
  async patch(ref: ObjectRef, patch: Json | PatchOp[], options: WriteOptions, field?: string): Promise<Json> {
    const type = Array.isArray(patch) ? PatchStrategy.JsonPatch : PatchStrategy.MergePatch
    const patched = await this.#run(`patching ${describeObject(ref)}`, ref, options.signal, field, () =>
      this.#api.patchNamespacedCustomObject(
        {
          ...params(ref),
          body: patch,
          fieldManager: this.#fieldManager,
          dryRun: options.dryRun ? 'All' : undefined,
        },
        callOptions(options.signal, type),
      ),
    )
    return object(patched, describeObject(ref))
  }

  async delete(ref: ObjectRef, options: WriteOptions): Promise<void> {
    await this.#run(`deleting ${describeObject(ref)}`, ref, options.signal, undefined, () =>
      this.#api.deleteNamespacedCustomObject(
        { ...params(ref), dryRun: options.dryRun ? 'All' : undefined },
        callOptions(options.signal),
      ),
    )
  }

  async #run<T>(
    what: string,
    ref: CollectionRef,
    signal: AbortSignal | undefined,
    field: string | undefined,
    request: () => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted()
    try {
      return await request()
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      throw translate(err, what, ref, field)
    }
  }
}

function params(ref: ObjectRef) {
  const { group, version, namespace, plural, name } = ref
  return { group, version, namespace, plural, name }
}

function object(body: unknown, what: string): Json {
  const record = asRecord(body)
  if (!record) {
    throw new AutopilotError(
      'AP_ERR_KUBERNETES',
      `${what}: the API server answered with something that is not an object`,
      {
        retryable: true,
      },
    )
  }
  return record
}

function translate(
  err: unknown,
  what: string,
  ref: CollectionRef,
  field: string | undefined,
): AutopilotError {
  if (err instanceof ApiException && err.code === 404) {
    const status = parseStatusBody(err.body)
    const details = asRecord(asRecord(typeof err.body === 'string' ? safeParse(err.body) : err.body)?.details)
    if (typeof details?.name !== 'string' || details.name === '') {
      // No object named: the URL itself is unknown, so the API server does not serve this resource.
      return new AutopilotError(
        'AP_ERR_KUBERNETES',
        `${what}: the API server does not serve ${ref.plural}.${ref.group}/${ref.version} (${status?.message ?? 'HTTP 404'})`,
        {
          details: { httpStatus: 404 },
          hint: `is the ${ref.kind} CRD installed, and is ${ref.group}/${ref.version} one of its served versions?`,
        },
      )
    }
  }
  return kubernetesError(err, what, field)
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function isConflict(err: unknown): boolean {
  return AutopilotError.is(err) && err.code === 'AP_ERR_CONFLICT' && err.details?.httpStatus === 409
}

/**
 * Runs `edit` (which must re-read what it changes) and retries it when the write hit 409 Conflict, at most
 * `attempts` times in all. Someone else changed the object between our read and our write; the next round
 * computes the change again from the new version.
 */
export async function withConflictRetry<T>(
  attempts: number,
  what: string,
  edit: () => Promise<T>,
  onRetry?: (attempt: number, err: AutopilotError) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await edit()
    } catch (err) {
      if (!isConflict(err)) throw err
      if (attempt >= attempts) {
        throw new AutopilotError('AP_ERR_CONFLICT', `${what}: still conflicting after ${attempts} attempts`, {
          retryable: true,
          cause: err,
          hint: 'another controller or user keeps changing the object; try again later',
        })
      }
      onRetry?.(attempt, err as AutopilotError)
    }
  }
}

/** Reads a KubeConfig the way the kubernetes target does, with the same config errors. */
export function loadKubeConfig(field: string, context: string | undefined, given?: KubeConfig): KubeConfig {
  let kc = given
  if (!kc) {
    kc = new KubeConfig()
    try {
      kc.loadFromDefault()
    } catch (err) {
      throw new AutopilotError('AP_ERR_CONFIG', `cannot load a kubeconfig: ${String(err)}`, {
        field,
        hint: 'set KUBECONFIG, or run inside a cluster with a service account',
        cause: err,
      })
    }
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      throw new AutopilotError('AP_ERR_CONFIG', `kubeconfig has no context "${context}"`, {
        field: `${field}.context`,
      })
    }
    kc.setCurrentContext(context)
  }
  if (!kc.getCurrentCluster()) {
    throw new AutopilotError('AP_ERR_CONFIG', 'the kubeconfig has no current cluster', {
      field,
      hint: 'set KUBECONFIG or current-context',
    })
  }
  return kc
}

/** The namespace to use: the option, else the kubeconfig context's, else `default`. */
export function namespaceOf(kc: KubeConfig, namespace: string | undefined): string {
  return namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default'
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

export const objectName = () =>
  z
    .string({ error: 'must be a string' })
    .max(253, { error: 'must be at most 253 characters' })
    .regex(DNS_SUBDOMAIN, { error: 'must be a Kubernetes object name (lowercase letters, digits, - and .)' })

/** Options every Kubernetes broker backend takes. */
export const kubeOptionsShape = {
  namespace: z
    .string({ error: 'must be a string' })
    .max(63, { error: 'must be at most 63 characters' })
    .regex(DNS_LABEL, { error: 'must be a Kubernetes namespace name' })
    .optional(),
  context: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
  fieldManager: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(128, { error: 'must be at most 128 characters' })
    // The API server requires printable characters.
    .regex(/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u, { error: 'must contain printable characters only' })
    .default('kafka-autopilot'),
  pollIntervalMs: durationMs('pollIntervalMs').default(5_000),
  conflictRetries: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .max(20, { error: 'must be at most 20' })
    .default(5),
}
