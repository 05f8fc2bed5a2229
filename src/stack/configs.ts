// Pure renderers for the files a local KRaft node needs: server.properties, log4j2 config, JMX exporter rules.

export interface NodeConfigInput {
  id: number
  combined: boolean
  host: string
  port: number
  controllerPort: number | null
  voters: string
  dataDirs: string[]
  rack?: string | undefined
}

/** `1@127.0.0.1:19093,2@…`: the static quorum shared by every node. */
export function votersString(
  controllers: Array<{ id: number; host: string; controllerPort: number }>,
): string {
  return controllers.map((c) => `${c.id}@${c.host}:${c.controllerPort}`).join(',')
}

// Small-machine tuning: few threads, RF 3 for internal topics, no auto-created topics, no rebalance delay.
const TUNING: Record<string, string> = {
  'num.network.threads': '2',
  'num.io.threads': '2',
  'background.threads': '2',
  'num.recovery.threads.per.data.dir': '1',
  'num.partitions': '3',
  'default.replication.factor': '3',
  'offsets.topic.replication.factor': '3',
  'offsets.topic.num.partitions': '6',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'transaction.state.log.num.partitions': '6',
  'share.coordinator.state.topic.replication.factor': '3',
  'share.coordinator.state.topic.min.isr': '2',
  'group.initial.rebalance.delay.ms': '0',
  'auto.create.topics.enable': 'false',
  'auto.leader.rebalance.enable': 'true',
  // Request timeout of each broker's channel to the active controller (forwarded admin requests, heartbeats):
  // a frozen active controller stalls them this long before the broker moves to the new one (default 30 s).
  'controller.socket.timeout.ms': '10000',
}

export function renderServerProperties(node: NodeConfigInput): string {
  const listeners = node.combined
    ? `PLAINTEXT://${node.host}:${node.port},CONTROLLER://${node.host}:${node.controllerPort}`
    : `PLAINTEXT://${node.host}:${node.port}`
  const props: Record<string, string> = {
    'process.roles': node.combined ? 'broker,controller' : 'broker',
    'node.id': String(node.id),
    'controller.quorum.voters': node.voters,
    listeners,
    'advertised.listeners': listeners,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': node.dataDirs.join(','),
    ...(node.rack ? { 'broker.rack': node.rack } : {}),
    ...TUNING,
  }
  // No trailing comments: in .properties files they would become part of the value.
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`
}

export const LOG4J2_SERVER = `Configuration:
  Properties:
    Property:
      - name: "logPattern"
        value: "[%d] %p %m (%c)%n"
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "\${logPattern}"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: state.change.logger
        level: WARN
      - name: org.apache.kafka.controller
        level: WARN
      - name: kafka.log.LogCleaner
        level: WARN
`

export const LOG4J2_TOOLS = `Configuration:
  Appenders:
    Console:
      name: STDERR
      target: SYSTEM_ERR
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDERR
`

// Keeps the metric names that alert rules use (`kafka_server_replicamanager_underreplicatedpartitions_value`):
// the upstream example rules drop the attribute suffix, these keep it.
export const JMX_EXPORTER_RULES = `lowercaseOutputName: true
lowercaseOutputLabelNames: true
includeObjectNames:
  - "kafka.server:type=ReplicaManager,*"
  - "kafka.controller:type=KafkaController,*"
  - "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec"
  - "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec"
rules:
  - pattern: 'kafka.server<type=(ReplicaManager), name=(\\w+)><>(Value)'
    name: kafka_server_$1_$2_$3
    type: GAUGE
  - pattern: 'kafka.controller<type=(KafkaController), name=(\\w+)><>(Value)'
    name: kafka_controller_$1_$2_$3
    type: GAUGE
  - pattern: 'kafka.server<type=(BrokerTopicMetrics), name=(\\w+)><>(Count)'
    name: kafka_server_$1_$2_total
    type: COUNTER
`

/** JVM flags for a small local node (2 cores, several JVMs side by side). */
export function jvmArgs(opts: {
  logConfig: string
  agentJar: string
  host: string
  jmxPort: number
  jmxConfig: string
  heapMb?: number
}): string[] {
  const heap = opts.heapMb ?? 512
  return [
    `-Xms${Math.min(256, heap)}m`,
    `-Xmx${heap}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:ParallelGCThreads=1',
    '-XX:ConcGCThreads=1',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${opts.logConfig}`,
    `-javaagent:${opts.agentJar}=${opts.host}:${opts.jmxPort}:${opts.jmxConfig}`,
  ]
}

/** Kafka cluster ids are 16 random bytes in base64url; Kafka rejects ids that start with '-'. */
export function clusterIdFrom(bytes: Uint8Array): string {
  const id = Buffer.from(bytes).toString('base64url')
  return id.startsWith('-') ? `A${id.slice(1)}` : id
}
