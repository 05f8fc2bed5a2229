// Builds the context of the broker operations for one configured cluster (`clusters.<name>`): its Kafka admin
// port and its broker backend (options validated here, errors naming `clusters.<name>.backend.<field>`). The
// local backend is given the admin port, so it refuses to remove a broker that still holds data.
import type { ClusterConfig } from '../../config/clusters.ts'
import type { AdminPortOptions, KafkaAdminPort } from '../../kafka/port.ts'
import type { BrokerBackend, BrokerBackendDeps } from '../brokers/backend.ts'
import type { BrokerOpsContext, ReassignmentSettings } from './types.ts'

export interface ClusterOps {
  name: string
  admin: KafkaAdminPort
  backend: BrokerBackend
  reassignment: ReassignmentSettings
  /** A context for one operation (progress, journal, signal, minBrokers added by the caller). */
  context(extra?: Partial<Omit<BrokerOpsContext, 'cluster' | 'admin' | 'backend'>>): BrokerOpsContext
  close(): Promise<void>
}

export interface OpenClusterOpsDeps extends Omit<BrokerBackendDeps, 'field'> {
  /** Default: the real Kafka port (src/kafka). */
  openAdminPort?: (options: AdminPortOptions) => KafkaAdminPort | Promise<KafkaAdminPort>
  /** Default: the registry (src/executor/brokers/registry.ts). */
  createBackend?: (
    config: Record<string, unknown>,
    deps: BrokerBackendDeps & { admin: KafkaAdminPort },
  ) => BrokerBackend
}

export async function openClusterOps(
  name: string,
  config: ClusterConfig,
  deps: OpenClusterOpsDeps = {},
): Promise<ClusterOps> {
  const { openAdminPort, createBackend, ...backendDeps } = deps
  const open = openAdminPort ?? (await import('../../kafka/index.ts')).createAdminPort
  const create = createBackend ?? (await import('../brokers/registry.ts')).createBrokerBackend
  const admin = await open({
    bootstrapServers: [...config.bootstrapServers],
    clientId: 'kafka-autopilot-brokers',
  })
  let backend: BrokerBackend
  try {
    // The local backend reads `admin` (its drain check); the others ignore it.
    const withAdmin: BrokerBackendDeps & { admin: KafkaAdminPort } = {
      ...backendDeps,
      field: `clusters.${name}.backend`,
      admin,
    }
    backend = create(config.backend as Record<string, unknown>, withAdmin)
  } catch (err) {
    await admin.close().catch(() => {})
    throw err
  }
  const r = config.reassignment
  const reassignment: ReassignmentSettings = {
    ...(r.throttleBytesPerSec !== undefined ? { throttleBytesPerSec: r.throttleBytesPerSec } : {}),
    ...(r.maxMovesPerBroker !== undefined ? { maxMovesPerBroker: r.maxMovesPerBroker } : {}),
    ...(r.maxMoves !== undefined ? { maxMoves: r.maxMoves } : {}),
    ...(r.timeoutSeconds !== undefined ? { timeoutMs: r.timeoutSeconds * 1000 } : {}),
  }
  return {
    name,
    admin,
    backend,
    reassignment,
    context: (extra = {}) => ({ reassignment, ...extra, cluster: name, admin, backend }),
    async close() {
      await backend.close().catch(() => {})
      await admin.close().catch(() => {})
    },
  }
}
