// The local Kafka cluster: real Kafka 4.1 jars, KRaft, all on 127.0.0.1, started and stopped by PID.
// Combined broker+controller nodes form a static quorum (up to 3); further nodes are broker-only.
// Everything the cluster needs lives under one folder: conf/, data/, logs/ and state.json.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AutopilotError } from '../errors.ts'
import {
  clusterIdFrom,
  JMX_EXPORTER_RULES,
  jvmArgs,
  LOG4J2_SERVER,
  type NodeConfigInput,
  renderServerProperties,
  votersString,
} from './configs.ts'
import { ensureKafkaJars } from './jars.ts'
import { checkJava, javaBinary } from './java.ts'
import { startMonitoring, stopMonitoring, writeScrapeTargets } from './monitoring.ts'
import { assertPortFree, freePorts } from './ports.ts'
import { isOurs, type Spawned, spawnDetached, stopProcesses } from './process.ts'
import { waitForLogLine } from './readiness.ts'
import { KAFKA_TOOLS, runKafkaTool } from './tools.ts'
import type { StackNode, StackState } from './types.ts'

export type { StackNode, StackState } from './types.ts'

export interface StartOptions {
  dir: string
  /** Number of brokers; the first min(brokers, 3) are combined broker+controller nodes. */
  brokers?: number
  host?: string
  /** Fixed ports instead of free ones: node N gets base+N*10 (+0 client, +1 controller, +2 JMX exporter). */
  portBase?: number
  heapMb?: number
  /** Rack names assigned round-robin to brokers (broker.rack), for rack-aware placement. */
  racks?: string[]
  readyTimeoutMs?: number
  /** Also start Debian's Prometheus (scraping every broker) and Alertmanager (posting to `webhookUrl`). */
  monitoring?: { webhookUrl: string; rules?: unknown; intervalSeconds?: number }
}

const STATE_FILE = 'state.json'
/** The line a node logs once it serves (broker) and has joined the quorum. */
export const STARTED = 'Kafka Server started'

export async function readState(dir: string): Promise<StackState> {
  const file = join(resolve(dir), STATE_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new AutopilotError(
      'AP_ERR_NOT_FOUND',
      `no local stack in ${resolve(dir)} (${STATE_FILE} is missing)`,
      {
        field: '--dir',
        hint: 'start one with `autopilot stack up`',
      },
    )
  }
  try {
    return JSON.parse(text) as StackState
  } catch (cause) {
    throw new AutopilotError('AP_ERR_STACK', `${file} is not valid JSON`, { cause })
  }
}

