// A bounded poll for states Kafka does not push to us (metadata propagation after a topic change).
import { setTimeout as sleep } from 'node:timers/promises'

/** Calls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() + intervalMs > deadline) return false
    await sleep(intervalMs)
  }
}
