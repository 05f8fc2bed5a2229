// Fetches the Kafka jars and the JMX exporter agent from Maven Central once, into a per-user cache.
// KAFKA_HOME may point at an unpacked Kafka distribution instead (its libs/ folder is used as is).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { AutopilotError } from '../errors.ts'
import { checkMaven } from './java.ts'

const run = promisify(execFile)

export const KAFKA_VERSION = '4.1.1'
export const JMX_EXPORTER_VERSION = '1.0.1'

const POM = resolve(dirname(fileURLToPath(import.meta.url)), '../../tools/kafka-libs/pom.xml')

export interface KafkaJars {
  libsDir: string
  agentJar: string
}

export function cacheRoot(): string {
  const base =
    process.env.AUTOPILOT_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kafka-autopilot')
  return join(base, `kafka-${KAFKA_VERSION}`)
}

async function findAgent(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined
  const files = await readdir(dir)
  const jar = files.find((f) => f.startsWith('jmx_prometheus_javaagent') && f.endsWith('.jar'))
  return jar ? join(dir, jar) : undefined
}

async function mvnCopy(outputDir: string, extra: string[]): Promise<void> {
  try {
    await run(
      'mvn',
      ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${outputDir}`, ...extra],
      { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 },
    )
  } catch (cause) {
    const out = cause as { stdout?: string; stderr?: string }
    throw new AutopilotError('AP_ERR_STACK', 'fetching the Kafka jars from Maven Central failed', {
      hint: `${(out.stdout ?? '').slice(-2000)}${(out.stderr ?? '').slice(-2000)}`.trim() || undefined,
      cause,
    })
  }
}

/**
 * Returns the Kafka classpath folder and the agent jar, fetching them on first use. Concurrent callers are
 * safe: each fetches into its own temporary folder and the first rename wins.
 */
export async function ensureKafkaJars(): Promise<KafkaJars> {
  const root = cacheRoot()
  const kafkaHome = process.env.KAFKA_HOME
  const libsDir = kafkaHome ? join(kafkaHome, 'libs') : join(root, 'libs')
  if (kafkaHome && !existsSync(join(libsDir))) {
    throw new AutopilotError('AP_ERR_STACK', `KAFKA_HOME=${kafkaHome} has no libs/ folder`, {
      field: 'KAFKA_HOME',
      hint: 'point KAFKA_HOME at an unpacked Kafka 4.1 distribution, or unset it to fetch the jars from Maven Central',
    })
  }
  const agentDir = join(root, 'agent')
  let agentJar = await findAgent(agentDir)
  if (existsSync(join(libsDir, '.complete')) || kafkaHome) {
    if (agentJar) return { libsDir, agentJar }
  }
  await checkMaven()
  await mkdir(root, { recursive: true })
  const tmp = join(root, `.fetch-${process.pid}-${Date.now()}`)
  try {
    if (!kafkaHome && !existsSync(join(libsDir, '.complete'))) {
      const tmpLibs = join(tmp, 'libs')
      await mvnCopy(tmpLibs, [
        '-DincludeScope=runtime',
        '-Dmdep.prependGroupId=true',
        '-DexcludeArtifactIds=jmx_prometheus_javaagent',
      ])
      await mkdir(tmpLibs, { recursive: true })
      await writeFile(join(tmpLibs, '.complete'), KAFKA_VERSION)
      await rename(tmpLibs, libsDir).catch(() => undefined)
    }
    if (!agentJar) {
      const tmpAgent = join(tmp, 'agent')
      await mvnCopy(tmpAgent, ['-DincludeArtifactIds=jmx_prometheus_javaagent', '-DexcludeTransitive=true'])
      await rename(tmpAgent, agentDir).catch(() => undefined)
      agentJar = await findAgent(agentDir)
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  if (!agentJar || !existsSync(libsDir)) {
    throw new AutopilotError('AP_ERR_STACK', `the Kafka jars are incomplete in ${root}`, {
      hint: `remove ${root} and try again`,
    })
  }
  return { libsDir, agentJar }
}