export async function writeState(state: StackState): Promise<void> {
  await writeFile(join(state.dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`)
}

function bootstrapOf(nodes: StackNode[]): string {
  return nodes
    .filter((n) => n.roles.includes('broker'))
    .map((n) => `${n.host}:${n.port}`)
    .join(',')
}

export function nodeAlive(node: StackNode): boolean {
  return isOurs(node.pid, node.configFile)
}

/** kafka-storage format: only empty dirs are written (`--ignore-formatted`), so it also formats an added dir. */
export async function formatNode(
  state: { libsDir: string; dir: string },
  clusterId: string,
  configFile: string,
) {
  const result = await runKafkaTool(state, KAFKA_TOOLS.storage, [
    'format',
    `--cluster-id=${clusterId}`,
    '--config',
    configFile,
    '--ignore-formatted',
  ])
  if (result.code !== 0) {
    throw new AutopilotError('AP_ERR_STACK', `formatting storage for ${configFile} failed`, {
      hint: (result.stderr || result.stdout).trim().slice(-1500),
    })
  }
}

interface PlannedNode extends NodeConfigInput {
  jmxPort: number
  configFile: string
  logFile: string
}

export async function launch(
  state: StackState,
  node: Pick<PlannedNode, 'host' | 'jmxPort' | 'configFile' | 'logFile'>,
  heapMb?: number,
): Promise<Spawned> {
  const conf = join(state.dir, 'conf')
  const args = [
    ...jvmArgs({
      logConfig: join(conf, 'log4j2.yaml'),
      agentJar: state.agentJar,
      host: node.host,
      jmxPort: node.jmxPort,
      jmxConfig: join(conf, 'jmx.yml'),
      ...(heapMb === undefined ? {} : { heapMb }),
    }),
    '-cp',
    `${state.libsDir}/*`,
    'kafka.Kafka',
    node.configFile,
  ]
  return spawnDetached(javaBinary(), args, node.logFile)
}

function toStackNode(node: PlannedNode, pid: number): StackNode {
  return {
    id: node.id,
    roles: node.combined ? ['broker', 'controller'] : ['broker'],
    host: node.host,
    port: node.port,
    controllerPort: node.controllerPort,
    jmxPort: node.jmxPort,
    pid,
    configFile: node.configFile,
    logFile: node.logFile,
    dataDirs: node.dataDirs,
  }
}

/** Starts the planned nodes together and waits (bounded) until each logs that it started. */
async function startNodes(
  state: StackState,
  planned: PlannedNode[],
  opts: StartOptions,
): Promise<StackNode[]> {
  await Promise.all(planned.map((n) => formatNode(state, state.clusterId, n.configFile)))
  const started: Array<{ node: PlannedNode; proc: Spawned }> = []
  try {
    for (const node of planned) started.push({ node, proc: await launch(state, node, opts.heapMb) })
    const timeoutMs = opts.readyTimeoutMs ?? 120_000
    await Promise.all(
      started.map(({ node, proc }) =>
        waitForLogLine({
          file: node.logFile,
          text: STARTED,
          timeoutMs,
          exited: proc.exited,
          what: `node ${node.id}`,
        }),
      ),
    )
  } catch (err) {
    await stopProcesses(
      started.map(({ node, proc }) => ({ pid: proc.pid, marker: node.configFile })),
      5_000,
    )
    throw err
  }
  return started.map(({ node, proc }) => toStackNode(node, proc.pid))
}

async function planPorts(count: number, opts: StartOptions, host: string, firstId: number) {
  if (opts.portBase === undefined) {
    const ports = await freePorts(count * 3, host)
    return Array.from({ length: count }, (_, i) => ({
      port: ports[i * 3]!,
      controllerPort: ports[i * 3 + 1]!,
      jmxPort: ports[i * 3 + 2]!,
    }))
  }
  const plan = Array.from({ length: count }, (_, i) => {
    const base = opts.portBase! + (firstId + i) * 10
    return { port: base, controllerPort: base + 1, jmxPort: base + 2 }
  })
  for (const [i, p] of plan.entries()) {
    await assertPortFree(host, p.port, `node ${firstId + i} client listener`)
    await assertPortFree(host, p.controllerPort, `node ${firstId + i} controller listener`)
    await assertPortFree(host, p.jmxPort, `node ${firstId + i} JMX exporter`)
  }
  return plan
}

function validateStart(opts: StartOptions): number {
  const brokers = opts.brokers ?? 3
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      `--brokers must be a whole number from 1 to 9, got ${opts.brokers}`,
      {
        field: '--brokers',
      },
    )
  }
  if (
    opts.portBase !== undefined &&
    (!Number.isInteger(opts.portBase) || opts.portBase < 1024 || opts.portBase > 65000)
  ) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      `--port-base must be a port from 1024 to 65000, got ${opts.portBase}`,
      {
        field: '--port-base',
      },
    )
  }
  return brokers
}

/**
 * Starts a cluster in `opts.dir`, or returns the running one if every node there is alive. A folder whose
 * previous cluster died is cleaned and started afresh.
 */
