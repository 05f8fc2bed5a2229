// Runs Kafka's own command-line tools (kafka-consumer-groups, kafka-reassign-partitions, ClusterTool, …)
// straight from the jars, the way the bin/*.sh scripts do: `java -cp "libs/*" <MainClass> args`.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AutopilotError } from '../errors.ts'
import { LOG4J2_TOOLS } from './configs.ts'
import { javaBinary } from './java.ts'

/** Main classes of the bin/*.sh scripts in Kafka 4.1. */
export const KAFKA_TOOLS = {
  storage: 'kafka.tools.StorageTool',
  cluster: 'org.apache.kafka.tools.ClusterTool',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  reassignPartitions: 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  topics: 'org.apache.kafka.tools.TopicCommand',
  metadataQuorum: 'org.apache.kafka.tools.MetadataQuorumCommand',
  getOffsets: 'org.apache.kafka.tools.GetOffsetShell',
  leaderElection: 'org.apache.kafka.tools.LeaderElectionCommand',
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance',
} as const

export interface ToolResult {
  code: number
  stdout: string
  stderr: string
  durationMs: number
}

export async function toolsLogConfig(dir: string): Promise<string> {
  const file = join(dir, 'conf', 'tools-log4j2.yaml')
  if (!existsSync(file)) {
    await mkdir(join(dir, 'conf'), { recursive: true })
    await writeFile(file, LOG4J2_TOOLS)
  }
  return file
}

/**
 * Runs a Kafka tool and resolves with its exit code and output (a non-zero exit is not thrown: callers
 * decide). Throws only when the JVM cannot be started or the tool outlives `timeoutMs`.
 */
export async function runKafkaTool(
  stack: { libsDir: string; dir: string },
  mainClass: string,
  args: string[],
  options: { timeoutMs?: number; heapMb?: number } = {},
): Promise<ToolResult> {
  const logConfig = await toolsLogConfig(stack.dir)
  const timeoutMs = options.timeoutMs ?? 120_000
  const started = performance.now()
  // The same JVM flags kafka-run-class.sh gives a tool, so timings compare with the shipped scripts.
  const jvm = [
    `-Xmx${options.heapMb ?? 256}m`,
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${logConfig}`,
    '-cp',
    `${stack.libsDir}/*`,
  ]
  return new Promise((resolve, reject) => {
    execFile(
      javaBinary(),
      [...jvm, mainClass, ...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const durationMs = performance.now() - started
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new AutopilotError('AP_ERR_STACK', `Java was not found (tried '${javaBinary()}')`, {
              cause: error,
            }),
          )
          return
        }
        if (error?.killed) {
          reject(
            new AutopilotError('AP_ERR_TIMEOUT', `${mainClass} did not finish within ${timeoutMs} ms`, {
              details: { stderr: stderr.slice(-2000) },
            }),
          )
          return
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr, durationMs })
      },
    )
  })
}
