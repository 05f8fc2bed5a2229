// The `alerts:` section: self-healing from Alertmanager (or Prometheus) alerts. How alerts map to actions
// (rules, else the `command` annotation), the custom actions (exec, webhook), the guards (mode, cooldown,
// broker limits) and the authentication of POST /alerts.
import { z } from 'zod'
import { ACTION_ALIASES, ACTION_MODES, BROKER_ACTIONS } from '../analyzer/actions/types.ts'
import { HEALTH_CONDITIONS } from '../analyzer/health/types.ts'
import { intLike, text } from './values.ts'

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/
const strings = z.record(z.string(), z.union([z.string(), z.number().transform(String)]), {
  error: 'must be a map of strings',
})

const auth = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('bearer'),
        token: text('The bearer token (or use tokenEnv).').optional(),
        tokenEnv: text('Environment variable holding the bearer token.').optional(),
      }),
      z.strictObject({
        type: z.literal('basic'),
        username: text('Basic-auth user name.'),
        password: text('Basic-auth password (or use passwordEnv).').optional(),
        passwordEnv: text('Environment variable holding the password.').optional(),
      }),
      z.strictObject({ type: z.literal('none') }),
    ],
    { error: 'must be bearer, basic or none' },
  )
  .check((ctx) => {
    const v = ctx.value
    if (v.type === 'bearer' && (v.token === undefined) === (v.tokenEnv === undefined)) {
      ctx.issues.push({
        code: 'custom',
        path: ['token'],
        message: 'set exactly one of token, tokenEnv',
        input: v,
      })
    }
    if (v.type === 'basic' && (v.password === undefined) === (v.passwordEnv === undefined)) {
      ctx.issues.push({
        code: 'custom',
        path: ['password'],
        message: 'set exactly one of password, passwordEnv',
        input: v,
      })
    }
  })
  .meta({ description: 'Authentication of POST /alerts and /api/v1/actions; required beyond loopback.' })

const timeoutSeconds = intLike({
  min: 1,
  max: 3600,
  description: 'Time limit in seconds. Default: 60.',
}).default(60)
const disruptive = z
  .boolean({ error: 'must be true or false' })
  .default(false)
  .meta({ description: 'Counts as a disruptive operation: one per Kafka cluster at a time. Default: false.' })

const execAction = z.strictObject({
  type: z.literal('exec'),
  command: z
    .array(z.string(), { error: 'must be a list (argv)' })
    .min(1, { error: 'must not be empty' })
    .meta({
      description:
        'argv, no shell. {{labels.x}}, {{annotations.x}}, {{params.x}}, {{cluster}}, {{target}}, {{fingerprint}} are replaced.',
    }),
  env: strings.default({}).meta({ description: 'Extra environment variables (templated too).' }),
  timeoutSeconds,
  disruptive,
})

const webhookAction = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  method: z.enum(['POST', 'PUT', 'GET'], { error: 'must be POST, PUT or GET' }).default('POST'),
  headers: strings.default({}),
  body: z.string().optional().meta({ description: 'Templated body; default: the action as JSON.' }),
  timeoutSeconds,
  disruptive,
})

const customAction = z.discriminatedUnion('type', [execAction, webhookAction], {
  error: 'type must be exec or webhook',
})

const rule = z.strictObject({
  name: z
    .string({ error: 'must be a string' })
    .regex(NAME, { error: 'must be a name (letters, digits, - and _)' }),
  match: strings.default({}).meta({ description: 'Labels the alert must carry with exactly these values.' }),
  action: text('A broker action (upScale, downScale, addDisk, resizeDisk) or a custom action name.'),
  params: strings
    .default({})
    .meta({ description: 'Parameters overriding the alert labels and annotations.' }),
})

