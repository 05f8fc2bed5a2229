import { minReplicasOf } from '../model.ts'
import type { IntOrPercent, Pdb } from '../objects.ts'
import { sameNamespace, selectorMatches } from '../selectors.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'

const isZero = (v: IntOrPercent | undefined) =>
  v !== undefined && ('int' in v ? v.int === 0 : v.percent === 0)
const isAll = (v: IntOrPercent | undefined) => v !== undefined && 'percent' in v && v.percent >= 100

/** Replace the policy with maxUnavailable 1 (and drop minAvailable: a PDB may set only one of the two). */
function relax(pdb: Pdb): FixAction[] {
  const actions: FixAction[] = [
    {
      type: 'set',
      resource: pdb.resource,
      path: ['spec', 'maxUnavailable'],
      value: 1,
      note: 'one pod at a time',
    },
  ]
  if (pdb.minAvailable !== undefined) {
    actions.push({
      type: 'set',
      resource: pdb.resource,
      path: ['spec', 'minAvailable'],
      value: undefined,
      note: 'replaced by maxUnavailable',
    })
  }
  return actions
}

export const pdbAllowsDisruption: AuditRule = {
  id: 'pdb-allows-disruption',
  severity: 'warning',
  title: 'PodDisruptionBudgets set a policy that allows at least one eviction',
  why:
    'A budget of maxUnavailable 0, minAvailable 100 %, or minAvailable at or above the replica count blocks ' +
    'every voluntary eviction: node drains hang and cluster upgrades stall until someone deletes the budget.',
  equivalent: [
    'kube-score: poddisruptionbudget-has-policy',
    'Polaris: pdbDisruptionsIsZero',
    'Polaris: pdbMinAvailableGreaterThanHPAMinReplicas',
    'kube-linter: pdb-max-unavailable',
    'kube-linter: pdb-min-available',
  ],
  fix: 'Sets maxUnavailable 1 (and removes minAvailable) on the budget; Strimzi: template.podDisruptionBudget.maxUnavailable 1.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const pdb of stack.pdbs) {
      const hit = (path: string[], message: string) =>
        hits.push({ resource: pdb.resource, path, message, fix: relax(pdb) })
      const name = `PodDisruptionBudget ${pdb.resource.name}`
      if (pdb.minAvailable === undefined && pdb.maxUnavailable === undefined) {
        hit(['spec'], `${name} sets neither minAvailable nor maxUnavailable`)
      } else if (isZero(pdb.maxUnavailable)) {
        hit(['spec', 'maxUnavailable'], `${name} has maxUnavailable 0: no pod can ever be evicted`)
      } else if (isAll(pdb.minAvailable)) {
        hit(['spec', 'minAvailable'], `${name} has minAvailable 100%: no pod can ever be evicted`)
      } else if (pdb.minAvailable !== undefined && 'int' in pdb.minAvailable) {
        const min = pdb.minAvailable.int
        for (const w of stack.workloads) {
          const replicas = minReplicasOf(stack, w)
          if (
            pdb.selector === undefined ||
            replicas === null ||
            !sameNamespace(pdb.resource.namespace, w.resource.namespace)
          )
            continue
          if (!selectorMatches(pdb.selector, w.podLabels) || min < replicas) continue
          hit(
            ['spec', 'minAvailable'],
            `${name} has minAvailable ${min} while ${w.kind} ${w.resource.name} runs ${replicas} replica(s): no eviction is allowed`,
          )
          break
        }
      }
    }
    const seen = new Set<string>() // Strimzi node pools share the Kafka CR's budget: report it once
    for (const cluster of stack.kafka) {
      for (const group of cluster.groups) {
        if (group.disruptionBudget !== 'blocking') continue
        const { resource, path } = group.disruptionBudgetAt
        if (seen.has(`${resource.key}${path.join('/')}`)) continue
        seen.add(`${resource.key}${path.join('/')}`)
        const field = cluster.flavour === 'koperator' ? 'budget' : 'maxUnavailable'
        const value = cluster.flavour === 'koperator' ? '1' : 1
        hits.push({
          resource,
          path,
          label: group.label,
          message: `${group.label}: the operator's PodDisruptionBudget allows no eviction`,
          fix: [{ type: 'set', resource, path: [...path, field], value, note: 'one broker at a time' }],
        })
      }
    }
    return hits
  },
}
