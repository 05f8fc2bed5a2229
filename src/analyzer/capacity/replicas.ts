// New replica counts for a node pool growing from N to N+M nodes. Pure.
import { matchesAny, type ScaleRules } from './rules.ts'
import type { ScalarField } from './values-scan.ts'

export type ReplicaCategory = 'scaled' | 'quorum' | 'singleton' | 'fixed' | 'ignored' | 'disabled' | 'nodes'

export interface ReplicaChange {
  path: string
  pathSegments: Array<string | number>
  line: number
  /** The service the field belongs to: its path without the key. */
  service: string
  kind: 'replicas' | 'autoscaling' | 'nodes'
  category: ReplicaCategory
  from: number
  to: number
  reason: string
}

/** ceil(value × (N+M) / N) in integers, so 3 × 5/3 is exactly 5. */
export function scaleCount(value: number, nodes: number, add: number): number {
  return Math.floor((value * (nodes + add) + nodes - 1) / nodes)
}

export function planReplicas(
  fields: readonly ScalarField[],
  rules: ScaleRules,
  nodes: number,
  add: number,
): { changes: ReplicaChange[]; warnings: string[] } {
  const changes: ReplicaChange[] = []
  const warnings: string[] = []
  for (const field of fields) {
    const isReplica = rules.replicaKeys.includes(field.key)
    const isBound = rules.autoscalingKeys.includes(field.key)
    if (rules.nodeCountKeys.includes(field.key) && typeof field.value === 'number') {
      const path = field.path.map(String).join('.')
      if (field.value !== nodes)
        warnings.push(
          `${path} (line ${field.line}) says ${field.value} nodes, --nodes says ${nodes}; set to ${nodes + add}`,
        )
      const service = field.path.slice(0, -1).map(String).join('.') || '(top level)'
      changes.push({
        path,
        pathSegments: field.path,
        line: field.line,
        service,
        kind: 'nodes',
        category: 'nodes',
        from: field.value,
        to: nodes + add,
        reason: 'node count',
      })
      continue
    }
    if (!isReplica && !isBound) continue
    // `replicas` next to a partition count is a topic's replication factor, not a pod count.
    if (isReplica && rules.partitionKeys.some((k) => k in field.parent)) continue
    const path = field.path.map(String).join('.')
    if (typeof field.value !== 'number' || !Number.isInteger(field.value) || field.value < 0) {
      warnings.push(
        `${path} (line ${field.line}) is not a whole number (${JSON.stringify(field.value)}); left as it is`,
      )
      continue
    }
    const from = field.value
    const service = field.path.slice(0, -1).map(String).join('.') || '(top level)'
    const serviceSegments = field.segments.slice(0, -1)
    const base = {
      path,
      pathSegments: field.path,
      line: field.line,
      service,
      kind: isReplica ? ('replicas' as const) : ('autoscaling' as const),
      from,
    }
    const keep = (category: ReplicaCategory, reason: string) =>
      changes.push({ ...base, category, to: from, reason })

    const fixed = rules.fixed[path]
    if (fixed !== undefined) {
      changes.push({ ...base, category: 'fixed', to: fixed, reason: 'set by the rules file' })
      continue
    }
    const ignored = matchesAny(rules.ignore, field.segments)
    if (ignored !== undefined) {
      keep('ignored', `ignored (rule "${ignored}")`)
      continue
    }
    if (isBound && field.parent.enabled === false) {
      keep('disabled', 'autoscaling is disabled here')
      continue
    }
    if (from === 0) {
      keep('disabled', '0 replicas: switched off')
      continue
    }
    const singleton = matchesAny(rules.singletons, serviceSegments)
    if (singleton !== undefined) {
      keep('singleton', `singleton (rule "${singleton}"): does not scale with nodes`)
      continue
    }
    const quorum = matchesAny(rules.quorum.match, serviceSegments)
    if (quorum !== undefined) {
      const size = rules.quorum.size
      if (isBound || (from % 2 === 1 && from >= size)) {
        keep('quorum', `coordination quorum (rule "${quorum}"): stays at ${from}`)
      } else {
        changes.push({
          ...base,
          category: 'quorum',
          to: size,
          reason: `coordination quorum (rule "${quorum}"): set to ${size}`,
        })
        warnings.push(
          `${path} (line ${field.line}): quorum of ${from} becomes ${size}; changing a running quorum (ZooKeeper, KRaft controllers) needs its own procedure`,
        )
      }
      continue
    }
    const to = scaleCount(from, nodes, add)
    changes.push({ ...base, category: 'scaled', to, reason: `× ${nodes + add}/${nodes}, rounded up` })
  }
  return { changes, warnings }
}
