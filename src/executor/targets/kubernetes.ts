// `kubernetes` target: sets `spec.replicas` through the /scale subresource of a Deployment, StatefulSet,
// ReplicaSet or any custom resource that declares one, with a JSON merge patch:
//   PATCH /apis/{group}/{version}/namespaces/{ns}/{plural}/{name}/scale?fieldManager=…[&dryRun=All]
//   Content-Type: application/merge-patch+json   {"spec":{"replicas":N}}
// The scale subresource needs only `<plural>/scale` RBAC and never touches the pod template. One code path
// (CustomObjectsApi) serves built-in and custom kinds alike: the URLs are the same shape.
import { CustomObjectsApi, KubeConfig, PatchStrategy } from '@kubernetes/client-node'
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import { call, callOptions } from '../kubernetes/client.ts'
import { fetchOwner, ownerConflict } from '../kubernetes/owners.ts'
import {
  describeRef,
  parseReady,
  parseScale,
  type ResourceRef,
  resolveResource,
} from '../kubernetes/resource.ts'
import { checkReplicas, parseOptions } from '../options.ts'
import type { ScaleOptions, ScaleResult, ScaleTarget, TargetDeps, TargetState } from '../target.ts'

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

export const kubernetesOptionsSchema = z.strictObject({
  kind: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Z][A-Za-z0-9]*$/, { error: 'must be a Kubernetes kind such as Deployment' })
    .default('Deployment'),
  name: z
    .string({ error: 'must be a string' })
    .max(253, { error: 'must be at most 253 characters' })
    .regex(DNS_SUBDOMAIN, { error: 'must be a Kubernetes object name (lowercase letters, digits, - and .)' }),
  namespace: z
    .string({ error: 'must be a string' })
    .max(63, { error: 'must be at most 63 characters' })
    .regex(DNS_LABEL, { error: 'must be a Kubernetes namespace name' })
    .optional(),
  apiVersion: z
    .string({ error: 'must be a string' })
    .regex(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/, { error: 'must be group/version, e.g. apps/v1' })
    .optional(),
  plural: z
    .string({ error: 'must be a string' })
    .regex(DNS_LABEL, { error: 'must be a lowercase resource name, e.g. kafkanodepools' })
    .optional(),
  fieldManager: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(128, { error: 'must be at most 128 characters' })
    // The API server requires printable characters (Go's unicode.IsPrint).
    .regex(/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u, { error: 'must contain printable characters only' })
    .default('kafka-autopilot'),
  dryRun: z.boolean({ error: 'must be true or false' }).default(false),
  context: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
})

export type KubernetesTargetOptions = z.input<typeof kubernetesOptionsSchema>
type Options = z.output<typeof kubernetesOptionsSchema>

