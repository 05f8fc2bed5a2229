// The local backend's disk operations. addDisk: a new log dir for ONE broker (src/stack/log-dirs.ts formats it
// and restarts that broker alone), then bounded waits until the broker serves the dir and is back in the ISR of
// all its partitions, and a preferred-leader election for the partitions it led (controlled shutdown moved
// their leadership away). rebalance({disk: true}): AlterReplicaLogDirs so that each multi-dir broker's dirs hold
// about as many replicas as each other, then a bounded wait until every copy swapped in.
import { AutopilotError } from '../../errors.ts'
import type {
  ClusterMetadata,
  KafkaAdminPort,
  LogDirDescription,
  ReplicaLogDirMove,
} from '../../kafka/port.ts'
import type { stackStatus } from '../../stack/cluster.ts'
import { type addLogDir, newLogDirPath } from '../../stack/log-dirs.ts'
import { readMinInsyncReplicas } from '../min-insync.ts'
import type { BrokerOperationOptions, DiskSpec } from './backend.ts'
import { pollUntil } from './common.ts'
import {
  outOfSync,
  pendingMoves,
  planDiskBalance,
  preferredOn,
  quorumLoss,
  restartBlockers,
} from './local-disks.ts'

export type DiskAdmin = Pick<
  KafkaAdminPort,
  'metadata' | 'describeLogDirs' | 'alterReplicaLogDirs' | 'electPreferredLeaders' | 'describeConfigs'
>

export interface DiskContext {
  dir: string
  stack: { stackStatus: typeof stackStatus; addLogDir: typeof addLogDir }
  withAdmin: <T>(fn: (admin: DiskAdmin) => Promise<T>) => Promise<T>
  journal: (step: string, message: string, details?: Record<string, unknown>) => void
  options: BrokerOperationOptions
  readyTimeoutMs?: number | undefined
  inSyncTimeoutMs: number
  moveTimeoutMs: number
}

export interface DiskOutcome {
  brokers: number[]
  applied: boolean
  message: string
  details: Record<string, unknown>
}

/** min.insync.replicas of the topics the broker is in sync for (the value in force, default or not). */
async function minInsyncReplicas(
  admin: DiskAdmin,
  metadata: ClusterMetadata,
  broker: number,
): Promise<Record<string, number>> {
  const topics = metadata.topics.filter((t) => t.partitions.some((p) => p.isr.includes(broker)))
  return readMinInsyncReplicas(
    admin,
    topics.map((t) => t.name),
  )
}

function sizeNote(disk: DiskSpec): string {
  const ignored = disk.storageClass ? `; storageClass ${disk.storageClass} ignored` : ''
  return `size ${disk.size} recorded, not enforced: a local log dir is a folder on the stack's disk${ignored}`
}

export async function addDiskLocal(ctx: DiskContext, id: number, disk: DiskSpec): Promise<DiskOutcome> {
  const status = await ctx.stack.stackStatus(ctx.dir)
  const node = status.nodes.find((n) => n.id === id && n.roles.includes('broker'))
  if (!node) {
    throw new AutopilotError('AP_ERR_INPUT', `broker ${id} is not part of the local stack`, {
      field: 'brokerId',
      hint: `brokers: ${status.nodes.map((n) => n.id).join(', ')}`,
    })
  }
  if (!node.alive) {
    throw new AutopilotError(
      'AP_ERR_UNSAFE',
      `broker ${id} is not running; a disk is added by restarting it`,
      {
        field: 'brokerId',
      },
    )
  }
  const logDir = newLogDirPath(status.dir, node, disk.mountPath)
  const quorum = quorumLoss(status.voters, id)
  if (quorum) {
    throw new AutopilotError('AP_ERR_UNSAFE', `not restarting broker ${id}: ${quorum}`, {
      field: 'brokerId',
      hint: 'a stack of 3 or more nodes keeps its quorum through the restart of one controller',
    })
  }
  const base = { logDir, size: disk.size, ...(disk.mountPath ? { mountPath: disk.mountPath } : {}) }
  if (ctx.options.dryRun) {
    return {
      brokers: [id],
      applied: false,
      message: `would add log dir ${logDir} to broker ${id} and restart that broker alone (${sizeNote(disk)})`,
      details: base,
    }
  }
  return ctx.withAdmin(async (admin) => {
    const before = await admin.metadata()
    const blockers = restartBlockers(before, id, await minInsyncReplicas(admin, before, id))
    if (blockers.length > 0) {
      const more = blockers.length > 5 ? ` and ${blockers.length - 5} more` : ''
      throw new AutopilotError(
        'AP_ERR_UNSAFE',
        `not restarting broker ${id}: ${blockers.slice(0, 5).join(', ')}${more} would fall below min.insync.replicas`,
        {
          field: 'brokerId',
          hint: 'wait until their other replicas are back in sync',
          details: { partitions: blockers },
        },
      )
    }
    ctx.journal(
      'request',
      `adding log dir ${logDir} to broker ${id}: controlled restart of broker ${id} only`,
      base,
    )
    const added = await ctx.stack.addLogDir(ctx.dir, id, {
      ...(disk.mountPath ? { mountPath: disk.mountPath } : {}),
      ...(ctx.readyTimeoutMs ? { readyTimeoutMs: ctx.readyTimeoutMs } : {}),
    })
    const pids = { previousPid: added.previousPid, pid: added.node.pid, killed: added.killed }
    ctx.journal(
      'restarted',
      `broker ${id} restarted with ${added.node.dataDirs.length} log dirs (pid ${added.previousPid} → ${added.node.pid})${added.killed ? '; the controlled shutdown timed out and the JVM was killed' : ''}`,
      pids,
    )
    const synced = await pollUntil(
      {
        what: `broker ${id} to serve ${logDir} and be back in the ISR of its partitions`,
        timeoutMs: ctx.inSyncTimeoutMs,
        intervalMs: 500,
        ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
      },
      async () => {
        const dirs = await admin.describeLogDirs([id])
        if (!dirs.some((d) => d.logDir === logDir && d.error === null)) return undefined
        const metadata = await admin.metadata()
        return outOfSync(metadata, id).length === 0 ? { dirs, metadata } : undefined
      },
    )
    const leaders = preferredOn(synced.metadata, id)
    if (leaders.length > 0) {
      const elected = await admin.electPreferredLeaders(leaders).catch((error: unknown) => {
        ctx.journal('retry', `preferred leader election failed; auto.leader.rebalance will do it: ${error}`)
        return []
      })
      ctx.journal(
        'progress',
        `broker ${id} leads again: ${elected.filter((e) => e.error === null).length} of ${leaders.length} partitions`,
      )
    }
    const logDirs = synced.dirs.map((d) => d.logDir).sort()
    ctx.journal('verified', `broker ${id} serves ${logDirs.length} log dirs and is in sync`, { logDirs })
    return {
      brokers: [id],
      applied: true,
      message: `added log dir ${logDir} to broker ${id} (restarted alone, back in sync; ${sizeNote(disk)})`,
      details: { ...base, ...pids, logDirs },
    }
  })
}