export async function startStack(opts: StartOptions): Promise<StackState> {
  const brokers = validateStart(opts)
  const dir = resolve(opts.dir)
  const host = opts.host ?? '127.0.0.1'
  if (existsSync(join(dir, STATE_FILE))) {
    const existing = await readState(dir)
    if (existing.nodes.every(nodeAlive)) return existing
    await stopStack(dir)
  }
  await checkJava()
  const jars = await ensureKafkaJars()
  const conf = join(dir, 'conf')
  await mkdir(conf, { recursive: true })
  await mkdir(join(dir, 'logs'), { recursive: true })
  await writeFile(join(conf, 'log4j2.yaml'), LOG4J2_SERVER)
  await writeFile(join(conf, 'jmx.yml'), JMX_EXPORTER_RULES)

  const ports = await planPorts(brokers, opts, host, 1)
  const controllers = Math.min(brokers, 3)
  const voters = votersString(
    ports.slice(0, controllers).map((p, i) => ({ id: i + 1, host, controllerPort: p.controllerPort })),
  )
  const planned: PlannedNode[] = ports.map((p, i) => {
    const id = i + 1
    const combined = i < controllers
    return {
      id,
      combined,
      host,
      port: p.port,
      controllerPort: combined ? p.controllerPort : null,
      jmxPort: p.jmxPort,
      voters,
      dataDirs: [join(dir, 'data', `node${id}`)],
      rack: opts.racks?.length ? opts.racks[i % opts.racks.length] : undefined,
      configFile: join(conf, `node${id}.properties`),
      logFile: join(dir, 'logs', `node${id}.log`),
    }
  })
  for (const node of planned) await writeFile(node.configFile, renderServerProperties(node))

  const state: StackState = {
    clusterId: clusterIdFrom(randomBytes(16)),
    dir,
    bootstrapServers: '',
    libsDir: jars.libsDir,
    agentJar: jars.agentJar,
    nodes: [],
    voters,
  }
  state.nodes = await startNodes(state, planned, opts)
  state.bootstrapServers = bootstrapOf(state.nodes)
  if (opts.monitoring) {
    try {
      state.monitoring = await startMonitoring({ dir, nodes: state.nodes, host, ...opts.monitoring })
    } catch (err) {
      await stopProcesses(state.nodes.map((n) => ({ pid: n.pid, marker: n.configFile })))
      throw err
    }
  }
  await writeState(state)
  return state
}

/** Stops every node by PID (all at once), then removes the cluster's files unless `keepLogs`. */
export async function stopStack(
  dir: string,
  options: { keepLogs?: boolean } = {},
): Promise<{ killed: number[] }> {
  const root = resolve(dir)
  let killed: number[] = []
  if (existsSync(join(root, STATE_FILE))) {
    const state = await readState(root)
    if (state.monitoring) await stopMonitoring(state.monitoring)
    killed = await stopProcesses(state.nodes.map((n) => ({ pid: n.pid, marker: n.configFile })))
  }
  for (const part of ['data', 'conf', STATE_FILE])
    await rm(join(root, part), { recursive: true, force: true })
  if (!options.keepLogs) await rm(root, { recursive: true, force: true })
  return { killed }
}

export interface NodeStatus extends StackNode {
  alive: boolean
}

export async function stackStatus(dir: string): Promise<Omit<StackState, 'nodes'> & { nodes: NodeStatus[] }> {
  const state = await readState(dir)
  return { ...state, nodes: state.nodes.map((n) => ({ ...n, alive: nodeAlive(n) })) }
}

/** Adds a broker-only node that joins the same cluster (it holds no partitions until a reassignment). */
export async function addBroker(
  dir: string,
  options: { rack?: string; heapMb?: number; readyTimeoutMs?: number } = {},
): Promise<StackNode> {
  const state = await readState(dir)
  const host = state.nodes[0]?.host ?? '127.0.0.1'
  const id = Math.max(0, ...state.nodes.map((n) => n.id)) + 1
  const [ports] = await planPorts(1, { dir }, host, id)
  const planned: PlannedNode = {
    id,
    combined: false,
    host,
    port: ports!.port,
    controllerPort: null,
    jmxPort: ports!.jmxPort,
    voters: state.voters,
    dataDirs: [join(state.dir, 'data', `node${id}`)],
    rack: options.rack,
    configFile: join(state.dir, 'conf', `node${id}.properties`),
    logFile: join(state.dir, 'logs', `node${id}.log`),
  }
  await writeFile(planned.configFile, renderServerProperties(planned))
  const [node] = await startNodes(state, [planned], { dir, ...options })
  // Re-read: another command may have changed the state file while this node started.
  const latest = await readState(dir)
  latest.nodes.push(node!)
  latest.bootstrapServers = bootstrapOf(latest.nodes)
  if (latest.monitoring) await writeScrapeTargets(latest.monitoring, latest.nodes)
  await writeState(latest)
  return node!
}

