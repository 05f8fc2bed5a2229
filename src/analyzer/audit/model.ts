// The whole input as one indexed model ("stack"): rules ask it questions instead of scanning raw resources.
import { type AlertRule, readAlertRules } from './alerts.ts'
import {
  type KafkaCluster,
  type KafkaTopic,
  readKoperatorCluster,
  readStrimziCluster,
  readTopic,
  readWorkloadClusters,
} from './kafka-model.ts'
import {
  AUTOPILOT_CONFIG_KIND,
  type InputProblem,
  type ManifestResource,
  PROMETHEUS_RULE_FILE_KIND,
  resourceLabel,
} from './manifest.ts'
import {
  type Autoscaler,
  type Pdb,
  readAutopilotScalers,
  readAutoscaler,
  readPdb,
  readService,
  type Service,
} from './objects.ts'
import { sameNamespace, selectorMatches } from './selectors.ts'
import { type ConsumerInfo, readWorkload, WORKLOAD_KINDS, type Workload } from './workloads.ts'

export interface Stack {
  resources: ManifestResource[]
  workloads: Workload[]
  pdbs: Pdb[]
  autoscalers: Autoscaler[]
  services: Service[]
  kafka: KafkaCluster[]
  topics: KafkaTopic[]
  alertRules: AlertRule[]
  problems: InputProblem[]
}

/** Kinds read and understood without being audited themselves (so they are not reported as unknown). */
const PASSIVE_KINDS = new Set([
  'Namespace',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'Job',
  'CronJob',
  'Pod',
  'Endpoints',
  'EndpointSlice',
  'LimitRange',
  'ResourceQuota',
  'PriorityClass',
  'CustomResourceDefinition',
  'ServiceMonitor',
  'PodMonitor',
  'TriggerAuthentication',
  'ClusterTriggerAuthentication',
  'ScaledJob',
  'KafkaConnect',
  'KafkaConnector',
  'KafkaBridge',
  'KafkaMirrorMaker2',
  'KafkaRebalance',
  'Certificate',
  'Issuer',
  'ClusterIssuer',
  'Gateway',
  'HTTPRoute',
  'VerticalPodAutoscaler',
  'CruiseControlOperation',
  'KafkaUser',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'Alertmanager',
  'AlertmanagerConfig',
  'Prometheus',
  'VirtualService',
  'DestinationRule',
])

const AUDITED_KINDS = new Set<string>([
  ...WORKLOAD_KINDS,
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'ScaledObject',
  'Service',
  'Kafka',
  'KafkaNodePool',
  'KafkaCluster',
  'KafkaTopic',
  'PrometheusRule',
  PROMETHEUS_RULE_FILE_KIND,
  AUTOPILOT_CONFIG_KIND,
])

export function buildStack(resources: ManifestResource[], inputProblems: InputProblem[] = []): Stack {
  const problems = [...inputProblems]
  const missing = (r: ManifestResource, field: string) =>
    problems.push({
      type: 'invalid-resource',
      file: r.file,
      line: r.line,
      resource: resourceLabel(r),
      message: `${resourceLabel(r)} is missing ${field}; not audited`,
    })
  const ofKind = (...kinds: string[]) => resources.filter((r) => kinds.includes(r.kind))
  const workloads: Workload[] = []
  for (const r of ofKind(...WORKLOAD_KINDS)) {
    const w = readWorkload(r)
    if ('missing' in w) missing(r, w.missing)
    else workloads.push(w)
  }
  const autoscalers: Autoscaler[] = []
  for (const r of ofKind('HorizontalPodAutoscaler', 'ScaledObject')) {
    const a = readAutoscaler(r)
    if ('missing' in a) missing(r, a.missing)
    else autoscalers.push(a)
  }
  autoscalers.push(...ofKind(AUTOPILOT_CONFIG_KIND).flatMap(readAutopilotScalers))
  const pools = ofKind('KafkaNodePool').filter((r) => r.apiVersion.startsWith('kafka.strimzi.io'))
  const kafka = [
    ...ofKind('Kafka')
      .filter((r) => r.apiVersion.startsWith('kafka.strimzi.io'))
      .map((r) => readStrimziCluster(r, pools)),
    ...ofKind('KafkaCluster')
      .filter((r) => r.apiVersion.startsWith('kafka.banzaicloud.io'))
      .map(readKoperatorCluster),
    ...readWorkloadClusters(workloads),
  ]
  for (const r of resources) {
    if (!AUDITED_KINDS.has(r.kind) && !PASSIVE_KINDS.has(r.kind)) {
      problems.push({
        type: 'unknown-kind',
        file: r.file,
        line: r.line,
        resource: resourceLabel(r),
        message: `unknown kind ${r.kind} (${r.apiVersion}); not audited`,
      })
    }
  }
  return {
    resources,
    workloads,
    pdbs: ofKind('PodDisruptionBudget').map(readPdb),
    autoscalers,
    services: ofKind('Service').map(readService),
    kafka,
    topics: ofKind('KafkaTopic').map(readTopic),
    alertRules: ofKind('PrometheusRule', PROMETHEUS_RULE_FILE_KIND).flatMap(readAlertRules),
    problems,
  }
}

/** The HPA or ScaledObject that scales this workload, if any. */
export function autoscalerOf(stack: Stack, w: Workload): Autoscaler | undefined {
  return stack.autoscalers.find(
    (a) =>
      a.targetName === w.resource.name &&
      a.targetKind === w.kind &&
      sameNamespace(a.namespace, w.resource.namespace),
  )
}

export function pdbsOf(stack: Stack, w: Workload): Pdb[] {
  return stack.pdbs.filter(
    (p) =>
      p.selector !== undefined &&
      sameNamespace(p.resource.namespace, w.resource.namespace) &&
      selectorMatches(p.selector, w.podLabels),
  )
}

/** Highest replica count the workload can run at: the autoscaler's max, else spec.replicas. */
export function maxReplicasOf(stack: Stack, w: Workload): number | null {
  const a = autoscalerOf(stack, w)
  return a?.maxReplicas ?? w.replicas
}

/** Lowest replica count the workload runs at in steady state: the autoscaler's min, else spec.replicas. */
export function minReplicasOf(stack: Stack, w: Workload): number | null {
  const a = autoscalerOf(stack, w)
  return a === undefined ? w.replicas : a.minReplicas
}

/** What the workload consumes: from its env/annotations, completed by a ScaledObject Kafka trigger. */
export function consumerOf(stack: Stack, w: Workload): ConsumerInfo | null {
  const trigger = autoscalerOf(stack, w)?.kafkaTriggers[0]
  if (w.consumer === null && trigger === undefined) return null
  return {
    group: w.consumer?.group ?? trigger?.consumerGroup ?? null,
    topics: w.consumer?.topics.length ? w.consumer.topics : trigger?.topic ? [trigger.topic] : [],
    bootstrapServers: w.consumer?.bootstrapServers ?? null,
  }
}

/** Partition count of a topic when the input defines it (Strimzi or Koperator KafkaTopic). */
export function partitionsOf(stack: Stack, topic: string): number | null {
  return stack.topics.find((t) => t.name === topic)?.partitions ?? null
}
