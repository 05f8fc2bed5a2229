// KEDA's metadata parsing matrix (kafka_scaler_test.go TestGetBrokers and the auth tests, spec §4.1), as
// named rows: what parses, to what, and which field an error names.
import { describe, expect, it } from 'vitest'
import { flattenIssues, formatPath } from '../../src/config/load.ts'
import { type KafkaMetadata, kafkaMetadata } from '../../src/config/trigger-kafka.ts'

const base = { bootstrapServers: '127.0.0.1:9092', consumerGroup: 'my-group', topic: 'my-topic' }

function parse(metadata: Record<string, unknown>) {
  const result = kafkaMetadata.safeParse(metadata)
  if (result.success) return { data: result.data, errors: [] as Array<{ path: string; message: string }> }
  const errors = flattenIssues(result.error.issues).map((i) => ({
    path: formatPath(i.path),
    message: i.message,
  }))
  return { data: undefined, errors }
}

interface Row {
  name: string
  metadata: Record<string, unknown>
  /** Field the first error must name; absent: must parse. */
  error?: string
  message?: RegExp
  expect?: Partial<KafkaMetadata>
}

const { topic: _topic, ...noTopic } = base

const parsing: Row[] = [
  {
    name: 'missing bootstrapServers',
    metadata: { consumerGroup: 'g', topic: 't' },
    error: 'bootstrapServers',
  },
  { name: 'missing consumerGroup', metadata: { bootstrapServers: '127.0.0.1:9092' }, error: 'consumerGroup' },
  {
    name: 'no topic: ok, every topic of the group, policy latest',
    metadata: noTopic,
    expect: { topics: [], offsetResetPolicy: 'latest' },
  },
  {
    name: 'partitionLimitation is ignored without topic',
    metadata: { ...noTopic, partitionLimitation: '1,2' },
    expect: { partitionLimitation: undefined },
  },
  {
    name: 'blank partitionLimitation: no limit',
    metadata: { ...base, partitionLimitation: '  ' },
    expect: { partitionLimitation: undefined },
  },
  { name: 'unsupported version 1.2.3.4', metadata: { ...base, version: '1.2.3.4' }, error: 'version' },
  { name: 'version 1.0.0', metadata: { ...base, version: '1.0.0' } },
  { name: 'version 0.10.2.0', metadata: { ...base, version: '0.10.2.0' } },
  {
    name: 'lagThreshold -1',
    metadata: { ...base, lagThreshold: '-1' },
    error: 'lagThreshold',
    message: /≥ 1/,
  },
  { name: 'lagThreshold 0', metadata: { ...base, lagThreshold: '0' }, error: 'lagThreshold' },
  {
    name: 'lagThreshold 1000000',
    metadata: { ...base, lagThreshold: '1000000' },
    expect: { lagThreshold: 1_000_000 },
  },
  {
    name: 'lagThreshold native number',
    metadata: { ...base, lagThreshold: 50 },
    expect: { lagThreshold: 50 },
  },
  {
    name: 'lagThreshold 1.5',
    metadata: { ...base, lagThreshold: 1.5 },
    error: 'lagThreshold',
    message: /integer/,
  },
  {
    name: 'defaults',
    metadata: base,
    expect: { lagThreshold: 10, activationLagThreshold: 0, allowIdleConsumers: false },
  },
  {
    name: 'activationLagThreshold AA',
    metadata: { ...base, activationLagThreshold: 'AA' },
    error: 'activationLagThreshold',
  },
  {
    name: 'activationLagThreshold 0',
    metadata: { ...base, activationLagThreshold: '0' },
    expect: { activationLagThreshold: 0 },
  },
  {
    name: 'partitionLimitation list',
    metadata: { ...base, partitionLimitation: '1,2,3,4' },
    expect: { partitionLimitation: [1, 2, 3, 4] },
  },
  {
    name: 'partitionLimitation range',
    metadata: { ...base, partitionLimitation: '1-4' },
    expect: { partitionLimitation: [1, 2, 3, 4] },
  },
  {
    name: 'partitionLimitation mixed',
    metadata: { ...base, partitionLimitation: '1-4,8,10-12' },
    expect: { partitionLimitation: [1, 2, 3, 4, 8, 10, 11, 12] },
  },
  {
    name: 'partitionLimitation as a YAML list',
    metadata: { ...base, partitionLimitation: [3, '5-6'] },
    expect: { partitionLimitation: [3, 5, 6] },
  },
  {
    name: 'partitionLimitation non-numeric',
    metadata: { ...base, partitionLimitation: 'a,b,c' },
    error: 'partitionLimitation',
  },
  {
    name: 'two brokers',
    metadata: { ...base, bootstrapServers: '127.0.0.1:9092, 127.0.0.1:9093' },
    expect: { bootstrapServers: ['127.0.0.1:9092', '127.0.0.1:9093'] },
  },
  {
    name: 'broker without port',
    metadata: { ...base, bootstrapServers: 'localhost' },
    error: 'bootstrapServers[0]',
  },
  {
    name: 'offsetResetPolicy earliest',
    metadata: { ...base, offsetResetPolicy: 'earliest' },
    expect: { offsetResetPolicy: 'earliest' },
  },
  {
    name: 'offsetResetPolicy foo',
    metadata: { ...base, offsetResetPolicy: 'foo' },
    error: 'offsetResetPolicy',
  },
  {
    name: 'allowIdleConsumers "true"',
    metadata: { ...base, allowIdleConsumers: 'true' },
    expect: { allowIdleConsumers: true },
  },
  {
    name: 'allowIdleConsumers native',
    metadata: { ...base, allowIdleConsumers: true },
    expect: { allowIdleConsumers: true },
  },
  {
    name: 'allowIdleConsumers malformed',
    metadata: { ...base, allowIdleConsumers: 'notvalid' },
    error: 'allowIdleConsumers',
    message: /true or false/,
  },
  {
    name: 'excludePersistentLag "True"',
    metadata: { ...base, excludePersistentLag: 'True' },
    expect: { excludePersistentLag: true },
  },
  {
    name: 'excludePersistentLag malformed',
    metadata: { ...base, excludePersistentLag: 'notvalid' },
    error: 'excludePersistentLag',
  },
  {
    name: 'limitToPartitionsWithLag true',
    metadata: { ...base, limitToPartitionsWithLag: 'true' },
    expect: { limitToPartitionsWithLag: true },
  },
  {
    name: 'limitToPartitionsWithLag malformed',
    metadata: { ...base, limitToPartitionsWithLag: 'notvalid' },
    error: 'limitToPartitionsWithLag',
  },
  {
    name: 'allowIdleConsumers with limitToPartitionsWithLag',
    metadata: { ...base, allowIdleConsumers: 'true', limitToPartitionsWithLag: 'true' },
    error: 'limitToPartitionsWithLag',
    message: /allowIdleConsumers/,
  },
  {
    name: 'limitToPartitionsWithLag without topic',
    metadata: { ...noTopic, limitToPartitionsWithLag: 'true' },
    error: 'limitToPartitionsWithLag',
    message: /requires topic/,
  },
  {
    name: 'ensureEvenDistributionOfPartitions true means divisor',
    metadata: { ...base, ensureEvenDistributionOfPartitions: 'true' },
    expect: { partitionDistribution: 'divisor' },
  },
  {
    name: 'ensureEvenDistributionOfPartitions with limitToPartitionsWithLag',
    metadata: { ...base, ensureEvenDistributionOfPartitions: 'true', limitToPartitionsWithLag: 'true' },
    error: 'ensureEvenDistributionOfPartitions',
  },
  {
    name: 'ensureEvenDistributionOfPartitions without topic',
    metadata: { ...noTopic, ensureEvenDistributionOfPartitions: 'true' },
    error: 'ensureEvenDistributionOfPartitions',
  },
  {
    name: 'partitionDistribution balanced',
    metadata: { ...base, partitionDistribution: 'balanced' },
    expect: { partitionDistribution: 'balanced' },
  },
  {
    name: 'partitionDistribution balanced contradicts ensureEven',
    metadata: { ...base, partitionDistribution: 'balanced', ensureEvenDistributionOfPartitions: true },
    error: 'partitionDistribution',
  },
  { name: 'fullMetadata true without topic', metadata: { ...noTopic, fullMetadata: 'true' } },
  { name: 'fullMetadata false with topic', metadata: { ...base, fullMetadata: 'false' } },
  {
    name: 'fullMetadata false without topic',
    metadata: { ...noTopic, fullMetadata: 'false' },
    error: 'fullMetadata',
  },
  { name: 'fullMetadata malformed', metadata: { ...base, fullMetadata: 'notvalid' }, error: 'fullMetadata' },
  {
    name: 'topic comma list (apache-kafka)',
    metadata: { ...base, topic: 'a, b' },
    expect: { topics: ['a', 'b'] },
  },
  {
    name: 'unquoted YAML numbers as group and topic names',
    metadata: { ...base, consumerGroup: 123, topic: 456 },
    expect: { consumerGroup: '123', topics: ['456'] },
  },
  {
    name: 'unknown field',
    metadata: { ...base, lagThreshhold: '5' },
    error: 'lagThreshhold',
    message: /unknown field/,
  },
]

