import { describe, expect, it } from 'vitest'
import { clusterIdFrom, jvmArgs, renderServerProperties, votersString } from '../../src/stack/configs.ts'

function parse(props: string): Record<string, string> {
  return Object.fromEntries(
    props
      .trim()
      .split('\n')
      .map((line) => {
        const i = line.indexOf('=')
        return [line.slice(0, i), line.slice(i + 1)]
      }),
  )
}

describe('server.properties', () => {
  const voters = votersString([
    { id: 1, host: '127.0.0.1', controllerPort: 19093 },
    { id: 2, host: '127.0.0.1', controllerPort: 29093 },
    { id: 3, host: '127.0.0.1', controllerPort: 39093 },
  ])

  it('gives a combined node both listeners and the static quorum', () => {
    const props = parse(
      renderServerProperties({
        id: 1,
        combined: true,
        host: '127.0.0.1',
        port: 19092,
        controllerPort: 19093,
        voters,
        dataDirs: ['/d/node1'],
      }),
    )
    expect(props['process.roles']).toBe('broker,controller')
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093')
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093')
    expect(props['log.dirs']).toBe('/d/node1')
    expect(props['offsets.topic.replication.factor']).toBe('3')
    expect(props['auto.create.topics.enable']).toBe('false')
    expect(props['broker.rack']).toBeUndefined()
  })

  it('keeps the controller listener out of a broker-only node but still maps it', () => {
    const props = parse(
      renderServerProperties({
        id: 4,
        combined: false,
        host: '127.0.0.1',
        port: 49092,
        controllerPort: null,
        voters,
        dataDirs: ['/d/a', '/d/b'],
        rack: 'r2',
      }),
    )
    expect(props['process.roles']).toBe('broker')
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:49092')
    expect(props['controller.listener.names']).toBe('CONTROLLER')
    expect(props['listener.security.protocol.map']).toContain('CONTROLLER:PLAINTEXT')
    expect(props['controller.quorum.voters']).not.toContain('4@')
    expect(props['log.dirs']).toBe('/d/a,/d/b')
    expect(props['broker.rack']).toBe('r2')
  })

  it('gives up on a frozen active controller after 10 s instead of 30 s', () => {
    const props = parse(
      renderServerProperties({
        id: 4,
        combined: false,
        host: '127.0.0.1',
        port: 49092,
        controllerPort: null,
        voters,
        dataDirs: ['/d/a'],
      }),
    )
    expect(props['controller.socket.timeout.ms']).toBe('10000')
  })

  it('never writes a comment after a value', () => {
    const text = renderServerProperties({
      id: 1,
      combined: true,
      host: '127.0.0.1',
      port: 1,
      controllerPort: 2,
      voters,
      dataDirs: ['/d'],
    })
    expect(text).not.toMatch(/#/)
  })
})

describe('cluster id', () => {
  it('is 22 base64url characters and never starts with a dash', () => {
    const dashFirst = new Uint8Array(16).fill(0xfb) // base64url of 0xfb... starts with '-'
    expect(Buffer.from(dashFirst).toString('base64url').startsWith('-')).toBe(true)
    const id = clusterIdFrom(dashFirst)
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
  })
})

describe('JVM arguments', () => {
  it('binds the JMX exporter agent to the loopback host and caps the heap', () => {
    const args = jvmArgs({
      logConfig: '/c/log4j2.yaml',
      agentJar: '/a/agent.jar',
      host: '127.0.0.1',
      jmxPort: 19404,
      jmxConfig: '/c/jmx.yml',
      heapMb: 384,
    })
    expect(args).toContain('-javaagent:/a/agent.jar=127.0.0.1:19404:/c/jmx.yml')
    expect(args).toContain('-Xmx384m')
    expect(args).toContain('-Dlog4j2.configurationFile=/c/log4j2.yaml')
  })
})
