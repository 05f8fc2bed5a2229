// Settings of the long-running daemon (`autopilot run`): where its HTTP API listens, where the journal lives
// and how long it keeps entries, and the Lease used for leader election when Autopilot runs in Kubernetes.
import { z } from 'zod'
import { intLike, text } from './values.ts'

export const DEFAULT_SERVER_HOST = '127.0.0.1'
export const DEFAULT_SERVER_PORT = 9477

export const server = z
  .strictObject({
    host: text(`Address the HTTP API listens on. Default: ${DEFAULT_SERVER_HOST}.`).default(
      DEFAULT_SERVER_HOST,
    ),
    port: intLike({
      min: 0,
      max: 65_535,
      description: `HTTP port (0: any free port). Default: ${DEFAULT_SERVER_PORT}.`,
    }).default(DEFAULT_SERVER_PORT),
  })
  .optional()
  .meta({ description: 'HTTP API: /metrics, /healthz, /readyz, /api/v1/…' })

export const journal = z
  .strictObject({
    path: text(
      'SQLite file of the journal, relative to this config file. Default: .autopilot/journal.db.',
    ).default('.autopilot/journal.db'),
    retentionDays: intLike({
      min: 1,
      description: 'Entries older than this are deleted. Default: 14.',
    }).default(14),
    maxEntries: intLike({
      min: 100,
      description: 'At most this many entries are kept (oldest deleted first). Default: 200000.',
    }).default(200_000),
  })
  .optional()
  .meta({ description: 'The durable record of every decision, action and event.' })

export const leaderElection = z
  .strictObject({
    enabled: z
      .union([z.literal('auto'), z.boolean()], { error: 'must be auto, true or false' })
      .default('auto')
      .meta({
        description:
          'auto (default): elect a leader when running in Kubernetes (KUBERNETES_SERVICE_HOST set) or when a scaler has a kubernetes target or a cluster a strimzi/koperator backend. true: always (needs a kubeconfig). false: never; every replica acts (one replica only).',
      }),
    leaseName: z
      .string({ error: 'must be a string' })
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name' })
      .max(253)
      .default('kafka-autopilot'),
    namespace: z
      .string({ error: 'must be a string' })
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a Kubernetes namespace name' })
      .max(63)
      .optional()
      .meta({
        description:
          "Namespace of the Lease. Unset: $POD_NAMESPACE, else the pod's service account namespace, else the first kubernetes target's or backend's, else default.",
      }),
    advertiseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .meta({
        description:
          "The URL other replicas reach this replica's HTTP API at. The leader writes it on the Lease (annotation autopilot.dev/leader-url) and a follower forwards the alerts it is sent there. Unset: http://$POD_IP:<server.port> when POD_IP is set (downward API), else none (a follower then answers alerts with 503 so the sender retries).",
      }),
  })
  .optional()
  .meta({
    description:
      'Lease-based leader election: of several replicas only the leader acts (scales, runs alert actions, watches health, recovers).',
  })

export type ServerConfig = NonNullable<z.output<typeof server>>
export type JournalConfig = NonNullable<z.output<typeof journal>>
export type LeaderElectionConfig = NonNullable<z.output<typeof leaderElection>>

/**
 * The daemon's sections with every default filled in. The sections are optional in the file (so a config
 * with only `scalers:` parses to exactly that); the daemon reads them through this.
 */
export function daemonSettings(config: {
  server?: ServerConfig | undefined
  journal?: JournalConfig | undefined
  leaderElection?: LeaderElectionConfig | undefined
}): { server: ServerConfig; journal: JournalConfig; leaderElection: LeaderElectionConfig } {
  return {
    server: config.server ?? server.unwrap().parse({}),
    journal: config.journal ?? journal.unwrap().parse({}),
    leaderElection: config.leaderElection ?? leaderElection.unwrap().parse({}),
  }
}
