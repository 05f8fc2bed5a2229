import { afterEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../src/errors.ts'
import { checkJava } from '../../src/stack/java.ts'

describe('checkJava', () => {
  const saved = process.env.JAVA_HOME
  afterEach(() => {
    if (saved === undefined) delete process.env.JAVA_HOME
    else process.env.JAVA_HOME = saved
  })

  it('names what is missing and how to install it when there is no JVM', async () => {
    process.env.JAVA_HOME = '/nonexistent/jdk'
    const err = await checkJava().catch((e: unknown) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect((err as AutopilotError).code).toBe('AP_ERR_STACK')
    expect((err as AutopilotError).message).toContain('/nonexistent/jdk/bin/java')
    expect((err as AutopilotError).hint).toMatch(/openjdk-17/)
  })

  it('accepts the installed JDK (17 or newer)', async () => {
    delete process.env.JAVA_HOME
    expect(await checkJava()).toBeGreaterThanOrEqual(17)
  })
})
