// The `kafka` trigger. `metadata:` takes the fields of KEDA's Kafka scaler (`type: kafka`) with the same names,
// defaults, value forms and cross-field rules (see shared/research/keda-hpa-spec.md §1.2), so the `metadata:`
// block of a KEDA ScaledObject can be pasted as is. Autopilot additions are marked "(autopilot)".
import { z } from 'zod'
import { boolLike, intLike, partitionLimitation, stringList, text } from './values.ts'

const HOST_PORT = /^[^\s:,]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/
// Sarama version strings: 0.x.y.z before 1.0, x.y.z after. Accepted for paste compatibility and not used:
// the client negotiates API versions with the brokers.
const KAFKA_VERSION = /^(0\.\d+\.\d+\.\d+|[1-9]\d*\.\d+\.\d+)$/

const SUPPORTED_SASL = ['none', 'plaintext', 'scram_sha256', 'scram_sha512', 'oauthbearer'] as const
const UNSUPPORTED_SASL = ['gssapi', 'aws_msk_iam'] as const

const sasl = z
  .string({ error: 'must be a string' })
  .trim()
  .transform((value, ctx) => {
    const v = value.toLowerCase()
    if ((SUPPORTED_SASL as readonly string[]).includes(v)) return v as (typeof SUPPORTED_SASL)[number]
    const message = (UNSUPPORTED_SASL as readonly string[]).includes(v)
      ? `"${v}" is not supported by autopilot (supported: ${SUPPORTED_SASL.join(', ')})`
      : `must be one of ${SUPPORTED_SASL.join(', ')}`
    ctx.issues.push({ code: 'custom', message, input: value })
    return z.NEVER
  })
  .meta({ description: `SASL mechanism: ${SUPPORTED_SASL.join(' | ')}. Default: none.` })

const oauthExtensions = z
  .string({ error: 'must be a string of key=value pairs' })
  .transform((value, ctx) => {
    const out: Record<string, string> = {}
    for (const item of value.split(',')) {
      if (item.trim() === '') continue
      const eq = item.indexOf('=')
      if (eq <= 0) {
        ctx.issues.push({ code: 'custom', message: `"${item.trim()}" is not key=value`, input: value })
        return z.NEVER
      }
      out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim()
    }
    return out
  })
  .meta({ description: 'OAuth extensions "k1=v1,k2=v2" (oauthbearer only).' })

export const PARTITION_DISTRIBUTIONS = ['any', 'divisor', 'balanced'] as const
export type PartitionDistribution = (typeof PARTITION_DISTRIBUTIONS)[number]

const kafkaMetadataFields = z.strictObject({
  bootstrapServers: stringList('Brokers, "host:port" comma list (required).').pipe(
    z
      .array(z.string().regex(HOST_PORT, { error: 'each broker must be host:port' }))
      .min(1, { error: 'is required: at least one host:port' }),
  ),
  consumerGroup: text('Consumer group whose committed offsets define the lag (required).'),
  topic: stringList(
    'Topic (or comma list of topics). Empty: every topic the group has committed offsets for.',
  )
    .optional()
    .meta({ description: 'Topic (or comma list). Empty: every topic the group has offsets for.' }),
  partitionLimitation: partitionLimitation.optional(),
  lagThreshold: intLike({ min: 1, description: 'Lag one replica should carry. Default: 10.' }).default(10),
  activationLagThreshold: intLike({
    min: 0,
    description: 'Scale from zero only when total lag is above this. Default: 0.',
  }).default(0),
  offsetResetPolicy: z
    .enum(['latest', 'earliest'], { error: 'must be latest or earliest' })
    .default('latest')
    .meta({ description: "Mirror of the consumer's auto.offset.reset. Default: latest." }),
  allowIdleConsumers: boolLike.default(false),
  excludePersistentLag: boolLike.default(false),
  scaleToZeroOnInvalidOffset: boolLike.default(false),
  limitToPartitionsWithLag: boolLike.default(false),
  ensureEvenDistributionOfPartitions: boolLike.default(false),
  partitionDistribution: z
    .enum(PARTITION_DISTRIBUTIONS, { error: `must be one of ${PARTITION_DISTRIBUTIONS.join(', ')}` })
    .optional()
    .meta({
      description:
        '(autopilot) any: no rounding; divisor: round up to a divisor of the partition count (what ' +
        'ensureEvenDistributionOfPartitions does); balanced: fewest replicas whose busiest consumer has no ' +
        'more partitions than needed.',
    }),
  persistentLagSeconds: intLike({
    min: 0,
    description:
      '(autopilot) With excludePersistentLag: a partition counts as stuck once its committed offset has not ' +
      'moved for this long (KEDA: one evaluation). Default: 60.',
  }).default(60),
  fullMetadata: boolLike.default(true),
  version: z
    .string({ error: 'must be a string' })
    .trim()
    .regex(KAFKA_VERSION, { error: 'is not a Kafka version (e.g. 1.0.0, 0.10.2.0)' })
    .optional()
    .meta({ description: 'Accepted for KEDA compatibility; ignored (versions are negotiated).' }),
  sasl: sasl.default('none'),
  saslTokenProvider: z
    .string()
    .trim()
    .refine((v) => v === 'bearer', { error: 'only "bearer" is supported' })
    .optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  passwordFromEnv: text('(autopilot) Name of an environment variable holding the password.').optional(),
  oauthTokenEndpointUri: text('OAuth token endpoint (oauthbearer).').optional(),
  scopes: stringList('OAuth scopes, comma list (oauthbearer).').optional(),
  oauthExtensions: oauthExtensions.optional(),
  tls: z
    .string()
    .trim()
    .pipe(z.enum(['enable', 'disable'], { error: 'must be enable or disable' }))
    .default('disable')
    .meta({ description: 'enable | disable. Default: disable.' }),
  ca: z.string().optional().meta({ description: 'CA certificate, PEM.' }),
  cert: z.string().optional().meta({ description: 'Client certificate, PEM (with key).' }),
  key: z.string().optional().meta({ description: 'Client key, PEM (with cert).' }),
  keyPassword: z.string().optional(),
  unsafeSsl: boolLike.default(false),
})