export class KubernetesTarget implements ScaleTarget {
  readonly kind = 'kubernetes' as const
  readonly name: string
  readonly ref: ResourceRef
  readonly #options: Options
  readonly #field: string
  readonly #kc: KubeConfig
  readonly #leader: TargetDeps['leader']
  readonly #api: CustomObjectsApi
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: Options, deps: TargetDeps) {
    this.#options = options
    this.#field = deps.field ?? 'target'
    this.#leader = deps.leader
    this.#kc = deps.kubeConfig ?? loadKubeConfig(this.#field)
    if (options.context !== undefined) {
      if (!this.#kc.getContextObject(options.context)) {
        throw new AutopilotError('AP_ERR_CONFIG', `kubeconfig has no context "${options.context}"`, {
          field: `${this.#field}.context`,
        })
      }
      this.#kc.setCurrentContext(options.context)
    }
    const namespace =
      options.namespace ?? this.#kc.getContextObject(this.#kc.getCurrentContext())?.namespace ?? 'default'
    this.ref = resolveResource({ ...options, namespace }, this.#field)
    this.#api = this.#kc.makeApiClient(CustomObjectsApi)
    this.name = describeRef(this.ref)
  }

  async describe(signal?: AbortSignal): Promise<TargetState> {
    const { desired, current } = await this.#readScale(signal)
    const body = await call(`reading ${this.name}`, signal, () =>
      this.#api.getNamespacedCustomObject(this.#params(), callOptions(signal)),
    )
    return { desired, current, ready: parseReady(body, this.ref, current) }
  }

  async scale(replicas: number, options: ScaleOptions): Promise<ScaleResult> {
    checkReplicas(replicas)
    const run = this.#queue.then(() => this.#scale(replicas, options))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    await this.#queue
  }

  async #scale(replicas: number, { signal, ...options }: ScaleOptions): Promise<ScaleResult> {
    const dryRun = options.dryRun || this.#options.dryRun
    // A dry run changes nothing, so a follower may still preview; a real write needs the lease.
    if (!dryRun && this.#leader && !this.#leader.isLeader()) {
      throw new AutopilotError(
        'AP_ERR_CONFLICT',
        `${this.name}: not the leader; another Autopilot replica acts`,
        {
          retryable: true,
        },
      )
    }
    const owner = await fetchOwner(this.#kc, this.ref, signal)
    if (owner) throw ownerConflict(this.ref, owner, this.#field)
    const before = await this.#readScale(signal)
    const base = { kind: this.kind, target: this.name, previous: before.desired, replicas, dryRun }
    if (before.desired === replicas)
      return { ...base, applied: false, message: `already at ${replicas} replicas` }
    const answer = await call(
      `patching the scale of ${this.name}`,
      signal,
      () =>
        this.#api.patchNamespacedCustomObjectScale(
          {
            ...this.#params(),
            body: { spec: { replicas } },
            fieldManager: this.#options.fieldManager,
            dryRun: dryRun ? 'All' : undefined,
          },
          // The generated client prefers json-patch; a merge patch must say so.
          callOptions(signal, PatchStrategy.MergePatch),
        ),
      this.#field,
    )
    const after = parseScale(answer, this.ref)
    if (after.desired !== replicas) {
      throw new AutopilotError(
        'AP_ERR_KUBERNETES',
        `${this.name}: the API server accepted the patch but reports spec.replicas ${after.desired}, not ${replicas}`,
        { retryable: true, hint: 'an admission webhook or another controller may be rewriting replicas' },
      )
    }
    const verb = dryRun ? 'would set' : 'set'
    return { ...base, applied: !dryRun, message: `${verb} replicas ${before.desired} → ${replicas}` }
  }

  async #readScale(signal: AbortSignal | undefined) {
    const body = await call(
      `reading the scale of ${this.name}`,
      signal,
      () => this.#api.getNamespacedCustomObjectScale(this.#params(), callOptions(signal)),
      `${this.#field}.name`,
    )
    return parseScale(body, this.ref)
  }

  #params() {
    const { group, version, namespace, plural, name } = this.ref
    return { group, version, namespace, plural, name }
  }
}

function loadKubeConfig(field: string): KubeConfig {
  const kc = new KubeConfig()
  try {
    kc.loadFromDefault()
  } catch (err) {
    throw new AutopilotError('AP_ERR_CONFIG', `cannot load a kubeconfig: ${String(err)}`, {
      field,
      hint: 'set KUBECONFIG, or run inside a cluster with a service account',
      cause: err,
    })
  }
  if (!kc.getCurrentCluster()) {
    throw new AutopilotError('AP_ERR_CONFIG', 'the kubeconfig has no current cluster', {
      field,
      hint: 'set KUBECONFIG or current-context',
    })
  }
  return kc
}

export function createKubernetesTarget(options: unknown, deps: TargetDeps = {}): KubernetesTarget {
  return new KubernetesTarget(
    parseOptions(kubernetesOptionsSchema, options, deps.field ?? 'target', 'kubernetes'),
    deps,
  )
}
