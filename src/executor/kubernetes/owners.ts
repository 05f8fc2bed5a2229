// Who else scales this resource. An HPA (autoscaling/v2) or a KEDA ScaledObject that targets it reverts any
// replica count we set, and the two controllers would flap the consumer group through endless rebalances,
// so the target refuses to act and names the owner instead.
import { AutoscalingV2Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { AutopilotError } from '../../errors.ts'
import { asRecord, call, callOptions as withSignal } from './client.ts'
import { describeRef, type ResourceRef } from './resource.ts'

export interface ScaleOwner {
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject'
  namespace: string
  name: string
}

const groupOf = (apiVersion: unknown) =>
  typeof apiVersion === 'string' && apiVersion.includes('/')
    ? apiVersion.slice(0, apiVersion.indexOf('/'))
    : ''

/** Whether a `scaleTargetRef` points at `ref` (same group, kind and name; the version may differ). */
function targets(
  scaleTargetRef: unknown,
  ref: ResourceRef,
  defaults: { kind?: string; apiVersion?: string },
) {
  const target = asRecord(scaleTargetRef)
  if (!target) return false
  const kind = target.kind ?? defaults.kind
  const apiVersion = target.apiVersion ?? defaults.apiVersion
  return target.name === ref.name && kind === ref.kind && groupOf(apiVersion) === ref.group
}

/**
 * The first owner found in the namespace's HPAs and ScaledObjects, or undefined. A ScaledObject is named
 * rather than the HPA KEDA generated for it (`keda-hpa-…`), since that is the object a user edits.
 */
export function findOwner(
  ref: ResourceRef,
  hpas: unknown[],
  scaledObjects: unknown[],
): ScaleOwner | undefined {
  for (const item of scaledObjects) {
    const so = asRecord(item)
    // KEDA defaults scaleTargetRef to an apps/v1 Deployment.
    if (
      so &&
      targets(asRecord(so.spec)?.scaleTargetRef, ref, { kind: 'Deployment', apiVersion: 'apps/v1' })
    ) {
      return { kind: 'ScaledObject', namespace: ref.namespace, name: String(asRecord(so.metadata)?.name) }
    }
  }
  for (const item of hpas) {
    const hpa = asRecord(item)
    if (!hpa || !targets(asRecord(hpa.spec)?.scaleTargetRef, ref, {})) continue
    const metadata = asRecord(hpa.metadata)
    const owners = Array.isArray(metadata?.ownerReferences) ? metadata.ownerReferences : []
    const so = owners
      .map(asRecord)
      .find((o) => o?.kind === 'ScaledObject' && groupOf(o.apiVersion) === 'keda.sh')
    if (so) return { kind: 'ScaledObject', namespace: ref.namespace, name: String(so.name) }
    return { kind: 'HorizontalPodAutoscaler', namespace: ref.namespace, name: String(metadata?.name) }
  }
  return undefined
}

export function ownerConflict(ref: ResourceRef, owner: ScaleOwner, field: string): AutopilotError {
  const by = owner.kind === 'ScaledObject' ? 'KEDA ScaledObject' : 'HorizontalPodAutoscaler'
  return new AutopilotError(
    'AP_ERR_CONFLICT',
    `${describeRef(ref)} is already scaled by ${by} ${owner.namespace}/${owner.name}; Autopilot will not fight it`,
    {
      field,
      details: { owner },
      hint:
        owner.kind === 'ScaledObject'
          ? 'delete the ScaledObject (or let KEDA keep scaling and drop this scaler)'
          : 'delete the HPA, or change its min/max instead of scaling the target directly',
    },
  )
}

/** Lists HPAs and ScaledObjects in the target's namespace; a missing KEDA CRD (404) means none. */
export async function fetchOwner(kc: KubeConfig, ref: ResourceRef, signal?: AbortSignal) {
  const { namespace } = ref
  const hpaList = await call(`listing HorizontalPodAutoscalers in ${namespace}`, signal, () =>
    kc
      .makeApiClient(AutoscalingV2Api)
      .listNamespacedHorizontalPodAutoscaler({ namespace }, withSignal(signal)),
  )
  const custom = kc.makeApiClient(CustomObjectsApi)
  let scaledObjects: unknown[] = []
  try {
    const list = await call(`listing KEDA ScaledObjects in ${namespace}`, signal, () =>
      custom.listNamespacedCustomObject(
        { group: 'keda.sh', version: 'v1alpha1', namespace, plural: 'scaledobjects' },
        withSignal(signal),
      ),
    )
    scaledObjects = listItems(list, `KEDA ScaledObjects in ${namespace}`)
  } catch (err) {
    if (!(AutopilotError.is(err) && err.code === 'AP_ERR_NOT_FOUND')) throw err
  }
  return findOwner(ref, listItems(hpaList, `HorizontalPodAutoscalers in ${namespace}`), scaledObjects)
}

function listItems(list: unknown, what: string): unknown[] {
  const items = asRecord(list)?.items
  if (!Array.isArray(items)) {
    throw new AutopilotError('AP_ERR_KUBERNETES', `the API server's list of ${what} has no items`, {
      retryable: true,
    })
  }
  return items
}
