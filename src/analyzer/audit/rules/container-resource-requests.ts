import { asRecord, get } from '../access.ts'
import type { AuditRule, RuleHit } from '../types.ts'
import { POD_SPEC_PATH } from '../workloads.ts'

function missingRequests(requests: unknown): string[] {
  const record = asRecord(requests)
  return ['cpu', 'memory'].filter((r) => record?.[r] === undefined || record[r] === null || record[r] === '')
}

export const containerResourceRequests: AuditRule = {
  id: 'container-resource-requests',
  severity: 'warning',
  title: 'CPU and memory requests on every container',
  why:
    'The scheduler places pods by their requests, and a CPU-based HPA measures utilisation against them: ' +
    'without requests, pods crowd onto the same nodes and CPU autoscaling has nothing to compute.',
  equivalent: [
    'kube-score: container-resources',
    'Polaris: cpuRequestsMissing',
    'Polaris: memoryRequestsMissing',
    'kube-linter: unset-cpu-requirements',
    'kube-linter: unset-memory-requirements',
  ],
  fix: null,
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      for (const c of w.containers) {
        const missing = missingRequests(get(c.spec, ['resources', 'requests']))
        if (missing.length === 0) continue
        hits.push({
          resource: w.resource,
          path: [...POD_SPEC_PATH, 'containers', c.index, 'resources'],
          message: `${w.kind} ${w.resource.name}, container ${c.name}: no ${missing.join(' or ')} request`,
        })
      }
    }
    for (const cluster of stack.kafka) {
      for (const group of cluster.groups) {
        const missing = missingRequests(group.requests)
        if (missing.length === 0) continue
        hits.push({
          resource: group.resourcesAt.resource,
          path: group.resourcesAt.path,
          label: group.label,
          message: `${group.label}: no ${missing.join(' or ')} request`,
        })
      }
    }
    return hits
  },
}
