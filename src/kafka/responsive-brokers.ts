// Hand-written (not in @platformatic/kafka 2.12): a producer's or consumer's "any broker" requests (Metadata,
// FindCoordinator, ApiVersions, InitProducerId) skip a broker that stopped answering. The library sends them to
// the first bootstrap broker that accepts a connection, and the produce and fetch paths refresh metadata without
// rotating. A frozen broker (SIGSTOP, a long GC pause) still accepts TCP connections, so when it is the first
// bootstrap server every metadata refresh waited for it and timed out: the client never learnt that leadership
// had moved. Here a broker whose connection dropped (the library drops the connection of a request that timed
// out) or could not be opened is tried last for a while, like the admin session's any-broker reads (any-broker.ts).
import { type Base, type Broker, type Connection, kGetBootstrapConnection } from '@platformatic/kafka'
import { BrokerChoice, brokerKey } from './any-broker.ts'
import { toBroker } from './session.ts'

type BootstrapConnectionGetter = (callback: (error: Error | null, connection?: Connection) => void) => void

/** Makes `client` send its any-broker requests to responsive brokers first; returns the client. */
export function preferResponsiveBrokers<C extends Base>(
  client: C,
  bootstrapServers: readonly string[],
  choice = new BrokerChoice(),
): C {
  const bootstrap = bootstrapServers.map(toBroker)
  const demote = ({ broker }: { broker: Broker }) => choice.demote(brokerKey(broker))
  // Only connections of the client's own pool that closed while still in it: closing a pool (the client's, or
  // a consumer's fetch stream's) removes its connections first, and that says nothing about the brokers.
  client.on('client:broker:disconnect', (payload: { broker: Broker; connection: Connection }) => {
    if (client.connections.getEstablishedConnection(payload.broker) === payload.connection) demote(payload)
  })
  client.on('client:broker:failed', demote)
  const getter: BootstrapConnectionGetter = (callback) => {
    const discovered = [...(client.currentMetadata?.brokers.values() ?? [])].map((b) => ({
      host: b.host,
      port: b.port,
    }))
    // getFirstAvailable moves on to the next broker only when a connection cannot be opened.
    client.connections.getFirstAvailable(choice.order([...bootstrap, ...discovered]), callback)
  }
  // An own property shadows the library's method of the same (exported) symbol for this client only.
  Object.defineProperty(client, kGetBootstrapConnection, {
    value: getter,
    configurable: true,
    writable: true,
  })
  return client
}
