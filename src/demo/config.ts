// The autopilot.yaml the demo (and the reaction benchmark) runs: one scaler whose `process` target runs the
// sample worker (bin/autopilot.js worker) against the demo topic. Written as YAML and parsed by the normal
// config loader, so the demo runs exactly what a user's file would, validation included.
import { join } from 'node:path'
import { stringify } from 'yaml'
import { parseConfig } from '../config/load.ts'
import type { AutopilotConfig } from '../config/schema.ts'

export const AUTOPILOT_BIN = join(import.meta.dirname, '../../bin/autopilot.js')

export interface DemoScalerOptions {
  name: string
  bootstrapServers: string
  topic: string
  group: string
  workMs: number
  /** The workers' group protocol (`autopilot worker --group-protocol`); the worker's default when absent. */
  groupProtocol?: 'classic' | 'consumer'
  minReplicas: number
  maxReplicas: number
  policy: 'lag' | 'slo'
  /** lag policy: records of lag one replica is expected to handle (KEDA lagThreshold). */
  lagThreshold: number
  /** slo policy: the longest a record may wait. */
  maxLagSeconds: number
  pollingSeconds: number
  /** Scale-down stabilization window (the HPA's default is 300 s; the demo's is short). */
  stabilizationSeconds: number
  host: string
  port: number
}

/** Records/s one sample worker handles when each record takes `workMs` (timer resolution included). */
export function workerThroughput(workMs: number): number {
  return workMs <= 0 ? 5_000 : Math.floor(1000 / (workMs + 1))
}

export function demoConfigText(o: DemoScalerOptions): string {
  const policy =
    o.policy === 'lag'
      ? { type: 'lag' }
      : {
          type: 'slo',
          maxLagSeconds: o.maxLagSeconds,
          // measured per-replica throughput is learned as the demo runs; this is the first guess
          initialThroughputPerReplica: workerThroughput(o.workMs),
          throughputSampleSeconds: 10,
          warmupSeconds: 10,
        }
  const doc = {
    scalers: [
      {
        name: o.name,
        target: {
          type: 'process',
          command: process.execPath,
          args: [
            AUTOPILOT_BIN,
            'worker',
            '--bootstrap-server',
            o.bootstrapServers,
            '--group',
            o.group,
            '--topic',
            o.topic,
            '--work-ms',
            String(o.workMs),
            '--from-beginning',
            ...(o.groupProtocol ? ['--group-protocol', o.groupProtocol] : []),
          ],
          onExit: 'stop',
        },
        trigger: {
          type: 'kafka',
          metadata: {
            bootstrapServers: o.bootstrapServers,
            consumerGroup: o.group,
            topic: o.topic,
            lagThreshold: o.lagThreshold,
            offsetResetPolicy: 'earliest',
          },
        },
        policy,
        minReplicaCount: o.minReplicas,
        maxReplicaCount: o.maxReplicas,
        pollingInterval: o.pollingSeconds,
        behavior: {
          // straight to what the lag asks for: every step is a consumer-group rebalance (a pause), so the
          // HPA's default of +4 pods per 15 s would stall the group several times during one burst
          scaleUp: { policies: [{ type: 'Pods', value: o.maxReplicas, periodSeconds: o.pollingSeconds }] },
          scaleDown: { stabilizationWindowSeconds: o.stabilizationSeconds },
        },
      },
    ],
    server: { host: o.host, port: o.port },
  }
  return stringify(doc)
}

export function demoConfig(o: DemoScalerOptions): AutopilotConfig {
  return parseConfig(demoConfigText(o), 'demo autopilot.yaml').config
}