type KafkaMetadataFields = z.output<typeof kafkaMetadataFields>

type Issue = { path: string; message: string }

/** The cross-field rules of KEDA's scaler (spec §1.2 and §4.1), plus autopilot's own. */
export function kafkaCrossFieldIssues(m: KafkaMetadataFields): Issue[] {
  const issues: Issue[] = []
  const hasTopic = (m.topic?.length ?? 0) > 0
  if (m.allowIdleConsumers === true && m.limitToPartitionsWithLag === true) {
    issues.push({ path: 'limitToPartitionsWithLag', message: 'cannot be combined with allowIdleConsumers' })
  }
  if (m.limitToPartitionsWithLag === true && !hasTopic) {
    issues.push({ path: 'limitToPartitionsWithLag', message: 'requires topic' })
  }
  if (m.ensureEvenDistributionOfPartitions === true) {
    if (!hasTopic) issues.push({ path: 'ensureEvenDistributionOfPartitions', message: 'requires topic' })
    if (m.limitToPartitionsWithLag === true) {
      issues.push({
        path: 'ensureEvenDistributionOfPartitions',
        message: 'cannot be combined with limitToPartitionsWithLag',
      })
    }
    if (m.partitionDistribution !== undefined && m.partitionDistribution !== 'divisor') {
      issues.push({
        path: 'partitionDistribution',
        message: 'conflicts with ensureEvenDistributionOfPartitions (which means "divisor")',
      })
    }
  }
  if (m.partitionDistribution !== undefined && m.partitionDistribution !== 'any') {
    if (!hasTopic) issues.push({ path: 'partitionDistribution', message: 'requires topic' })
    if (m.limitToPartitionsWithLag === true && m.ensureEvenDistributionOfPartitions !== true) {
      issues.push({
        path: 'partitionDistribution',
        message: 'cannot be combined with limitToPartitionsWithLag',
      })
    }
  }
  if (m.fullMetadata === false && !hasTopic)
    issues.push({ path: 'fullMetadata', message: 'false requires topic' })
  if (m.password !== undefined && m.passwordFromEnv !== undefined) {
    issues.push({ path: 'passwordFromEnv', message: 'give password or passwordFromEnv, not both' })
  }
  const hasPassword = m.password !== undefined || m.passwordFromEnv !== undefined
  if (m.sasl === 'plaintext' || m.sasl === 'scram_sha256' || m.sasl === 'scram_sha512') {
    if (!m.username) issues.push({ path: 'username', message: `is required with sasl ${m.sasl}` })
    if (!hasPassword) issues.push({ path: 'password', message: `is required with sasl ${m.sasl}` })
  }
  if (m.sasl === 'oauthbearer') {
    if (!m.username)
      issues.push({ path: 'username', message: 'is required with sasl oauthbearer (client id)' })
    if (!hasPassword) issues.push({ path: 'password', message: 'is required with sasl oauthbearer (secret)' })
    if (!m.oauthTokenEndpointUri) {
      issues.push({ path: 'oauthTokenEndpointUri', message: 'is required with sasl oauthbearer' })
    }
  }
  if (m.tls === 'enable' && (m.cert === undefined) !== (m.key === undefined)) {
    issues.push({
      path: m.cert === undefined ? 'cert' : 'key',
      message: 'cert and key must be given together (or neither)',
    })
  }
  return issues
}

export const kafkaMetadata = kafkaMetadataFields
  .check((ctx) => {
    for (const issue of kafkaCrossFieldIssues(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: issue.message, path: [issue.path], input: ctx.value })
    }
  })
  .transform(({ topic, ...m }) => {
    const topics = topic ?? []
    const distribution: PartitionDistribution = m.ensureEvenDistributionOfPartitions
      ? 'divisor'
      : (m.partitionDistribution ?? 'any')
    return {
      ...m,
      topics,
      // KEDA drops the limitation when no topic is given.
      partitionLimitation: topics.length > 0 ? m.partitionLimitation : undefined,
      partitionDistribution: distribution,
    }
  })

export const kafkaTrigger = z
  .strictObject({
    type: z.literal('kafka', { error: 'must be kafka' }),
    metadata: kafkaMetadata,
  })
  .meta({ description: 'Kafka consumer-lag trigger; `metadata` takes KEDA Kafka scaler fields.' })

export type KafkaTriggerConfig = z.output<typeof kafkaTrigger>
export type KafkaMetadata = KafkaTriggerConfig['metadata']
