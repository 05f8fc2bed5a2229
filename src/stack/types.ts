// Shapes of the local stack's state, as written to <dir>/state.json and printed by `autopilot stack up --json`.

export type NodeRole = 'broker' | 'controller'

export interface StackNode {
  id: number
  roles: NodeRole[]
  host: string
  /** PLAINTEXT listener (clients and inter-broker). */
  port: number
  /** CONTROLLER listener, for combined nodes. */
  controllerPort: number | null
  /** Prometheus JMX exporter agent port; metrics at http://host:jmxPort/metrics. */
  jmxPort: number
  pid: number
  configFile: string
  logFile: string
  dataDirs: string[]
}

export interface StackState {
  clusterId: string
  dir: string
  /** Comma-separated host:port list of every broker. */
  bootstrapServers: string
  /** Folder holding the Kafka jars (classpath `<libsDir>/*`). */
  libsDir: string
  agentJar: string
  nodes: StackNode[]
  /** `controller.quorum.voters` value shared by all nodes. */
  voters: string
  /** Prometheus and Alertmanager, when started with the cluster (`stack up --monitoring`). */
  monitoring?: MonitoringState
}

export interface MonitoringState {
  prometheusUrl: string
  alertmanagerUrl: string
  prometheusPid: number
  alertmanagerPid: number
  /** Where Alertmanager posts alerts (Autopilot's webhook). */
  webhookUrl: string
  prometheusConfig: string
  alertmanagerConfig: string
  rulesFile: string
  targetsFile: string
  prometheusLog: string
  alertmanagerLog: string
}
