// One admin session: a @platformatic/kafka Admin (its connection pool and API-version negotiation), a request
// counter, and helpers to send raw, versioned protocol requests to a chosen broker. Every raw call in src/kafka
// goes through `api()` (highest version both the broker and the library support) or a local codec.
import {
  Admin,
  type API,
  type Broker,
  type Connection,
  kGetApi,
  MultipleErrors,
  protocolErrors,
} from '@platformatic/kafka'
import { AutopilotError } from '../errors.ts'
import { BrokerChoice, brokerKey, callAnyBroker } from './any-broker.ts'
import { toAutopilotError } from './error-mapping.ts'
import { resolveConnection } from './options.ts'
import type { BrokerNode, ConnectionOptions } from './port.ts'
import { RequestCounter } from './request-counter.ts'

/**
 * Attempts of an idempotent any-broker read: the first broker, then up to two others. This covers a frozen
 * broker, not a frozen active controller: then every broker forwarding a request to the controller
 * (ListPartitionReassignments and the writes) hangs until its controller channel times out (~30 s measured on
 * the local stack), whichever broker is asked; callers must wait that out.
 */
const READ_ATTEMPTS = 3
/** A new read attempt starts until this many request timeouts after the call began (so the third still does). */
const READ_BUDGET_TIMEOUTS = 2.5

export interface ApiRange {
  minVersion: number
  maxVersion: number
}

/** Splits `host:port` (IPv6 in brackets) into a Broker. Input was validated by parseBootstrapServers. */
export function toBroker(server: string): Broker {
  const at = server.lastIndexOf(':')
  const host = server.slice(0, at).replace(/^\[(.*)\]$/, '$1')
  return { host, port: Number(server.slice(at + 1)) }
}

/**
 * Parsers of @platformatic/kafka throw a ResponseError when any item of a response carries an error code, with
 * the fully parsed response attached. Batched calls need the per-item codes, so this returns that response.
 */
export async function tolerant<R>(promise: Promise<R>): Promise<R> {
  try {
    return await promise
  } catch (error) {
    const e = error as { code?: string; response?: unknown }
    if (e?.code === 'PLT_KFK_RESPONSE' && e.response) return e.response as R
    throw error
  }
}

export class KafkaSession {
  readonly admin: Admin
  readonly bootstrapServers: string[]
  readonly requestTimeoutMs: number
  readonly counter: RequestCounter
  #apis: Promise<Map<string, ApiRange>> | null = null
  /** Brokers whose any-broker request timed out (or could not connect) lately: tried last. */
  readonly #choice = new BrokerChoice()
  /** Brokers learnt from the last Metadata answer (id → node); used to reach leaders and coordinators. */
  brokers = new Map<number, BrokerNode>()

  constructor(options: ConnectionOptions) {
    const resolved = resolveConnection(options, '-admin')
    this.bootstrapServers = resolved.bootstrapServers
    this.requestTimeoutMs = resolved.requestTimeoutMs
    this.admin = new Admin(resolved.base)
    this.counter = new RequestCounter([this.admin.instanceId])
  }

  fail(error: unknown, api: string, subject?: string, field?: string): AutopilotError {
    return toAutopilotError(error, {
      api,
      bootstrapServers: this.bootstrapServers,
      ...(subject === undefined ? {} : { subject }),
      ...(field === undefined ? {} : { field }),
    })
  }

  /** An AutopilotError for a Kafka error code found inside a response item (e.g. 'TOPIC_ALREADY_EXISTS'). */
  failWith(kafkaError: string, api: string, subject?: string, serverMessage?: string | null, field?: string) {
    const canRetry = protocolErrors[kafkaError]?.canRetry ?? false
    return this.fail(
      { apiId: kafkaError, message: kafkaError, serverErrorMessage: serverMessage ?? null, canRetry },
      api,
      subject,
      field,
    )
  }

  /** The library's module for `name` at the highest version both sides support. */
  api<Args extends unknown[], R>(name: string): Promise<API<Args, R>> {
    return new Promise((resolve, reject) => {
      this.admin[kGetApi]<Args, R>(name, (error, api) => (error || !api ? reject(error) : resolve(api)))
    })
  }

  /** Version range the cluster supports for an API (by protocol name), or undefined. */
  async apiRange(name: string): Promise<ApiRange | undefined> {
    if (!this.#apis) {
      this.#apis = this.admin.listApis().then((apis) => new Map(apis.map((a) => [a.name, a])))
      this.#apis.catch(() => {
        this.#apis = null
      })
    }
    return (await this.#apis).get(name)
  }

  /**
   * Sends one request to any reachable broker: bootstrap servers first, then brokers learnt from metadata; a
   * broker whose any-broker request timed out lately comes last (any-broker.ts). The broker this request went
   * to is the one demoted on a timeout or connection error. Reads are retried on another broker while
   * `deadline` allows (default: READ_BUDGET_TIMEOUTS request timeouts from now, so at worst three timeouts in
   * all); `write: true` sends once: a timed-out write may have been applied.
   */
  onAny<R>(
    send: (connection: Connection) => Promise<R>,
    options: { write?: boolean; deadline?: number } = {},
  ): Promise<R> {
    return callAnyBroker({
      pick: (avoid) => this.#pick(avoid),
      send,
      demote: (key) => this.#choice.demote(key),
      attempts: options.write ? 1 : READ_ATTEMPTS,
      deadline: options.deadline ?? Date.now() + READ_BUDGET_TIMEOUTS * this.requestTimeoutMs,
    })
  }

  /** The brokers (host:port) in the order onAny tries them now. */
  brokerOrder(avoid: ReadonlySet<string> = new Set()): Broker[] {
    const known = [...this.brokers.values()].map((b) => ({ host: b.host, port: b.port }))
    return this.#choice.order([...this.bootstrapServers.map(toBroker), ...known], avoid)
  }

  async #pick(avoid: ReadonlySet<string>): Promise<{ key: string; connection: Connection }> {
    const ordered = this.brokerOrder(avoid)
    const errors: unknown[] = []
    for (const broker of ordered) {
      try {
        return { key: brokerKey(broker), connection: await this.admin.connections.get(broker) }
      } catch (error) {
        errors.push(error)
        this.#choice.demote(brokerKey(broker))
      }
    }
    throw new MultipleErrors('Cannot connect to any broker.', errors as Error[])
  }

  connectionTo(broker: Broker): Promise<Connection> {
    return this.admin.connections.get({ host: broker.host, port: broker.port })
  }

  /** A connection to broker `nodeId`; fails when the id is unknown to the last metadata. */
  async brokerConnection(nodeId: number): Promise<Connection> {
    const node = this.brokers.get(nodeId)
    if (!node) {
      throw new AutopilotError('AP_ERR_NOT_FOUND', `broker ${nodeId} is not in the cluster metadata`, {
        details: { brokers: [...this.brokers.keys()] },
      })
    }
    return this.connectionTo(node)
  }

  snapshotCounts(): Record<string, number> {
    return this.counter.snapshot()
  }

  async close(): Promise<void> {
    this.counter.close()
    await this.admin.close()
  }
}
