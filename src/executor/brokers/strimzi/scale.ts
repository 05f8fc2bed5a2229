// Adding and removing brokers of a Strimzi KafkaNodePool.
//   add:    merge-patch spec.replicas (+ strimzi.io/next-node-ids for chosen ids), locked to the resourceVersion
//           read → wait for the new ids in status.nodeIds → KafkaRebalance add-brokers → approve → Ready
//   remove: KafkaRebalance remove-brokers → approve → Ready (drained) → only then merge-patch replicas down with
//           strimzi.io/remove-node-ids → wait until the ids left status.nodeIds
// With autoRebalance, Strimzi itself rebalances when replicas change; we only scale and wait.
import { AutopilotError } from '../../../errors.ts'
import type { BrokerOperationOptions, BrokerResult } from '../backend.ts'
import { journalFor } from '../common.ts'
import { withConflictRetry } from '../kube.ts'
import { generationOf, type PoolClient, resourceVersion } from './client.ts'
import { idList, NEXT_IDS, type PoolState, REMOVE_IDS, settled } from './pool.ts'

export async function addBrokers(
  client: PoolClient,
  request: { count: number; ids: number[] | null },
  options: BrokerOperationOptions,
): Promise<BrokerResult> {
  const { dryRun, signal } = options
  const journal = journalFor('strimzi', client.name, 'addBrokers', options)
  let before!: PoolState
  let target = 0
  const patched = await withConflictRetry(
    client.options.conflictRetries,
    `scaling ${client.name}`,
    async () => {
      before = await client.read(signal)
      client.checkBrokerPool(before)
      if (!settled(before) && !dryRun) {
        // The new ids are read off status.nodeIds: a scale still in progress would be counted as ours.
        throw new AutopilotError(
          'AP_ERR_CONFLICT',
          `${client.name} is still being reconciled; not adding brokers now`,
          {
            retryable: true,
          },
        )
      }
      const taken = request.ids?.filter((id) => before.nodeIds.includes(id)) ?? []
      if (taken.length > 0) {
        throw new AutopilotError('AP_ERR_INPUT', `${client.name} already has brokers ${taken.join(', ')}`, {
          field: 'brokers',
        })
      }
      target = before.replicas + request.count
      const annotations = request.ids ? { annotations: { [NEXT_IDS]: idList(request.ids) } } : {}
      journal('request', `${dryRun ? 'would set' : 'setting'} replicas ${before.replicas} → ${target}`)
      return client.objects.patch(
        client.ref,
        {
          metadata: { resourceVersion: resourceVersion(before), ...annotations },
          spec: { replicas: target },
        },
        options,
      )
    },
    (attempt) => journal('retry', `conflict on ${client.name}; re-reading (attempt ${attempt + 1})`),
  )
  if (dryRun) {
    // Strimzi picks the ids; for the dry-run KafkaRebalance we guess its default (next above the highest).
    const predicted = request.ids ?? nextIds(before.nodeIds, request.count)
    const outcome = client.options.autoRebalance
      ? undefined
      : await client.rebalance(before, { mode: 'add-brokers', brokers: predicted }, options, journal)
    const message = `would add ${request.count} broker(s) (replicas ${before.replicas} → ${target}) and rebalance onto them`
    return client.result('addBrokers', predicted, options, message, outcome)
  }
  const after = await client.waitForPool(
    `${client.name} to run ${target} brokers`,
    generationOf(patched),
    (p) => p.nodeIds.length === target,
    signal,
  )
  const added = after.nodeIds.filter((id) => !before.nodeIds.includes(id))
  journal('scaled', `${client.name} runs brokers ${after.nodeIds.join(', ')} (new: ${added.join(', ')})`, {
    added,
  })
  if (request.ids) {
    if (idList(added) !== idList(request.ids)) {
      journal(
        'warning',
        `Strimzi chose ids ${added.join(', ')}, not ${request.ids.join(', ')} (ids in use elsewhere?)`,
      )
    }
    await client.clearAnnotation(NEXT_IDS, signal)
  }
  if (client.options.autoRebalance) {
    const message = `added brokers ${added.join(', ')}; Strimzi rebalances onto them (autoRebalance)`
    return client.result('addBrokers', added, options, message)
  }
  const outcome = await client.rebalance(after, { mode: 'add-brokers', brokers: added }, options, journal)
  return client.result(
    'addBrokers',
    added,
    options,
    `added brokers ${added.join(', ')} and moved load onto them`,
    outcome,
  )
}

export async function removeBrokers(
  client: PoolClient,
  ids: number[],
  options: BrokerOperationOptions,
): Promise<BrokerResult> {
  const { dryRun, signal } = options
  const journal = journalFor('strimzi', client.name, 'removeBrokers', options)
  const pool = await client.read(signal)
  client.checkMembers(pool, ids)
  if (!settled(pool) && !dryRun) {
    throw new AutopilotError(
      'AP_ERR_CONFLICT',
      `${client.name} is still being reconciled; not removing brokers now`,
      {
        retryable: true,
      },
    )
  }
  // Drain first: the pool shrinks only after Cruise Control moved every replica off these brokers.
  const outcome = client.options.autoRebalance
    ? undefined
    : await client.rebalance(pool, { mode: 'remove-brokers', brokers: ids }, options, journal)
  const patched = await withConflictRetry(
    client.options.conflictRetries,
    `scaling ${client.name}`,
    async () => {
      const current = await client.read(signal)
      client.checkMembers(current, ids)
      const target = current.replicas - ids.length
      journal(
        'request',
        `${dryRun ? 'would set' : 'setting'} replicas ${current.replicas} → ${target}, removing ${idList(ids)}`,
      )
      return client.objects.patch(
        client.ref,
        {
          metadata: { resourceVersion: resourceVersion(current), annotations: { [REMOVE_IDS]: idList(ids) } },
          spec: { replicas: target },
        },
        options,
      )
    },
    (attempt) => journal('retry', `conflict on ${client.name}; re-reading (attempt ${attempt + 1})`),
  )
  const message = `${dryRun ? 'would drain and remove' : 'drained and removed'} brokers ${ids.join(', ')}`
  if (dryRun) return client.result('removeBrokers', ids, options, message, outcome)
  await client.waitForPool(
    `${client.name} to remove brokers ${ids.join(', ')}`,
    generationOf(patched),
    (p) => !ids.some((id) => p.nodeIds.includes(id)),
    signal,
    {
      // With autoRebalance, Strimzi drains before it removes the pods: that takes as long as a rebalance.
      timeoutMs: client.options.autoRebalance ? client.options.rebalanceTimeoutMs : undefined,
      hint: 'Strimzi refuses to remove brokers that still hold replicas (partitions created after the drain?): see the Kafka resource status conditions',
    },
  )
  await client.clearAnnotation(REMOVE_IDS, signal)
  journal('done', `brokers ${ids.join(', ')} left ${client.name}`)
  return client.result('removeBrokers', ids, options, message, outcome)
}

/** Ids Strimzi would pick by default: the next ones above the pool's highest (a guess for dry runs). */
function nextIds(taken: number[], count: number): number[] {
  const start = Math.max(-1, ...taken) + 1
  return Array.from({ length: count }, (_, i) => start + i)
}
