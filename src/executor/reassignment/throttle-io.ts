// Setting, clearing and finding replication throttles with IncrementalAlterConfigs (SET / DELETE of single keys,
// never a read-modify-write of a whole config set) and DescribeConfigs. Config changes reach the brokers through
// the metadata log a moment later, so both directions read back (bounded): setting waits until the brokers show
// the values, clearing checks they are gone but never waits past its bound (a cluster-wide default rate would
// never read back as unset; Cruise Control hung for hours on exactly that).
import { AutopilotError } from '../../errors.ts'
import type { KafkaAdminPort } from '../../kafka/port.ts'
import type { Clock } from '../leader-election.ts'
import {
  deleteResources,
  describeThrottles,
  isEmpty,
  mismatches,
  setResources,
  type ThrottleConfigs,
  throttlesIn,
} from './throttles.ts'

export interface ThrottleIo {
  port: KafkaAdminPort
  clock: Clock
  /** How long to read back after a change, ms. */
  readBackMs: number
  /** Attempts per failing resource when clearing. */
  attempts: number
}

const READ_BACK_POLL_MS = 250

function isNotFound(error: unknown): boolean {
  return AutopilotError.is(error) && error.code === 'AP_ERR_NOT_FOUND'
}

/** Throttle keys set on `brokers` and `topics`; topics that no longer exist are skipped. */
export async function scanThrottles(
  port: KafkaAdminPort,
  brokers: readonly number[],
  topics: readonly string[],
): Promise<ThrottleConfigs> {
  const resources = describeThrottles(brokers, topics)
  if (resources.length === 0) return { brokers: [], topics: [] }
  try {
    return throttlesIn(await port.describeConfigs(resources))
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  // Some topic is gone: ask one resource at a time and skip the missing ones.
  const answers = await Promise.all(
    resources.map((r) =>
      port.describeConfigs([r]).catch((error: unknown) => {
        if (isNotFound(error)) return []
        throw error
      }),
    ),
  )
  return throttlesIn(answers.flat())
}

function resourcesOf(t: ThrottleConfigs): { brokers: number[]; topics: string[] } {
  return { brokers: t.brokers.map((b) => b.id), topics: t.topics.map((x) => x.name) }
}

/** Re-reads until `expected` shows (present) or is gone (absent), or the bound passes; returns what is left. */
async function readBack(io: ThrottleIo, expected: ThrottleConfigs, present: boolean): Promise<string[]> {
  const { brokers, topics } = resourcesOf(expected)
  const deadline = io.clock.now() + io.readBackMs
  for (;;) {
    let left: string[]
    try {
      left = mismatches(expected, await scanThrottles(io.port, brokers, topics), present)
    } catch {
      left = ['(describe failed)']
    }
    if (left.length === 0 || io.clock.now() >= deadline) return left
    await io.clock.sleep(READ_BACK_POLL_MS)
  }
}

/** SETs the throttle configs; throws what IncrementalAlterConfigs throws. */
export async function setThrottles(
  io: ThrottleIo,
  configs: ThrottleConfigs,
): Promise<'confirmed' | 'unconfirmed'> {
  if (isEmpty(configs)) return 'confirmed'
  await io.port.incrementalAlterConfigs(setResources(configs))
  return (await readBack(io, configs, true)).length === 0 ? 'confirmed' : 'unconfirmed'
}

export interface ClearResult {
  deleted: Record<string, string[]>
  readBack: 'confirmed' | 'unconfirmed'
  remaining: string[]
}

/**
 * DELETEs exactly the keys of `configs`. One request first; when it fails, each resource on its own with retries,
 * a topic deleted meanwhile counting as cleared. Throws AP_ERR_KAFKA naming the resources still failing.
 */
export async function clearThrottles(io: ThrottleIo, configs: ThrottleConfigs): Promise<ClearResult> {
  const resources = deleteResources(configs)
  const deleted = Object.fromEntries(resources.map((r) => [`${r.type} ${r.name}`, [...r.delete]]))
  if (resources.length === 0) return { deleted, readBack: 'confirmed', remaining: [] }
  let failing = resources
  try {
    await io.port.incrementalAlterConfigs(resources)
    failing = []
  } catch {
    // fall through to one resource at a time
  }
  let lastError: unknown = null
  for (let attempt = 0; failing.length > 0 && attempt < io.attempts; attempt++) {
    if (attempt > 0) await io.clock.sleep(Math.min(5_000, 250 * 2 ** attempt))
    const results = await Promise.all(
      failing.map((r) =>
        io.port.incrementalAlterConfigs([r]).then(
          () => null,
          (error: unknown) => {
            if (r.type === 'topic' && isNotFound(error)) return null
            lastError = error
            return r
          },
        ),
      ),
    )
    failing = results.filter((r) => r !== null)
  }
  if (failing.length > 0) {
    const names = failing.map((r) => `${r.type} ${r.name}`)
    throw new AutopilotError('AP_ERR_KAFKA', `could not delete throttle configs on ${names.join(', ')}`, {
      cause: lastError,
      details: { resources: names },
      hint: 'run recover (autopilot rebalance cancel/status) once Kafka answers again',
      retryable: true,
    })
  }
  const remaining = await readBack(io, configs, false)
  return { deleted, readBack: remaining.length === 0 ? 'confirmed' : 'unconfirmed', remaining }
}
