import type { Json } from '../access.ts'
import { ALERT_TOPICS, type AlertTopic, coveredTopics } from '../alerts.ts'
import { consumerOf, type Stack } from '../model.ts'
import type { AuditRule, RuleHit } from '../types.ts'

/**
 * The alerts --fix writes. BrokerUnderReplicated carries `command: upScale`, the annotation Autopilot's
 * Alertmanager webhook acts on (the same convention as Koperator's alert-driven scaling).
 */
export function alertFor(topic: AlertTopic, kafkaCluster: string | null): Json {
  switch (topic) {
    case 'pod-down':
      return {
        alert: 'PodNotReady',
        expr: 'sum by (namespace, pod) (kube_pod_status_ready{condition="false"}) > 0',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 5 minutes',
        },
      }
    case 'broker-down':
      return {
        alert: 'KafkaBrokerDown',
        expr: 'up{job=~".*kafka.*"} == 0',
        for: '1m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Kafka target {{ $labels.instance }} is down' },
      }
    case 'under-replicated':
      return {
        alert: 'BrokerUnderReplicated',
        expr: 'kafka_server_replicamanager_underreplicatedpartitions_value > 0',
        for: '30s',
        labels: { severity: 'warning', ...(kafkaCluster ? { kafka_cr: kafkaCluster } : {}) },
        annotations: {
          command: 'upScale',
          summary: 'Broker {{ $labels.instance }} has {{ $value }} under-replicated partitions',
        },
      }
    case 'consumer-lag':
      return {
        alert: 'KafkaConsumerLagHigh',
        expr: 'sum by (consumergroup, topic) (kafka_consumergroup_lag) > 1000',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Group {{ $labels.consumergroup }} is {{ $value }} records behind on {{ $labels.topic }}',
        },
      }
  }
}

/** Which alert topics apply: pods always; broker topics with a Kafka cluster; lag with Kafka or consumers. */
function neededTopics(stack: Stack): AlertTopic[] {
  const hasKafka = stack.kafka.length > 0
  const hasConsumers = stack.workloads.some((w) => consumerOf(stack, w) !== null)
  const needed: AlertTopic[] = []
  if (stack.workloads.length > 0 || hasKafka) needed.push('pod-down')
  if (hasKafka) needed.push('broker-down', 'under-replicated')
  if (hasKafka || hasConsumers) needed.push('consumer-lag')
  return needed
}

export const alertRulesCoverage: AuditRule = {
  id: 'alert-rules-coverage',
  severity: 'warning',
  title: 'Alert rules for pods down, brokers down, under-replicated partitions and consumer lag',
  why:
    'Replicas and budgets limit the damage of a failure; alerts are how anyone (or Autopilot) learns of it. ' +
    'The four signals are the ones a Kafka stack fails with first.',
  equivalent: [],
  fix: 'Writes a PrometheusRule with the missing alerts; BrokerUnderReplicated carries the `command: upScale` annotation Autopilot acts on.',
  check(stack) {
    const covered = coveredTopics(stack.alertRules)
    const missing = neededTopics(stack).filter((t) => !covered.has(t))
    const kafka = stack.kafka[0]
    const namespace = kafka?.resource.namespace ?? stack.workloads[0]?.resource.namespace ?? ''
    const clusterName = stack.kafka.length === 1 ? kafka!.name : null
    return missing.map(
      (topic): RuleHit => ({
        resource: null,
        message: `no Prometheus alert rule covers ${ALERT_TOPICS[topic].describe}`,
        fix: [{ type: 'alert', namespace, rule: alertFor(topic, clusterName) }],
      }),
    )
  },
}
