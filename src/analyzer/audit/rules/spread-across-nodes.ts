import { asArray, get } from '../access.ts'
import { hostAntiAffinityTerm, selectorLabels } from '../fix/objects.ts'
import { spreadsAcrossNodes } from '../kafka-model.ts'
import { maxReplicasOf } from '../model.ts'
import type { AuditRule, RuleHit } from '../types.ts'
import { POD_SPEC_PATH } from '../workloads.ts'

const PREFERRED = ['affinity', 'podAntiAffinity', 'preferredDuringSchedulingIgnoredDuringExecution']

export const spreadAcrossNodes: AuditRule = {
  id: 'spread-across-nodes',
  severity: 'warning',
  title: 'Replicas spread across nodes (pod anti-affinity or topology spread)',
  why:
    'Without a pod anti-affinity or topology spread constraint on kubernetes.io/hostname, the scheduler may ' +
    'put every replica on one node, and that node failing or being drained takes the whole service down.',
  equivalent: [
    'kube-score: deployment-has-host-podantiaffinity',
    'kube-score: statefulset-has-host-podantiaffinity',
    'Polaris: topologySpreadConstraint',
    'kube-linter: no-anti-affinity',
  ],
  fix: 'Adds a preferred pod anti-affinity term on kubernetes.io/hostname (Strimzi: in the pod template; Koperator: oneBrokerPerNode).',
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      if (w.kind === 'DaemonSet') continue
      const max = maxReplicasOf(stack, w)
      if (max === null || max < 2 || spreadsAcrossNodes(w.pod)) continue
      const path = [...POD_SPEC_PATH, ...PREFERRED]
      const existing = asArray(get(w.resource.object, path))
      hits.push({
        resource: w.resource,
        path: [...POD_SPEC_PATH],
        message: `${w.kind} ${w.resource.name} (up to ${max} replicas) has no anti-affinity or topology spread on kubernetes.io/hostname`,
        fix: [
          {
            type: 'set',
            resource: w.resource,
            path,
            value: [...existing, hostAntiAffinityTerm(selectorLabels(w))],
            note: 'spread replicas over nodes',
          },
        ],
      })
    }
    for (const cluster of stack.kafka) {
      for (const group of cluster.groups) {
        if (group.spreadsAcrossNodes || group.replicas === null || group.replicas < 2) continue
        let fix: RuleHit['fix'] = []
        if (group.podTemplateAt !== null) {
          const { resource, path } = group.podTemplateAt
          const existing = asArray(get(resource.object, [...path, ...PREFERRED]))
          fix = [
            {
              type: 'set',
              resource,
              path: [...path, ...PREFERRED],
              value: [...existing, hostAntiAffinityTerm(group.podLabels)],
              note: 'spread pods over nodes',
            },
          ]
        } else if (cluster.flavour === 'koperator') {
          fix = [
            {
              type: 'set',
              resource: cluster.resource,
              path: ['spec', 'oneBrokerPerNode'],
              value: true,
              note: 'one broker per node',
            },
          ]
        }
        hits.push({
          resource: group.replicasAt.resource,
          path: group.replicasAt.path,
          label: group.label,
          message: `${group.label} (${group.replicas} pods) has no anti-affinity or topology spread on kubernetes.io/hostname`,
          fix,
        })
      }
    }
    return hits
  },
}
