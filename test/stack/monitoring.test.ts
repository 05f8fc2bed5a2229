import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  DEFAULT_RULES,
  renderAlertmanagerConfig,
  renderPrometheusConfig,
  scrapeTargets,
} from '../../src/stack/monitoring.ts'

describe('monitoring configs', () => {
  it('routes every alert to the webhook, resolved ones too', () => {
    const config = parse(renderAlertmanagerConfig('http://127.0.0.1:18080/alerts'))
    expect(config.route.receiver).toBe('autopilot')
    expect(config.receivers[0].webhook_configs[0]).toEqual({
      url: 'http://127.0.0.1:18080/alerts',
      send_resolved: true,
    })
  })

  it('discovers brokers from a file, so brokers can join without a reload', () => {
    const config = parse(
      renderPrometheusConfig({
        targetsFile: '/t.json',
        rulesFile: '/r.yml',
        alertmanager: '127.0.0.1:1',
        intervalSeconds: 5,
      }),
    )
    expect(config.scrape_configs[0].file_sd_configs[0].files).toEqual(['/t.json'])
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['127.0.0.1:1'])
    expect(config.rule_files).toEqual(['/r.yml'])
  })

  it('labels each target with its broker id', () => {
    const node = { id: 4, host: '127.0.0.1', jmxPort: 49404 }
    expect(scrapeTargets([node as never])).toEqual([
      { targets: ['127.0.0.1:49404'], labels: { broker_id: '4' } },
    ])
  })

  it('ships the under-replicated alert that names the upScale action', () => {
    const rule = DEFAULT_RULES.groups[0]!.rules[0]!
    expect(rule.expr).toBe('kafka_server_replicamanager_underreplicatedpartitions_value > 0')
    expect(rule.for).toBe('30s')
    expect(rule.annotations.command).toBe('upScale')
  })
})
