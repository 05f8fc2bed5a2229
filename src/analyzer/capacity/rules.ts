// Rules for `autopilot plan scale-out`: which values keys hold replica counts and partitions, and which
// services must not scale with the node count. A rules file replaces the defaults key by key
// (`autopilot plan scale-out --print-rules` prints them to start from).
import { parseDocument } from 'yaml'
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'

const patterns = z.array(z.string().min(1), { error: 'must be a list of names or patterns' })

const rulesSchema = z.strictObject({
  replicaKeys: patterns.optional(),
  autoscalingKeys: patterns.optional(),
  partitionKeys: patterns.optional(),
  nodeCountKeys: patterns.optional(),
  quorum: z
    .strictObject({
      size: z
        .number({ error: 'must be a number' })
        .int({ error: 'must be a whole number' })
        .min(1, { error: 'must be at least 1' })
        .refine((n) => n % 2 === 1, {
          error: 'must be odd: a quorum of an even size tolerates no more failures',
        })
        .optional(),
      match: patterns.optional(),
    })
    .optional(),
  singletons: patterns.optional(),
  ignore: patterns.optional(),
  fixed: z
    .record(z.string(), z.number().int().min(0), { error: 'must map value paths to replica counts' })
    .optional(),
  topics: z
    .strictObject({ keyed: patterns.optional(), unkeyed: patterns.optional(), skip: patterns.optional() })
    .optional(),
  pinot: z
    .strictObject({
      controller: z.string().nullable().optional(),
      tables: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            type: z.enum(['OFFLINE', 'REALTIME']).default('REALTIME'),
          }),
        )
        .optional(),
    })
    .optional(),
})

export interface ScaleRules {
  /** Keys whose integer value is a replica count (`replicaCount`, `replicas`). */
  replicaKeys: string[]
  /** Keys of autoscaler bounds, scaled the same way (`minReplicas`, `maxReplicas`). */
  autoscalingKeys: string[]
  /** Keys holding a topic's partition count. */
  partitionKeys: string[]
  /** Keys holding the node count itself (charts sized by `global.numNodes`): set to N+M. */
  nodeCountKeys: string[]
  /** Coordination services: kept at `size` (an odd number), never scaled with the nodes. */
  quorum: { size: number; match: string[] }
  /** Services that never scale with the nodes: their count is kept as it is. */
  singletons: string[]
  /** Value paths not touched at all. */
  ignore: string[]
  /** Exact value paths (`a.b.replicaCount`) set to a given count. */
  fixed: Record<string, number>
  topics: { keyed: string[]; unkeyed: string[]; skip: string[] }
  pinot: { controller: string | null; tables: Array<{ name: string; type: 'OFFLINE' | 'REALTIME' }> }
}

export const DEFAULT_RULES: ScaleRules = {
  replicaKeys: ['replicaCount', 'replicas', 'replica_count'],
  autoscalingKeys: ['minReplicas', 'maxReplicas', 'minReplicaCount', 'maxReplicaCount'],
  partitionKeys: ['partitions', 'numPartitions', 'partitionCount', 'num_partitions'],
  nodeCountKeys: ['numNodes', 'nodeCount', 'num_nodes'],
  quorum: {
    size: 3,
    match: ['zookeeper', '*zookeeper*', 'kraft', 'kafka.controller', 'kafka.controllers', 'etcd', 'consul'],
  },
  singletons: [
    'redis',
    '*redis*',
    'postgresql',
    'postgres',
    'mysql',
    'mariadb',
    'configdb',
    'config-db',
    'configDatabase',
    'config-database',
    'grafana',
    'kube-state-metrics',
    'prometheus',
    'alertmanager',
  ],
  ignore: [],
  fixed: {},
  // Topics whose partition count must not change: Kafka's and Confluent's internal topics, Kafka Connect's
  // config topic (must stay at 1) and Kafka Streams' internal topics (sized by Streams to match its sources).
  topics: {
    keyed: [],
    unkeyed: [],
    skip: [
      '__*',
      '_schemas',
      '_confluent*',
      '*connect-configs*',
      '*connect-status*',
      '*connect-offsets*',
      '*-changelog',
      '*-repartition',
    ],
  },
  pinot: { controller: null, tables: [] },
}

/** Parses a rules file; keys it sets replace the defaults. Throws AP_ERR_CONFIG naming the field. */
export function parseScaleRules(text: string, file: string): ScaleRules {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  const yamlError = doc.errors[0]
  if (yamlError !== undefined) {
    throw new AutopilotError(
      'AP_ERR_CONFIG',
      `${file}:${yamlError.linePos?.[0].line ?? 1}: ${yamlError.message.split('\n')[0]}`,
      {
        field: '--rules',
      },
    )
  }
  const result = rulesSchema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const field = issue.path.map(String).join('.')
    const node = doc.getIn(issue.path as Array<string | number>, true) as
      | { range?: [number, number, number] }
      | undefined
    const line = node?.range ? text.slice(0, node.range[0]).split('\n').length : undefined
    throw new AutopilotError(
      'AP_ERR_CONFIG',
      `${file}${line ? `:${line}` : ''}: ${field || 'rules'}: ${issue.message}`,
      {
        field: field || '--rules',
      },
    )
  }
  const r = result.data
  return {
    replicaKeys: r.replicaKeys ?? DEFAULT_RULES.replicaKeys,
    autoscalingKeys: r.autoscalingKeys ?? DEFAULT_RULES.autoscalingKeys,
    partitionKeys: r.partitionKeys ?? DEFAULT_RULES.partitionKeys,
    nodeCountKeys: r.nodeCountKeys ?? DEFAULT_RULES.nodeCountKeys,
    quorum: {
      size: r.quorum?.size ?? DEFAULT_RULES.quorum.size,
      match: r.quorum?.match ?? DEFAULT_RULES.quorum.match,
    },
    singletons: r.singletons ?? DEFAULT_RULES.singletons,
    ignore: r.ignore ?? DEFAULT_RULES.ignore,
    fixed: r.fixed ?? DEFAULT_RULES.fixed,
    topics: {
      keyed: r.topics?.keyed ?? DEFAULT_RULES.topics.keyed,
      unkeyed: r.topics?.unkeyed ?? DEFAULT_RULES.topics.unkeyed,
      skip: r.topics?.skip ?? DEFAULT_RULES.topics.skip,
    },
    pinot: { controller: r.pinot?.controller ?? null, tables: r.pinot?.tables ?? [] },
  }
}

/**
 * A pattern is a dotted list of globs (`*` = any characters, case-insensitive) that must match consecutive
 * segments of the value path: `zookeeper` matches `pinot.zookeeper.replicaCount`, `kafka.controller` matches
 * `kafka.controller.replicaCount` but not `ingress.controller.replicaCount`.
 */
export function matchesPattern(pattern: string, segments: readonly string[]): boolean {
  const parts = pattern.split('.').map(globToRegExp)
  for (let start = 0; start + parts.length <= segments.length; start++) {
    if (parts.every((re, i) => re.test(segments[start + i]!))) return true
  }
  return false
}

export function matchesAny(patternList: readonly string[], segments: readonly string[]): string | undefined {
  return patternList.find((p) => matchesPattern(p, segments))
}

/** Whole-name glob match (topics). */
export function globMatches(pattern: string, name: string): boolean {
  return globToRegExp(pattern).test(name)
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')
  return new RegExp(`^${body}$`, 'i')
}
