// createAdminPort: the KafkaAdminPort over @platformatic/kafka. Each method lives in its own module; this file
// wires them to one session (connection pool, API versions, request counter) and the metadata/coordinator caches.

import { describeLogDirs, unregisterBroker } from './brokers.ts'
import { committedOffsets } from './committed.ts'
import { describeConfigs, incrementalAlterConfigs } from './configs.ts'
import { CoordinatorCache } from './coordinators.ts'
import { describeCluster } from './describe-cluster.ts'
import { electPreferredLeaders } from './elect-leaders.ts'
import { alterGroupOffsets, deleteGroups } from './group-writes.ts'
import { describeGroups, listGroups } from './groups.ts'
import { MetadataCache, toClusterMetadata } from './metadata.ts'
import { partitionOffsets } from './offsets.ts'
import type { AdminPortOptions, ClusterMetadata, KafkaAdminPort } from './port.ts'
import { probeRecords } from './probe.ts'
import { alterPartitionReassignments, listPartitionReassignments } from './reassignments.ts'
import { alterReplicaLogDirs } from './replica-log-dirs.ts'
import { KafkaSession } from './session.ts'
import { createPartitions, createTopic, deleteTopics } from './topics.ts'
import { assertNames } from './validate.ts'

const DEFAULT_METADATA_MAX_AGE_MS = 30_000
const DEFAULT_COORDINATOR_MAX_AGE_MS = 300_000
const DEFAULT_PROBE_MAX_BYTES = 8 * 1024

async function metadata(
  session: KafkaSession,
  cache: MetadataCache,
  topics?: string[],
): Promise<ClusterMetadata> {
  if (topics !== undefined) assertNames(topics, 'topics')
  const wanted = topics ? [...new Set(topics)] : null
  let raw: Awaited<ReturnType<MetadataCache['fetch']>>
  try {
    raw = await cache.fetch(wanted)
  } catch (error) {
    throw session.fail(error, 'Metadata')
  }
  const missing = raw.topics.find((t) => t.errorCode !== 0 && t.name && wanted?.includes(t.name))
  if (missing)
    throw session.failWith('UNKNOWN_TOPIC_OR_PARTITION', 'Metadata', `topic ${missing.name}`, null, 'topics')
  return toClusterMetadata(raw, wanted ? new Set(wanted) : undefined)
}

export function createAdminPort(options: AdminPortOptions): KafkaAdminPort {
  const session = new KafkaSession(options)
  const cache = new MetadataCache(session, options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS)
  const coordinators = new CoordinatorCache(
    session,
    options.coordinatorMaxAgeMs ?? DEFAULT_COORDINATOR_MAX_AGE_MS,
  )
  const probeBytes = options.probeMaxBytes ?? DEFAULT_PROBE_MAX_BYTES
  let closed: Promise<void> | null = null
  return {
    metadata: (opts) => metadata(session, cache, opts?.topics),
    describeCluster: () => describeCluster(session),
    listGroups: () => listGroups(session, cache),
    describeGroups: (groupIds) => describeGroups(session, coordinators, groupIds),
    committedOffsets: (groups) => committedOffsets(session, cache, coordinators, groups),
    partitionOffsets: (partitions, opts) => partitionOffsets(session, cache, partitions, opts),
    probeRecords: (positions) => probeRecords(session, cache, positions, probeBytes),
    createTopic: (opts) => createTopic(session, cache, opts),
    deleteTopics: (topics) => deleteTopics(session, cache, topics),
    createPartitions: (topic, totalCount) => createPartitions(session, cache, topic, totalCount),
    alterGroupOffsets: (groupId, offsets) => alterGroupOffsets(session, coordinators, groupId, offsets),
    deleteGroups: (groupIds) => deleteGroups(session, coordinators, groupIds),
    describeConfigs: (resources) => describeConfigs(session, cache, resources),
    incrementalAlterConfigs: (resources) => incrementalAlterConfigs(session, cache, resources),
    alterPartitionReassignments: (moves) => alterPartitionReassignments(session, moves),
    listPartitionReassignments: () => listPartitionReassignments(session),
    describeLogDirs: (brokerIds) => describeLogDirs(session, cache, brokerIds),
    alterReplicaLogDirs: (moves) => alterReplicaLogDirs(session, cache, moves),
    electPreferredLeaders: (partitions) => electPreferredLeaders(session, partitions),
    unregisterBroker: (brokerId) => unregisterBroker(session, brokerId),
    requestCounts: () => session.snapshotCounts(),
    close: () => {
      closed ??= session.close().catch(() => {})
      return closed
    },
  }
}
