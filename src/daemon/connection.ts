// Kafka connection settings of a scaler, from its trigger metadata (KEDA field names) to the port's
// ConnectionOptions, and the key that groups scalers reading the same cluster as the same client.

import type { KafkaMetadata } from '../config/schema.ts'
import { AutopilotError } from '../errors.ts'
import type { ConnectionOptions } from '../kafka/port.ts'

const SASL_MECHANISMS = {
  plaintext: 'PLAIN',
  scram_sha256: 'SCRAM-SHA-256',
  scram_sha512: 'SCRAM-SHA-512',
} as const

/**
 * `field` is the metadata's config path (`scalers[0].trigger.metadata`), for errors. `env` resolves
 * passwordFromEnv. Settings the Kafka port cannot honour yet are refused here, at start, naming the field,
 * rather than silently connecting without them.
 */
export function connectionFor(md: KafkaMetadata, field: string, env: NodeJS.ProcessEnv): ConnectionOptions {
  const options: ConnectionOptions = {
    bootstrapServers: [...md.bootstrapServers],
    clientId: 'kafka-autopilot',
  }
  if (md.sasl === 'oauthbearer') {
    throw new AutopilotError('AP_ERR_CONFIG', 'sasl oauthbearer is not supported by `autopilot run` yet', {
      field: `${field}.sasl`,
      hint: 'use plaintext, scram_sha256 or scram_sha512',
    })
  }
  if (md.sasl !== 'none') {
    let password = md.password
    if (md.passwordFromEnv !== undefined) {
      password = env[md.passwordFromEnv]
      if (password === undefined) {
        throw new AutopilotError('AP_ERR_CONFIG', `environment variable ${md.passwordFromEnv} is not set`, {
          field: `${field}.passwordFromEnv`,
        })
      }
    }
    options.sasl = {
      mechanism: SASL_MECHANISMS[md.sasl],
      username: md.username ?? '',
      password: password ?? '',
    }
  }
  if (md.tls === 'enable') {
    if (md.keyPassword !== undefined) {
      throw new AutopilotError(
        'AP_ERR_CONFIG',
        'an encrypted client key (keyPassword) is not supported yet',
        {
          field: `${field}.keyPassword`,
          hint: 'give the key unencrypted (from a Secret), or leave tls client authentication off',
        },
      )
    }
    options.tls = {
      ...(md.ca === undefined ? {} : { ca: md.ca }),
      ...(md.cert === undefined ? {} : { cert: md.cert }),
      ...(md.key === undefined ? {} : { key: md.key }),
      rejectUnauthorized: !md.unsafeSsl,
    }
  }
  return options
}

/**
 * Scalers with equal keys share one admin client and one lag snapshot per tick. The key holds everything
 * that changes who we connect to and as whom; the password only as a same/different marker, never in clear.
 */
export function clusterKey(options: ConnectionOptions): string {
  const servers = [...options.bootstrapServers].sort().join(',')
  const sasl = options.sasl
    ? `${options.sasl.mechanism}:${options.sasl.username}:${hash(options.sasl.password)}`
    : ''
  const tls = options.tls ? hash(JSON.stringify(options.tls)) : ''
  return [servers, sasl, tls].join('|')
}

/** Short FNV-1a digest: distinguishes values in a key without keeping them. */
function hash(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16)
}
