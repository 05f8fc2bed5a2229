// The Alertmanager 0.25 webhook payload exactly as received in the research run (firing), and its resolved
// counterpart (top-level and per-alert status resolved, a real endsAt).
export function firingWebhook() {
  return {
    receiver: 'kafka-webhook',
    status: 'firing' as 'firing' | 'resolved',
    alerts: [
      {
        status: 'firing' as 'firing' | 'resolved',
        labels: {
          alertname: 'BrokerUnderReplicated',
          cluster: 'local',
          instance: '127.0.0.1:19404',
          job: 'kafka',
          severity: 'warning',
        } as Record<string, string>,
        annotations: {
          command: 'upScale',
          summary: 'Broker 127.0.0.1:19404 has 2 under-replicated partitions',
        } as Record<string, string>,
        startsAt: '2026-11-23T03:40:17.882Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL:
          'http://vm:9090/graph?g0.expr=kafka_server_replicamanager_underreplicatedpartitions_value+%3E+0&g0.tab=1',
        fingerprint: 'da2df510431022f7',
      },
    ],
    groupLabels: { alertname: 'BrokerUnderReplicated' },
    commonLabels: {
      alertname: 'BrokerUnderReplicated',
      cluster: 'local',
      instance: '127.0.0.1:19404',
      job: 'kafka',
      severity: 'warning',
    },
    commonAnnotations: {
      command: 'upScale',
      summary: 'Broker 127.0.0.1:19404 has 2 under-replicated partitions',
    },
    externalURL: 'http://vm:9093',
    version: '4',
    groupKey: '{}:{alertname="BrokerUnderReplicated"}',
    truncatedAlerts: 0,
  }
}

export function resolvedWebhook() {
  const body = firingWebhook()
  body.status = 'resolved'
  body.alerts[0]!.status = 'resolved'
  body.alerts[0]!.endsAt = '2026-11-23T03:45:02.100Z'
  return body
}
