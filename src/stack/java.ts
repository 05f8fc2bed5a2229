// Finding the JVM and Maven the stack needs, with messages that say what to install when they are missing.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { AutopilotError } from '../errors.ts'

const run = promisify(execFile)

export function javaBinary(): string {
  const home = process.env.JAVA_HOME
  return home ? join(home, 'bin', 'java') : 'java'
}

/** Resolves to the JVM's major version, or throws a clear error when no usable Java is installed. */
export async function checkJava(): Promise<number> {
  const java = javaBinary()
  let output: string
  try {
    const { stderr, stdout } = await run(java, ['-version'], { timeout: 30_000 })
    output = `${stderr}${stdout}`
  } catch (cause) {
    throw new AutopilotError('AP_ERR_STACK', `Java was not found (tried '${java}')`, {
      hint: 'install a JDK 17 or newer (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME',
      cause,
    })
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output)
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : Number.NaN
  if (!(major >= 17)) {
    throw new AutopilotError(
      'AP_ERR_STACK',
      `Kafka 4.1 needs Java 17 or newer; '${java}' is ${match?.[0] ?? output}`,
      {
        hint: 'install openjdk-17-jre-headless or point JAVA_HOME at a newer JDK',
      },
    )
  }
  return major
}

export async function checkMaven(): Promise<void> {
  try {
    await run('mvn', ['--version'], { timeout: 60_000 })
  } catch (cause) {
    throw new AutopilotError(
      'AP_ERR_STACK',
      'Maven (mvn) was not found; it fetches the Kafka jars from Maven Central',
      {
        hint: 'install Maven (Debian: apt-get install maven), or set KAFKA_HOME to an unpacked Kafka 4.1 distribution',
        cause,
      },
    )
  }
}