/** Node `id` of the stack; AP_ERR_NOT_FOUND on `--id`, listing the ids it has, when there is none. */
export function stackNode(state: StackState, id: number): StackNode {
  const node = state.nodes.find((n) => n.id === id)
  if (!node) {
    throw new AutopilotError('AP_ERR_NOT_FOUND', `broker ${id} is not part of the stack in ${state.dir}`, {
      field: '--id',
      hint: `brokers: ${state.nodes.map((n) => n.id).join(', ')}`,
    })
  }
  return node
}

/**
 * Stops a broker-only node (SIGTERM: KRaft controlled shutdown) and unregisters it. This is the raw process
 * step: it does not move the broker's replicas away first (the graceful drain lives in the executor).
 * Controllers are refused, since losing one shrinks the static quorum.
 */
export async function removeBroker(
  dir: string,
  id: number,
): Promise<{ unregistered: boolean; killed: boolean }> {
  const state = await readState(dir)
  const node = stackNode(state, id)
  if (node.roles.includes('controller')) {
    throw new AutopilotError(
      'AP_ERR_UNSAFE',
      `node ${id} is a KRaft controller; removing it would shrink the quorum`,
      {
        field: '--id',
        hint: 'only broker-only nodes (added with `autopilot stack add-broker`) can be removed',
      },
    )
  }
  const killed = await stopProcesses([{ pid: node.pid, marker: node.configFile }], 60_000)
  const others = state.nodes.filter((n) => n.id !== id)
  // Unregistering removes the node from ISRs/ELRs and its registration; a live broker would re-register.
  const result = await runKafkaTool(state, KAFKA_TOOLS.cluster, [
    'unregister',
    '--bootstrap-server',
    bootstrapOf(others),
    '--id',
    String(id),
  ])
  const latest = await readState(dir)
  latest.nodes = latest.nodes.filter((n) => n.id !== id)
  latest.bootstrapServers = bootstrapOf(latest.nodes)
  if (latest.monitoring) await writeScrapeTargets(latest.monitoring, latest.nodes)
  await writeState(latest)
  for (const dataDir of node.dataDirs) await rm(dataDir, { recursive: true, force: true })
  // Already gone from the metadata (the controller can drop a cleanly stopped broker itself): the goal holds.
  const notRegistered = /BrokerIdNotRegisteredException/.test(result.stderr + result.stdout)
  if (result.code !== 0 && notRegistered) return { unregistered: false, killed: killed.length > 0 }
  if (result.code !== 0) {
    throw new AutopilotError('AP_ERR_KAFKA', `broker ${id} stopped, but unregistering it failed`, {
      hint: (result.stderr || result.stdout).trim().slice(-1500),
    })
  }
  return { unregistered: true, killed: killed.length > 0 }
}

/** SIGSTOP / SIGCONT one node: a stalled broker, for failure tests and demos. */
export async function pauseBroker(dir: string, id: number, paused: boolean): Promise<StackNode> {
  const state = await readState(dir)
  const node = state.nodes.find((n) => n.id === id)
  if (!node || !nodeAlive(node)) {
    throw new AutopilotError('AP_ERR_NOT_FOUND', `broker ${id} is not running in ${state.dir}`, {
      field: '--id',
    })
  }
  process.kill(node.pid, paused ? 'SIGSTOP' : 'SIGCONT')
  return node
}
