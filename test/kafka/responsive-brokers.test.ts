// Which broker a producer's or consumer's any-broker request (Metadata, FindCoordinator) goes to first. The
// client is a plain EventEmitter with the two members the wiring reads (its pool and its metadata): this checks
// our ordering and what demotes a broker, not Kafka.
import { EventEmitter } from 'node:events'
import { type Base, kGetBootstrapConnection } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { preferResponsiveBrokers } from '../../src/kafka/responsive-brokers.ts'

type HostPort = { host: string; port: number }

function fakeClient(established: Map<string, object>) {
  const asked: string[][] = []
  const client = Object.assign(new EventEmitter(), {
    currentMetadata: { brokers: new Map([[4, { host: 'h', port: 4 }]]) },
    connections: {
      getEstablishedConnection: (b: HostPort) => established.get(`${b.host}:${b.port}`),
      getFirstAvailable: (brokers: HostPort[], callback: (e: null, c: object) => void) => {
        asked.push(brokers.map((b) => `${b.host}:${b.port}`))
        callback(null, {})
      },
    },
  })
  preferResponsiveBrokers(client as unknown as Base, ['h:1', 'h:2', 'h:3'])
  const firstChoice = () => {
    const getter = (client as unknown as Record<symbol, (cb: () => void) => void>)[kGetBootstrapConnection]!
    getter(() => {})
    return asked.at(-1)
  }
  return { client, firstChoice }
}

describe('preferResponsiveBrokers', () => {
  it('asks the bootstrap servers in order, then the brokers learnt from metadata', () => {
    const { firstChoice } = fakeClient(new Map())
    expect(firstChoice()).toEqual(['h:1', 'h:2', 'h:3', 'h:4'])
  })

  it('a broker whose connection dropped is asked last', () => {
    const connection = {}
    const { client, firstChoice } = fakeClient(new Map([['h:1', connection]]))
    client.emit('client:broker:disconnect', { broker: { host: 'h', port: 1 }, connection })
    expect(firstChoice()).toEqual(['h:2', 'h:3', 'h:4', 'h:1'])
  })

  it('a broker that refused a connection is asked last', () => {
    const { client, firstChoice } = fakeClient(new Map())
    client.emit('client:broker:failed', { broker: { host: 'h', port: 2 }, connection: {} })
    expect(firstChoice()).toEqual(['h:1', 'h:3', 'h:4', 'h:2'])
  })

  it('closing a pool (connections no longer in the client pool) demotes nothing', () => {
    const { client, firstChoice } = fakeClient(new Map([['h:1', {}]]))
    client.emit('client:broker:disconnect', { broker: { host: 'h', port: 1 }, connection: {} })
    client.emit('client:broker:disconnect', { broker: { host: 'h', port: 2 }, connection: {} })
    expect(firstChoice()).toEqual(['h:1', 'h:2', 'h:3', 'h:4'])
  })
})
