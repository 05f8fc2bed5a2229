import { consumerOf } from '../model.ts'
import { autoscalerFields } from '../objects.ts'
import { sameNamespace } from '../selectors.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'

export const autoscalerBounds: AuditRule = {
  id: 'autoscaler-bounds',
  severity: 'warning',
  title: 'Autoscalers with sane bounds and an existing target',
  why:
    'An HPA with minReplicas 1 leaves a single pod to fail or be evicted; maxReplicas not above minReplicas ' +
    'means it never scales; a target that does not exist scales nothing. Kafka consumers may scale down to ' +
    'one replica (or zero) because the group rebalances their partitions.',
  equivalent: [
    'Polaris: hpaMinAvailability',
    'Polaris: hpaMaxAvailability',
    'kube-score: horizontalpodautoscaler-has-target',
  ],
  fix: 'Raises minReplicas to 2 (not for consumers) and maxReplicas to 3× min when it does not exceed min.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const a of stack.autoscalers) {
      const hpa = a.kind === 'HorizontalPodAutoscaler'
      const { base, min: minField, max: maxField, label } = autoscalerFields(a)
      const target = stack.workloads.find(
        (w) =>
          w.kind === a.targetKind &&
          w.resource.name === a.targetName &&
          sameNamespace(a.namespace, w.resource.namespace),
      )
      if (target === undefined) {
        hits.push({
          resource: a.resource,
          path: a.kind === 'AutopilotScaler' ? [...base, 'target'] : ['spec', 'scaleTargetRef'],
          severity: 'info',
          message: `${label} targets ${a.targetKind} ${a.targetName}, which is not in the input`,
        })
      }
      const consumer = target !== undefined && consumerOf(stack, target) !== null
      const wantMin = hpa && !consumer ? Math.max(2, a.minReplicas) : a.minReplicas
      const max = a.maxReplicas ?? 0
      const fix: FixAction[] = []
      const problems: string[] = []
      if (wantMin !== a.minReplicas) {
        problems.push(`${minField} ${a.minReplicas} leaves a single pod`)
        fix.push({
          type: 'set',
          resource: a.resource,
          path: [...base, minField],
          value: wantMin,
          note: 'at least 2 replicas',
        })
      }
      if (max <= wantMin) {
        problems.push(`${maxField} ${max} is not above ${minField} ${wantMin}`)
        fix.push({
          type: 'set',
          resource: a.resource,
          path: [...base, maxField],
          value: Math.max(wantMin * 3, wantMin + 1),
          note: 'room to scale',
        })
      }
      if (problems.length === 0) continue
      hits.push({
        resource: a.resource,
        path: [...base, problems[0]!.startsWith(minField) ? minField : maxField],
        message: `${label}: ${problems.join('; ')}`,
        fix,
      })
    }
    return hits
  },
}
