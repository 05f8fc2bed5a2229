import { asArray, asRecord, get } from '../access.ts'
import { isDataStoreImage } from '../images.ts'
import type { AuditRule, RuleHit } from '../types.ts'
import { POD_SPEC_PATH, type Workload } from '../workloads.ts'

function hasPersistentVolume(w: Workload): boolean {
  if (asArray(get(w.resource.object, ['spec', 'volumeClaimTemplates'])).length > 0) return true
  return asArray(w.pod.volumes).some((v) => asRecord(v)?.persistentVolumeClaim !== undefined)
}

export const persistentStorage: AuditRule = {
  id: 'persistent-storage',
  severity: 'critical',
  title: 'Persistent volumes for stateful services',
  why:
    'A data store on emptyDir or ephemeral storage loses its data whenever the pod is rescheduled, which ' +
    'node drains and scale-outs do routinely; for Kafka it turns every restart into a full replica rebuild.',
  equivalent: [],
  fix: null,
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      // A StatefulSet of a cache image (redis as a cache) may be ephemeral on purpose.
      const stateful =
        w.containers.some((c) => isDataStoreImage(c.image)) || (w.kind === 'StatefulSet' && !w.cache)
      if (!stateful || hasPersistentVolume(w)) continue
      hits.push({
        resource: w.resource,
        path: w.kind === 'StatefulSet' ? ['spec'] : [...POD_SPEC_PATH],
        message: `${w.kind} ${w.resource.name} keeps state but has no volumeClaimTemplates or PersistentVolumeClaim volume`,
      })
    }
    for (const cluster of stack.kafka) {
      for (const group of cluster.groups) {
        if (group.storage === 'persistent') continue
        hits.push({
          resource: group.storageAt.resource,
          path: group.storageAt.path,
          label: group.label,
          message: `${group.label}: storage is ${group.storage === 'missing' ? 'not set' : 'ephemeral'}; use persistent-claim volumes`,
        })
      }
    }
    return hits
  },
}