function countsByDir(broker: number, dirs: LogDirDescription[]): Record<string, number> {
  return Object.fromEntries(
    dirs
      .filter((d) => d.broker === broker && d.error === null)
      .map((d) => [d.logDir, d.partitions.filter((p) => !p.isFuture).length]),
  )
}

export async function rebalanceDisks(ctx: DiskContext): Promise<DiskOutcome> {
  const status = await ctx.stack.stackStatus(ctx.dir)
  const brokers = status.nodes
    .filter((n) => n.alive && n.roles.includes('broker') && n.dataDirs.length > 1)
    .map((n) => n.id)
    .sort((a, b) => a - b)
  if (brokers.length === 0) {
    return {
      brokers: [],
      applied: false,
      message: 'no running broker has more than one log dir',
      details: {},
    }
  }
  return ctx.withAdmin(async (admin) => {
    const dirs = await admin.describeLogDirs(brokers)
    const moves = brokers.flatMap((b) => planDiskBalance(b, dirs))
    const before = Object.fromEntries(brokers.map((b) => [b, countsByDir(b, dirs)]))
    ctx.journal(
      'planned',
      `${moves.length} replica moves between log dirs of brokers ${brokers.join(', ')}`,
      {
        moves,
        before,
      },
    )
    if (ctx.options.dryRun || moves.length === 0) {
      const verb = ctx.options.dryRun ? 'would move' : 'moved'
      return {
        brokers,
        applied: false,
        message: `${verb} ${moves.length} replicas between log dirs`,
        details: { moves, before },
      }
    }
    const results = await admin.alterReplicaLogDirs(moves)
    const failed = results.filter((r) => r.error !== null)
    const accepted: ReplicaLogDirMove[] = results
      .filter((r) => r.error === null)
      .map(({ error: _, ...m }) => m)
    if (accepted.length === 0) {
      throw new AutopilotError('AP_ERR_KAFKA', `every log dir move was refused (${failed[0]?.error})`, {
        details: { failed },
      })
    }
    if (failed.length > 0) ctx.journal('retry', `${failed.length} log dir moves refused`, { failed })
    ctx.journal('accepted', `${accepted.length} replicas copying to their new log dir`)
    let left = accepted.length
    const after = await pollUntil(
      {
        what: `${accepted.length} replicas to finish moving between log dirs`,
        timeoutMs: ctx.moveTimeoutMs,
        intervalMs: 500,
        ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
      },
      async () => {
        const now = await admin.describeLogDirs(brokers)
        const pending = pendingMoves(accepted, now)
        if (pending.length !== left) {
          left = pending.length
          ctx.journal('progress', `${accepted.length - left} of ${accepted.length} replicas moved`)
        }
        return pending.length === 0 ? now : undefined
      },
    )
    const counts = Object.fromEntries(brokers.map((b) => [b, countsByDir(b, after)]))
    return {
      brokers: [...new Set(accepted.map((m) => m.broker))],
      applied: true,
      message: `moved ${accepted.length} replicas between log dirs${failed.length ? ` (${failed.length} refused)` : ''}`,
      details: { moves: accepted, failed, before, after: counts },
    }
  })
}
