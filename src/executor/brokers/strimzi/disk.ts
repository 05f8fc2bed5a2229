// Adding a disk the Strimzi way: one more volume in the pool's JBOD storage (spec.storage.volumes[] with a new
// id), by a JSON patch locked to the resourceVersion read. Strimzi applies a pool's storage to every node of the
// pool, so a disk for one broker needs that broker in a pool of its own: a pool of several brokers is refused
// unless allowPoolWideDisks is set. Strimzi mounts volume N at /var/lib/kafka/data-N and rolls the brokers;
// KRaft JBOD needs Kafka 3.8 or later.
import { AutopilotError } from '../../../errors.ts'
import type { BrokerOperationOptions, BrokerResult, DiskSpec } from '../backend.ts'
import { journalFor } from '../common.ts'
import { lockedTo, withConflictRetry } from '../kube.ts'
import { generationOf, type PoolClient } from './client.ts'
import { jbodVolumes } from './pool.ts'

export async function addDisk(
  client: PoolClient,
  brokerId: number,
  disk: DiskSpec,
  options: BrokerOperationOptions,
): Promise<BrokerResult> {
  const { dryRun, signal } = options
  const journal = journalFor('strimzi', client.name, 'addDisk', options)
  let volumeId = 0
  let brokers: number[] = []
  const patched = await withConflictRetry(
    client.options.conflictRetries,
    `adding a volume to ${client.name}`,
    async () => {
      const pool = await client.read(signal)
      client.checkMembers(pool, [brokerId], 'brokerId')
      const volumes = jbodVolumes(pool, client.name)
      if (!volumes) {
        throw new AutopilotError(
          'AP_ERR_UNSAFE',
          `${client.name} uses ${String(pool.storage?.type ?? 'no')} storage, not jbod; only a jbod pool can get another volume`,
          { field: 'brokerId', hint: 'Strimzi cannot change the storage type of a pool in place' },
        )
      }
      brokers = pool.nodeIds
      if (pool.nodeIds.length > 1 && !client.options.allowPoolWideDisks) {
        throw new AutopilotError(
          'AP_ERR_UNSAFE',
          `Strimzi adds a volume to every node of ${client.name}: all ${pool.nodeIds.length} brokers would get a ${disk.size} disk, not only broker ${brokerId}`,
          {
            field: `${client.field}.allowPoolWideDisks`,
            hint: 'give the broker a KafkaNodePool of its own, or set allowPoolWideDisks: true',
          },
        )
      }
      volumeId = Math.max(-1, ...volumes.map((v) => v.id)) + 1
      const volume = {
        id: volumeId,
        type: 'persistent-claim',
        size: disk.size,
        ...(disk.storageClass ? { class: disk.storageClass } : {}),
        deleteClaim: false,
      }
      journal(
        'request',
        `${dryRun ? 'would add' : 'adding'} JBOD volume ${volumeId} (${disk.size}) to ${client.name}`,
      )
      return client.objects.patch(
        client.ref,
        lockedTo(pool.object, [
          { op: 'test', path: '/spec/storage/type', value: 'jbod' },
          { op: 'add', path: '/spec/storage/volumes/-', value: volume },
        ]),
        options,
      )
    },
    (attempt) => journal('retry', `conflict on ${client.name}; re-reading (attempt ${attempt + 1})`),
  )
  const who = brokers.length === 1 ? `broker ${brokerId}` : `all brokers of the pool (${brokers.join(', ')})`
  const message = `${dryRun ? 'would add' : 'added'} volume ${volumeId} (${disk.size}) to ${who}`
  if (!dryRun) {
    await client.waitForPool(
      `${client.name} to reconcile volume ${volumeId}`,
      generationOf(patched),
      () => true,
      signal,
    )
    journal('done', message)
  }
  return client.result('addDisk', brokers, options, message, undefined, { volumeId })
}
