// stackNode: the one lookup of a node by id that `stack remove-broker` and the controlled restart share.
import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { type StackNode, type StackState, stackNode } from '../../src/stack/cluster.ts'

const node = (id: number): StackNode => ({
  id,
  roles: ['broker'],
  host: '127.0.0.1',
  port: 19090 + id,
  controllerPort: null,
  jmxPort: 19190 + id,
  pid: 1000 + id,
  configFile: `/s/conf/node${id}.properties`,
  logFile: `/s/logs/node${id}.log`,
  dataDirs: [`/s/data/node${id}`],
})

const state: StackState = {
  clusterId: 'c',
  dir: '/s',
  bootstrapServers: '127.0.0.1:19091,127.0.0.1:19092',
  libsDir: '/libs',
  agentJar: '/agent.jar',
  nodes: [node(1), node(2)],
  voters: '1@127.0.0.1:1',
}

describe('stackNode', () => {
  it('returns the node with that id', () => {
    expect(stackNode(state, 2)).toBe(state.nodes[1])
  })

  it('refuses an id the stack does not have, naming --id and the ids it has', () => {
    let error: unknown
    try {
      stackNode(state, 7)
    } catch (err) {
      error = err
    }
    expect(AutopilotError.is(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'AP_ERR_NOT_FOUND',
      field: '--id',
      hint: 'brokers: 1, 2',
      message: 'broker 7 is not part of the stack in /s',
    })
  })
})
