import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RULES,
  globMatches,
  matchesPattern,
  parseScaleRules,
} from '../../../src/analyzer/capacity/rules.ts'
import { AutopilotError } from '../../../src/errors.ts'

describe('matchesPattern', () => {
  const rows: Array<[string, string, boolean]> = [
    ['zookeeper', 'pinot.zookeeper', true],
    ['zookeeper', 'zookeeperx', false],
    ['*zookeeper*', 'pinotZookeeper', true],
    ['kafka.controller', 'kafka.controller', true],
    ['kafka.controller', 'ingress-nginx.controller', false],
    ['kafka.controller', 'platform.kafka.controller.extra', true],
    ['Grafana', 'grafana', true],
    ['config-db', 'config.db', false],
  ]
  for (const [pattern, path, expected] of rows) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      expect(matchesPattern(pattern, path.split('.'))).toBe(expected)
    })
  }

  it('matches whole topic names with globs', () => {
    expect(globMatches('__*', '__consumer_offsets')).toBe(true)
    expect(globMatches('*-changelog', 'app-store-changelog')).toBe(true)
    expect(globMatches('*-changelog', 'changelog-app')).toBe(false)
  })
})

describe('parseScaleRules', () => {
  it('replaces only the keys the file sets', () => {
    const rules = parseScaleRules(
      'singletons: [vault]\nquorum:\n  size: 5\ntopics:\n  keyed: [orders]\n',
      'rules.yaml',
    )
    expect(rules.singletons).toEqual(['vault'])
    expect(rules.quorum).toEqual({ size: 5, match: DEFAULT_RULES.quorum.match })
    expect(rules.topics.keyed).toEqual(['orders'])
    expect(rules.topics.skip).toEqual(DEFAULT_RULES.topics.skip)
    expect(rules.replicaKeys).toEqual(DEFAULT_RULES.replicaKeys)
  })

  it('an empty file gives the defaults', () => {
    expect(parseScaleRules('', 'rules.yaml')).toEqual(DEFAULT_RULES)
  })

  const bad: Array<{ name: string; text: string; message: RegExp; field: string }> = [
    {
      name: 'an even quorum',
      text: 'quorum:\n  size: 4\n',
      message: /rules\.yaml:2: quorum\.size: must be odd/,
      field: 'quorum.size',
    },
    { name: 'an unknown key', text: 'singleton: [x]\n', message: /Unrecognized key/i, field: '--rules' },
    {
      name: 'a list given as a string',
      text: 'ignore: redis\n',
      message: /ignore: must be a list/,
      field: 'ignore',
    },
    { name: 'malformed YAML', text: 'a: [\n', message: /rules\.yaml:2/, field: '--rules' },
  ]
  for (const row of bad) {
    it(`refuses ${row.name}, naming the field and line`, () => {
      let error: unknown
      try {
        parseScaleRules(row.text, 'rules.yaml')
      } catch (e) {
        error = e
      }
      expect(AutopilotError.is(error) && error.code).toBe('AP_ERR_CONFIG')
      expect((error as AutopilotError).field).toBe(row.field)
      expect((error as Error).message).toMatch(row.message)
    })
  }
})
