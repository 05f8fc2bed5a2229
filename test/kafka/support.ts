// Shared bits of the Kafka integration tests: the cluster from the global setup, unique names (the cluster is
// shared by every test file), and a bounded poll for states Kafka reaches asynchronously.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { inject } from 'vitest'

export function bootstrapServers(): string[] {
  return inject('kafka').bootstrapServers.split(',')
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

/** Re-reads until `accept` holds or the deadline passes; returns the last value (the caller asserts on it). */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (accept(value) || Date.now() > deadline) return value
    await sleep(100)
  }
}
