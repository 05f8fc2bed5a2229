// A recorded stand-in for the local stack's functions (no processes, no files), for the local backend's unit
// tests: nodes 1-3 are broker+controller, node 4 broker-only; every call is listed in `calls`.
import type { LocalStack } from '../../../src/executor/brokers/local.ts'
import type { StackNode } from '../../../src/stack/cluster.ts'

export function node(id: number, roles: StackNode['roles']): StackNode {
  return {
    id,
    roles,
    host: '127.0.0.1',
    port: 19000 + id,
    controllerPort: null,
    jmxPort: 19500 + id,
    pid: 1000 + id,
    configFile: `/tmp/s/conf/node${id}.properties`,
    logFile: `/tmp/s/logs/node${id}.log`,
    dataDirs: [`/tmp/s/data/node${id}`],
  }
}

export function fakeStack() {
  const nodes = [
    node(1, ['broker', 'controller']),
    node(2, ['broker', 'controller']),
    node(3, ['broker', 'controller']),
    node(4, ['broker']),
  ]
  const calls: string[] = []
  const stack: LocalStack = {
    stackStatus: async (dir) => {
      calls.push(`status ${dir}`)
      return {
        clusterId: 'c',
        dir,
        bootstrapServers: '',
        libsDir: '',
        agentJar: '',
        voters: '1@127.0.0.1:19101,2@127.0.0.1:19102,3@127.0.0.1:19103',
        nodes: nodes.map((n) => ({ ...n, alive: true })),
      }
    },
    addBroker: async (dir, options = {}) => {
      const id = Math.max(...nodes.map((n) => n.id)) + 1
      calls.push(`add ${dir} ${JSON.stringify(options)}`)
      const added = node(id, ['broker'])
      nodes.push(added)
      return added
    },
    removeBroker: async (dir, id) => {
      calls.push(`remove ${dir} ${id}`)
      nodes.splice(
        nodes.findIndex((n) => n.id === id),
        1,
      )
      return { unregistered: true, killed: true }
    },
    addLogDir: async (dir, id, options = {}) => {
      calls.push(`addLogDir ${dir} ${id} ${JSON.stringify(options)}`)
      const i = nodes.findIndex((n) => n.id === id)
      const before = nodes[i]!
      const logDir = `${dir}/data/node${id}-${options.mountPath?.slice(1) ?? 'disk2'}`
      nodes[i] = { ...before, pid: before.pid + 100, dataDirs: [...before.dataDirs, logDir] }
      return { node: nodes[i]!, previousPid: before.pid, killed: false, logDir }
    },
  }
  return { stack, calls, nodes }
}
