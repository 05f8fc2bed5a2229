// Prometheus alerting rules from PrometheusRule resources and plain rule files, and what they cover.
import { asArray, asRecord, asString, stringMap } from './access.ts'
import { type ManifestResource, PROMETHEUS_RULE_FILE_KIND } from './manifest.ts'

export interface AlertRule {
  resource: ManifestResource
  alert: string
  expr: string
  for: string | null
  annotations: Record<string, string>
}

export function readAlertRules(resource: ManifestResource): AlertRule[] {
  const groups =
    resource.kind === PROMETHEUS_RULE_FILE_KIND
      ? resource.object.groups
      : asRecord(resource.object.spec)?.groups
  return asArray(groups).flatMap((g) =>
    asArray(asRecord(g)?.rules).flatMap((r) => {
      const rule = asRecord(r)
      const alert = asString(rule?.alert)
      const expr = rule?.expr
      if (alert === undefined || (typeof expr !== 'string' && typeof expr !== 'number')) return []
      return [
        {
          resource,
          alert,
          expr: String(expr),
          for: asString(rule?.for) ?? null,
          annotations: stringMap(rule?.annotations),
        },
      ]
    }),
  )
}

export type AlertTopic = 'pod-down' | 'broker-down' | 'under-replicated' | 'consumer-lag'

/**
 * What each topic's expression must mention. Matching is on metric names, so rules written for
 * kube-state-metrics, the JMX exporter, kafka_exporter or a lag exporter all count.
 */
export const ALERT_TOPICS: Record<AlertTopic, { pattern: RegExp; describe: string }> = {
  'pod-down': {
    pattern:
      /kube_pod_status_(ready|phase)|kube_pod_container_status_(ready|restarts|waiting)|kube_(deployment|statefulset)_status_replicas_(ready|available|unavailable)/,
    describe: 'pods not ready or crash-looping (kube-state-metrics)',
  },
  'broker-down': {
    pattern: /kafka_brokers\b|activebrokercount|activecontrollercount|up\{[^}]*kafka/i,
    describe: 'a Kafka broker down',
  },
  'under-replicated': {
    pattern: /underreplicatedpartitions|under_replicated/i,
    describe: 'under-replicated partitions',
  },
  'consumer-lag': {
    pattern: /consumergroup_?(group_)?lag|consumer_?lag|records_lag|lag_seconds|autopilot_.*lag/i,
    describe: 'consumer-group lag',
  },
}

export function coveredTopics(rules: AlertRule[]): Set<AlertTopic> {
  const covered = new Set<AlertTopic>()
  for (const rule of rules) {
    for (const [topic, { pattern }] of Object.entries(ALERT_TOPICS) as Array<
      [AlertTopic, { pattern: RegExp }]
    >) {
      if (pattern.test(rule.expr)) covered.add(topic)
    }
  }
  return covered
}