const healthWatch = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }).default(true),
    intervalSeconds: intLike({
      min: 1,
      max: 3600,
      description: 'Between two metadata reads. Default: 10.',
    }).default(10),
    forSeconds: intLike({
      min: 0,
      max: 86_400,
      description:
        'How long a condition must hold before its alert fires (like Prometheus `for:`). Default: 30.',
    }).default(30),
    repeatSeconds: intLike({
      min: 0,
      max: 86_400,
      description:
        'A still-firing alert is sent to the engine again after this long (like Alertmanager repeat_interval), so an alert refused for a cooldown is tried again; 0: only changes. Default: 300.',
    }).default(300),
    actions: z
      .partialRecord(
        z.enum(HEALTH_CONDITIONS, { error: `must be one of ${HEALTH_CONDITIONS.join(', ')}` }),
        text('A broker action or a custom action name.'),
      )
      .default({})
      .meta({
        description:
          'The `command` annotation per condition (e.g. UnderReplicatedPartitions: upScale). Default: none; the alerts are events that rules can match by labels (alertname, cluster, source: autopilot, broker).',
      }),
  })
  .optional()
  .meta({
    description:
      "Autopilot's own health watch, independent of Prometheus: under-replicated and offline partitions, offline and fenced brokers from the cluster metadata, as alerts (source: autopilot) through the same rules. Absent: off.",
  })

const RESERVED = new Set<string>([...BROKER_ACTIONS, ...Object.keys(ACTION_ALIASES)])

export const alerts = z
  .strictObject({
    mode: z
      .enum(ACTION_MODES, { error: `must be one of ${ACTION_MODES.join(', ')}` })
      .default('dry-run')
      .meta({
        description:
          'auto: act; dry-run: plan and journal only; approve: wait for approval. Default: dry-run.',
      }),
    cooldownSeconds: intLike({
      min: 0,
      description: 'Per target, between two starts. Default: 600.',
    }).default(600),
    minBrokers: intLike({
      min: 1,
      description: 'downScale is refused at or below this broker count.',
    }).optional(),
    maxBrokers: intLike({
      min: 1,
      description: 'upScale is refused at or above this broker count.',
    }).optional(),
    auth: auth.default({ type: 'none' }),
    bodyLimitBytes: intLike({
      min: 1024,
      max: 64 * 1024 * 1024,
      description: 'Largest accepted body. Default: 1 MiB.',
    }).default(1024 * 1024),
    maxTrackedAlerts: intLike({
      min: 10,
      description: 'Fingerprints remembered for dedupe. Default: 10000.',
    }).default(10_000),
    useCommandAnnotation: z.boolean({ error: 'must be true or false' }).default(true),
    rules: z.array(rule, { error: 'must be a list of rules' }).default([]),
    actions: z.record(z.string().regex(NAME, { error: 'must be a name' }), customAction).default({}),
    healthWatch,
  })
  .check((ctx) => {
    const v = ctx.value
    for (const name of Object.keys(v.actions ?? {})) {
      if (RESERVED.has(name)) {
        ctx.issues.push({
          code: 'custom',
          path: ['actions', name],
          message: `${name} is a built-in action`,
          input: name,
        })
      }
    }
    if (v.minBrokers !== undefined && v.maxBrokers !== undefined && v.minBrokers > v.maxBrokers) {
      ctx.issues.push({
        code: 'custom',
        path: ['minBrokers'],
        message: 'must be ≤ maxBrokers',
        input: v.minBrokers,
      })
    }
    for (const [condition, action] of Object.entries(v.healthWatch?.actions ?? {})) {
      const a = ACTION_ALIASES[action] ?? action
      if (!RESERVED.has(a) && !(a in (v.actions ?? {}))) {
        ctx.issues.push({
          code: 'custom',
          path: ['healthWatch', 'actions', condition],
          message: `"${action}" is not an action`,
          input: action,
        })
      }
    }
    ;(v.rules ?? []).forEach((r, i) => {
      const a = ACTION_ALIASES[r.action] ?? r.action
      if (!RESERVED.has(a) && !(a in (v.actions ?? {}))) {
        ctx.issues.push({
          code: 'custom',
          path: ['rules', i, 'action'],
          message: `"${r.action}" is not an action`,
          input: r.action,
        })
      }
    })
  })
  .optional()
  .meta({ description: 'Self-healing: POST /alerts (Alertmanager webhook or Prometheus alerts) → actions.' })

export type AlertsConfig = NonNullable<z.output<typeof alerts>>
export type HealthWatchConfig = NonNullable<AlertsConfig['healthWatch']>
export type CustomActionConfig = z.output<typeof customAction>
export type ExecActionConfig = z.output<typeof execAction>
export type WebhookActionConfig = z.output<typeof webhookAction>

export function alertsSettings(config: { alerts?: AlertsConfig | undefined }): AlertsConfig {
  return config.alerts ?? alerts.unwrap().parse({})
}