const auth: Row[] = [
  {
    name: 'sasl plaintext with credentials',
    metadata: { ...base, sasl: 'plaintext', username: 'admin', password: 'admin' },
    expect: { sasl: 'plaintext' },
  },
  { name: 'sasl scram_sha256', metadata: { ...base, sasl: 'scram_sha256', username: 'u', password: 'p' } },
  { name: 'sasl scram_sha512', metadata: { ...base, sasl: 'scram_sha512', username: 'u', password: 'p' } },
  {
    name: 'sasl with password from env',
    metadata: { ...base, sasl: 'scram_sha512', username: 'u', passwordFromEnv: 'KAFKA_PW' },
  },
  {
    name: 'sasl plaintext missing username',
    metadata: { ...base, sasl: 'plaintext', password: 'p' },
    error: 'username',
  },
  {
    name: 'sasl plaintext missing password',
    metadata: { ...base, sasl: 'plaintext', username: 'u' },
    error: 'password',
  },
  {
    name: 'sasl with trailing newline',
    metadata: { ...base, sasl: 'plaintext\n', username: 'u', password: 'p' },
    expect: { sasl: 'plaintext' },
  },
  { name: 'sasl none', metadata: { ...base, sasl: 'none' }, expect: { sasl: 'none' } },
  { name: 'invalid sasl', metadata: { ...base, sasl: 'foo' }, error: 'sasl', message: /one of/ },
  {
    name: 'sasl gssapi is refused clearly',
    metadata: { ...base, sasl: 'gssapi' },
    error: 'sasl',
    message: /not supported/,
  },
  {
    name: 'tls with ca, cert and key',
    metadata: { ...base, tls: 'enable', ca: 'C', cert: 'X', key: 'K' },
    expect: { tls: 'enable' },
  },
  {
    name: 'tls with cert, key and keyPassword',
    metadata: { ...base, tls: 'enable', cert: 'X', key: 'K', keyPassword: 'p' },
  },
  { name: 'tls with ca only', metadata: { ...base, tls: 'enable', ca: 'C' } },
  { name: 'tls cert without key', metadata: { ...base, tls: 'enable', cert: 'X' }, error: 'key' },
  { name: 'tls key without cert', metadata: { ...base, tls: 'enable', key: 'K' }, error: 'cert' },
  { name: 'invalid tls', metadata: { ...base, tls: 'yes' }, error: 'tls' },
  { name: 'tls disable', metadata: { ...base, tls: 'disable' }, expect: { tls: 'disable' } },
  {
    name: 'sasl plus tls',
    metadata: { ...base, sasl: 'plaintext', username: 'u', password: 'p', tls: 'enable', ca: 'C' },
  },
  {
    name: 'oauthbearer with endpoint, scopes and extensions',
    metadata: {
      ...base,
      sasl: 'oauthbearer',
      username: 'client',
      password: 'secret',
      oauthTokenEndpointUri: 'https://127.0.0.1/token',
      scopes: 'a, b',
      oauthExtensions: 'ext1=v1,ext2=v2',
    },
    expect: { scopes: ['a', 'b'], oauthExtensions: { ext1: 'v1', ext2: 'v2' } },
  },
  {
    name: 'oauthbearer missing endpoint',
    metadata: { ...base, sasl: 'oauthbearer', username: 'client', password: 'secret' },
    error: 'oauthTokenEndpointUri',
  },
  {
    name: 'oauthbearer malformed extension',
    metadata: {
      ...base,
      sasl: 'oauthbearer',
      username: 'c',
      password: 's',
      oauthTokenEndpointUri: 'https://127.0.0.1/token',
      oauthExtensions: 'ext1',
    },
    error: 'oauthExtensions',
  },
  {
    name: 'password and passwordFromEnv together',
    metadata: { ...base, password: 'p', passwordFromEnv: 'X' },
    error: 'passwordFromEnv',
  },
]

describe('kafka trigger metadata (KEDA parse matrix)', () => {
  for (const [group, rows] of [
    ['parsing', parsing],
    ['auth', auth],
  ] as const) {
    describe(group, () => {
      it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
        const { data, errors } = parse(row.metadata)
        if (row.error !== undefined) {
          expect(errors.map((e) => e.path)).toContain(row.error)
          if (row.message) expect(errors.find((e) => e.path === row.error)?.message).toMatch(row.message)
          return
        }
        expect(errors).toEqual([])
        if (row.expect) expect(data).toMatchObject(row.expect)
      })
    })
  }
})
