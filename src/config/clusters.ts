// The `clusters:` section: the Kafka clusters the broker actions (upScale, downScale, addDisk, resizeDisk)
// act on, by name. An alert names its cluster with `params.cluster`, else the `kafka_cr` or `cluster` label,
// else `default`. Each cluster has its bootstrap servers, the broker backend that adds and removes brokers
// (options as in docs/broker-backends.md, checked when the daemon builds it) and the limits of the data
// movement.
import { z } from 'zod'
import type { BrokerBackendKind } from '../executor/brokers/backend.ts'
import { intLike, stringList } from './values.ts'

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
const HOST_PORT = /^[^\s:,]+:\d{1,5}$/
export const BACKEND_KINDS = [
  'cruise-control',
  'koperator',
  'local',
  'strimzi',
] as const satisfies readonly BrokerBackendKind[]

const backend = z
  .looseObject({
    type: z.enum(BACKEND_KINDS, { error: `must be one of ${BACKEND_KINDS.join(', ')}` }),
  })
  .meta({
    description:
      'The broker backend: `type` plus its options (docs/broker-backends.md), e.g. {type: local, dir: .stack/dev}.',
  })

const reassignment = z
  .strictObject({
    throttleBytesPerSec: intLike({
      min: 1,
      description: 'Replication throttle per involved broker, bytes/s. Default: 10485760 (10 MiB/s).',
    }).optional(),
    maxMovesPerBroker: intLike({
      min: 1,
      description: 'Copy moves at once per broker. Default: 5.',
    }).optional(),
    maxMoves: intLike({
      min: 1,
      description: 'Moves in flight at once in the cluster. Default: 50.',
    }).optional(),
    timeoutSeconds: intLike({
      min: 1,
      description: 'The whole data movement; in-flight moves are reverted when it passes. Default: 21600.',
    }).optional(),
  })
  .default({})
  .meta({ description: 'Limits of the data movement of the broker actions.' })

export const clusterEntry = z
  .strictObject({
    bootstrapServers: stringList('Brokers, "host:port" comma list or list (required).').pipe(
      z
        .array(z.string())
        .min(1, { error: 'is required: at least one host:port' })
        .refine((list) => list.every((b) => HOST_PORT.test(b)), { error: 'each broker must be host:port' }),
    ),
    backend,
    reassignment,
  })
  .meta({ description: 'A Kafka cluster the broker actions act on.' })

export const clusters = z
  .record(z.string(), clusterEntry, { error: 'must be a map of cluster name to cluster' })
  .check((ctx) => {
    for (const name of Object.keys(ctx.value)) {
      if (!NAME.test(name)) {
        ctx.issues.push({
          code: 'custom',
          path: [name],
          message: 'must be a name (letters, digits, ., - and _)',
          input: name,
        })
      }
    }
  })
  .optional()
  .meta({
    description:
      'Kafka clusters for the broker actions, by name (an alert picks one with params.cluster, the kafka_cr or cluster label, else "default").',
  })

export type ClusterConfig = z.output<typeof clusterEntry>
export type ClustersConfig = z.output<typeof clusters>
