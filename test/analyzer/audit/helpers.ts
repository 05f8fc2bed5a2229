// Small builders for audit tests: YAML text in, stack / findings out.
import { runAudit } from '../../../src/analyzer/audit/engine.ts'
import { mergeManifests, parseManifests } from '../../../src/analyzer/audit/manifest.ts'
import { buildStack, type Stack } from '../../../src/analyzer/audit/model.ts'
import type { AuditRule, Finding } from '../../../src/analyzer/audit/types.ts'

export function stackOf(...texts: string[]): Stack {
  const merged = mergeManifests(texts.map((t, i) => parseManifests(t, `in${i}.yaml`)))
  return buildStack(merged.resources, merged.problems)
}

export function findingsOf(rule: AuditRule, ...texts: string[]): Finding[] {
  return runAudit(stackOf(...texts), [rule]).findings
}

export interface DeploymentOptions {
  name?: string
  kind?: 'Deployment' | 'StatefulSet'
  namespace?: string
  replicas?: number
  image?: string
  env?: Record<string, string>
  annotations?: Record<string, string>
  /** false drops the probes, requests and spread that make the workload clean. */
  probes?: boolean
  requests?: boolean
  spread?: boolean
  volumeClaim?: boolean
  port?: boolean
}

/** A workload in YAML, clean for every workload rule unless told otherwise. */
export function workload(o: DeploymentOptions = {}): string {
  const name = o.name ?? 'web'
  const kind = o.kind ?? 'Deployment'
  const lines = [
    'apiVersion: apps/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    ...(o.namespace ? [`  namespace: ${o.namespace}`] : []),
    ...(o.annotations
      ? ['  annotations:', ...Object.entries(o.annotations).map(([k, v]) => `    ${k}: "${v}"`)]
      : []),
    'spec:',
    `  replicas: ${o.replicas ?? 2}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    ...(o.spread === false
      ? []
      : [
          '      topologySpreadConstraints:',
          '        - maxSkew: 1',
          '          topologyKey: kubernetes.io/hostname',
          '          whenUnsatisfiable: ScheduleAnyway',
          '          labelSelector:',
          `            matchLabels: { app: ${name} }`,
        ]),
    '      containers:',
    `        - name: ${name}`,
    `          image: ${o.image ?? 'nginx:1.27'}`,
    ...(o.port === false ? [] : ['          ports:', '            - containerPort: 8080']),
    ...(o.env
      ? [
          '          env:',
          ...Object.entries(o.env).flatMap(([k, v]) => [
            `            - name: ${k}`,
            `              value: "${v}"`,
          ]),
        ]
      : []),
    ...(o.probes === false
      ? []
      : [
          '          readinessProbe:',
          '            httpGet: { path: /ready, port: 8080 }',
          '          livenessProbe:',
          '            httpGet: { path: /live, port: 8080 }',
        ]),
    ...(o.requests === false
      ? []
      : ['          resources:', '            requests: { cpu: 100m, memory: 128Mi }']),
    ...(o.volumeClaim
      ? [
          '  volumeClaimTemplates:',
          '    - metadata: { name: data }',
          '      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 10Gi } } }',
        ]
      : []),
  ]
  return `${lines.join('\n')}\n`
}

export function pdb(name: string, app: string, policy = 'maxUnavailable: 1'): string {
  return `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  ${policy}
  selector:
    matchLabels:
      app: ${app}
`
}

export function hpa(target: string, min: number, max: number, kind = 'Deployment'): string {
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${target}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: ${kind}, name: ${target} }
  minReplicas: ${min}
  maxReplicas: ${max}
`
}

export function kafkaTopic(name: string, partitions: number, replicas = 3, extra = ''): string {
  return `apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: ${name}
  labels: { strimzi.io/cluster: events }
spec:
  partitions: ${partitions}
  replicas: ${replicas}
${extra}`
}

export interface StrimziOptions {
  brokers?: number
  controllers?: number
  config?: Record<string, number | string>
  storage?: 'persistent-claim' | 'ephemeral'
  spread?: boolean
  requests?: boolean
  pdbMaxUnavailable?: number
}

/** A Strimzi KRaft cluster with a broker and a controller node pool; clean unless told otherwise. */
export function strimzi(o: StrimziOptions = {}): string {
  const config = o.config ?? {
    'default.replication.factor': 3,
    'min.insync.replicas': 2,
    'offsets.topic.replication.factor': 3,
    'transaction.state.log.replication.factor': 3,
    'transaction.state.log.min.isr': 2,
  }
  const spread =
    o.spread === false
      ? ''
      : `
  template:
    pod:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector: { matchLabels: { strimzi.io/cluster: events } }`
  const pool = (name: string, role: string, replicas: number) => `---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaNodePool
metadata:
  name: ${name}
  labels: { strimzi.io/cluster: events }
spec:
  replicas: ${replicas}
  roles: [${role}]
  storage: { type: ${o.storage ?? 'persistent-claim'}, size: 10Gi }
${o.requests === false ? '' : '  resources: { requests: { cpu: "1", memory: 2Gi } }'}${spread}
`
  return `apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata:
  name: events
  annotations: { strimzi.io/node-pools: enabled, strimzi.io/kraft: enabled }
spec:
  kafka:
    version: 4.1.0
${o.pdbMaxUnavailable === undefined ? '' : `    template: { podDisruptionBudget: { maxUnavailable: ${o.pdbMaxUnavailable} } }\n`}    config:
${Object.entries(config)
  .map(([k, v]) => `      ${k}: ${v}`)
  .join('\n')}
${pool('brokers', 'broker', o.brokers ?? 3)}${pool('controllers', 'controller', o.controllers ?? 3)}`
}
