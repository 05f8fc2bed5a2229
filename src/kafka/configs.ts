// Topic and broker configs. A broker resource named by id goes to that broker (its dynamic per-broker configs,
// e.g. replication throttles, are answered and validated there); topics and the cluster-wide broker default
// (name '') go to any broker. Written over raw modules: the library's Admin routes name '' to broker 0.
import type { Connection } from '@platformatic/kafka'
import { protocolErrorName } from './error-mapping.ts'
import type { MetadataCache } from './metadata.ts'
import { type KafkaSession, tolerant } from './session.ts'
import { assertArray, assertName, invalid } from './validate.ts'
import type {
  DescribeConfigsRequestResource,
  DescribeConfigsResponse,
  IncrementalAlterConfigsRequestResource,
  IncrementalAlterConfigsResponse,
} from './wire-types.ts'

export type ResourceType = 'broker' | 'topic'
const RESOURCE_TYPE = { topic: 2, broker: 4 } as const
const SET = 0 as const
const DELETE = 1 as const

function assertResource(r: { type?: unknown; name?: unknown } | null, field: string): void {
  if (r?.type !== 'broker' && r?.type !== 'topic') {
    invalid(`${field}.type`, `${field}.type must be 'broker' or 'topic'`)
  }
  if (r?.type === 'topic') assertName(r.name, `${field}.name`)
  else if (typeof r?.name !== 'string' || !/^(\d+)?$/.test(r.name)) {
    invalid(`${field}.name`, `${field}.name must be a broker id, or '' for the cluster-wide default`)
  }
}

/** Node a resource must be sent to: the broker itself for `broker/<id>`, otherwise -1 (any broker). */
export function routeOf(resource: { type: ResourceType; name: string }): number {
  return resource.type === 'broker' && resource.name !== '' ? Number(resource.name) : -1
}

function routeAll<T extends { type: ResourceType; name: string }>(resources: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>()
  for (const r of resources) {
    const node = routeOf(r)
    out.set(node, [...(out.get(node) ?? []), r])
  }
  return out
}

/** Sends to broker `node`, or (node < 0) to any broker through session.onAny (`write`: sent once). */
async function sendTo<R>(
  session: KafkaSession,
  metadata: MetadataCache,
  node: number,
  send: (connection: Connection) => Promise<R>,
  write: boolean,
): Promise<R> {
  if (node < 0) return session.onAny(send, { write })
  await metadata.ensureBrokers()
  if (!session.brokers.has(node)) await metadata.fetch([])
  return send(await session.brokerConnection(node))
}

export async function describeConfigs(
  session: KafkaSession,
  metadata: MetadataCache,
  resources: Array<{ type: ResourceType; name: string; keys?: string[] }>,
): Promise<Array<{ type: ResourceType; name: string; configs: Record<string, string | null> }>> {
  assertArray(resources, 'resources')
  for (const [i, r] of resources.entries()) assertResource(r, `resources[${i}]`)
  const answers = new Map<string, Record<string, string | null>>()
  let failure: { error: string; message: string | null; subject: string } | null = null
  try {
    const api = await session.api<
      [DescribeConfigsRequestResource[], boolean, boolean],
      DescribeConfigsResponse
    >('DescribeConfigs')
    await Promise.all(
      [...routeAll(resources)].map(async ([node, list]) => {
        const request = list.map((r) => ({
          resourceType: RESOURCE_TYPE[r.type],
          resourceName: r.name,
          configurationKeys: r.keys && r.keys.length > 0 ? r.keys : null,
        }))
        const response = await sendTo(
          session,
          metadata,
          node,
          (conn) => tolerant(api.async(conn, request, false, false)),
          false,
        )
        for (const result of response.results) {
          const type: ResourceType = result.resourceType === RESOURCE_TYPE.topic ? 'topic' : 'broker'
          if (result.errorCode !== 0) {
            failure ??= {
              error: protocolErrorName(result.errorCode),
              message: result.errorMessage ?? null,
              subject: `${type} ${result.resourceName}`,
            }
            continue
          }
          answers.set(
            `${type}:${result.resourceName}`,
            Object.fromEntries(result.configs.map((c) => [c.name, c.value ?? null])),
          )
        }
      }),
    )
  } catch (error) {
    throw session.fail(error, 'DescribeConfigs')
  }
  if (failure) {
    const f = failure as { error: string; message: string | null; subject: string }
    throw session.failWith(f.error, 'DescribeConfigs', f.subject, f.message)
  }
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    configs: answers.get(`${r.type}:${r.name}`) ?? {},
  }))
}

export async function incrementalAlterConfigs(
  session: KafkaSession,
  metadata: MetadataCache,
  resources: Array<{ type: ResourceType; name: string; set?: Record<string, string>; delete?: string[] }>,
): Promise<void> {
  assertArray(resources, 'resources')
  for (const [i, r] of resources.entries()) assertResource(r, `resources[${i}]`)
  let failure: { error: string; message: string | null; subject: string } | null = null
  try {
    const api = await session.api<
      [IncrementalAlterConfigsRequestResource[], boolean],
      IncrementalAlterConfigsResponse
    >('IncrementalAlterConfigs')
    await Promise.all(
      [...routeAll(resources)].map(async ([node, list]) => {
        const request = list.map((r) => ({
          resourceType: RESOURCE_TYPE[r.type],
          resourceName: r.name,
          configs: [
            ...Object.entries(r.set ?? {}).map(([name, value]) => ({
              name,
              configOperation: SET,
              value: String(value),
            })),
            ...(r.delete ?? []).map((name) => ({ name, configOperation: DELETE, value: null })),
          ],
        }))
        const response = await sendTo(
          session,
          metadata,
          node,
          (conn) => tolerant(api.async(conn, request, false)),
          true,
        )
        for (const result of response.responses) {
          if (result.errorCode === 0) continue
          const type = result.resourceType === RESOURCE_TYPE.topic ? 'topic' : 'broker'
          failure ??= {
            error: protocolErrorName(result.errorCode),
            message: result.errorMessage ?? null,
            subject: `${type} ${result.resourceName}`,
          }
        }
      }),
    )
  } catch (error) {
    throw session.fail(error, 'IncrementalAlterConfigs')
  }
  if (failure) {
    const f = failure as { error: string; message: string | null; subject: string }
    throw session.failWith(f.error, 'IncrementalAlterConfigs', f.subject, f.message)
  }
}
