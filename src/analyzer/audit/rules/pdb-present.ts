import { freeName, podDisruptionBudget } from '../fix/objects.ts'
import { maxReplicasOf, pdbsOf } from '../model.ts'
import type { AuditRule, RuleHit } from '../types.ts'

export const pdbPresent: AuditRule = {
  id: 'pdb-present',
  severity: 'warning',
  title: 'A PodDisruptionBudget for every multi-replica workload',
  why:
    'Node drains (upgrades, autoscaler scale-down) evict pods without regard for the service unless a ' +
    'PodDisruptionBudget says how many may go at once; without one, all replicas can be evicted together.',
  equivalent: [
    'kube-score: deployment-has-poddisruptionbudget',
    'kube-score: statefulset-has-poddisruptionbudget',
    'Polaris: missingPodDisruptionBudget',
  ],
  fix: 'Writes a PodDisruptionBudget with maxUnavailable 1 selecting the workload pods. Koperator: sets spec.disruptionBudget.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      if (w.kind === 'DaemonSet' || w.kind === 'ReplicaSet') continue
      const max = maxReplicasOf(stack, w)
      if (max === null || max < 2 || pdbsOf(stack, w).length > 0) continue
      const name = freeName(stack.resources, 'PodDisruptionBudget', w.resource.namespace, w.resource.name)
      hits.push({
        resource: w.resource,
        path: ['spec', 'replicas'],
        message: `${w.kind} ${w.resource.name} runs up to ${max} replicas and no PodDisruptionBudget selects its pods`,
        fix: [{ type: 'create', file: 'poddisruptionbudgets', object: podDisruptionBudget(w, name) }],
      })
    }
    for (const cluster of stack.kafka) {
      if (cluster.flavour !== 'koperator') continue
      const group = cluster.groups.find((g) => g.disruptionBudget === 'none')
      if (group === undefined) continue
      const { resource, path } = group.disruptionBudgetAt
      hits.push({
        resource,
        path,
        message: `KafkaCluster ${cluster.name} does not ask Koperator for a PodDisruptionBudget (spec.disruptionBudget.create)`,
        fix: [
          { type: 'set', resource, path, value: { create: true, budget: '1' }, note: 'one broker at a time' },
        ],
      })
    }
    return hits
  },
}
