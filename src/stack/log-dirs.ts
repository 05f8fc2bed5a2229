// Adding a log dir ("a disk") to one node of the local stack. `log.dirs` is static broker config, and in KRaft
// every dir needs its own meta.properties (same cluster.id and node.id, its own directory.id) or the broker
// refuses to start. So: create the dir, extend `log.dirs` in that node's config (appended: the first dir stays
// the metadata log dir), format with kafka-storage `--ignore-formatted` (writes only the new, empty dir), then a
// controlled restart of that node alone (restart.ts). Kafka 4.x supports several log dirs per broker in KRaft
// (JBOD, KIP-858). Existing replicas stay where they are; new ones go to the dir with the fewest partitions,
// and AlterReplicaLogDirs moves existing ones (the local broker backend's rebalance({disk: true})).
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AutopilotError } from '../errors.ts'
import { formatNode, readState } from './cluster.ts'
import { type RestartOptions, type RestartResult, restartNode, runningNode } from './restart.ts'
import type { StackNode } from './types.ts'

const SEGMENT = /^[A-Za-z0-9._-]+$/

/**
 * Where the new dir lives: `<stack>/data/node<id>-<name>`, beside the node's first dir (never inside it: Kafka
 * reads every folder in a log dir as a partition). `<name>` comes from a Kubernetes-style mount path
 * (`/kafka-logs2` → `kafka-logs2`, `/mnt/disk2` → `mnt-disk2`), or is `disk<n>` for the node's n-th dir.
 */
export function newLogDirPath(
  stackDir: string,
  node: Pick<StackNode, 'id' | 'dataDirs'>,
  mountPath?: string,
) {
  let name = `disk${node.dataDirs.length + 1}`
  if (mountPath !== undefined) {
    const segments = mountPath.split('/').filter((s) => s !== '')
    if (segments.length === 0 || segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `mountPath '${mountPath}' must be a path of letters, digits, '.', '_' and '-' segments`,
        { field: 'disk.mountPath' },
      )
    }
    name = segments.join('-')
  }
  const path = join(stackDir, 'data', `node${node.id}-${name}`)
  if (node.dataDirs.includes(path)) {
    throw new AutopilotError('AP_ERR_INPUT', `broker ${node.id} already has the log dir ${path}`, {
      field: 'disk.mountPath',
      hint: 'give another mountPath',
    })
  }
  return path
}

/** The node's properties with `log.dirs` set to `dirs` (the line replaced, or added when absent). */
export function withLogDirs(properties: string, dirs: string[]): string {
  const line = `log.dirs=${dirs.join(',')}`
  if (/^log\.dirs=.*$/m.test(properties)) return properties.replace(/^log\.dirs=.*$/m, line)
  return `${properties.replace(/\n?$/, '\n')}${line}\n`
}

export interface AddLogDirResult extends RestartResult {
  logDir: string
}

/** Adds a formatted log dir to node `id` and restarts that node alone. Nothing else in the stack changes. */
export async function addLogDir(
  dir: string,
  id: number,
  options: RestartOptions & { mountPath?: string } = {},
): Promise<AddLogDirResult> {
  const state = await readState(dir)
  const node = await runningNode(dir, id)
  const logDir = newLogDirPath(state.dir, node, options.mountPath)
  if (existsSync(logDir)) {
    throw new AutopilotError('AP_ERR_CONFLICT', `${logDir} already exists (left from an earlier node?)`, {
      field: 'disk.mountPath',
      hint: 'remove it or give another mountPath',
    })
  }
  const dataDirs = [...node.dataDirs, logDir]
  const original = await readFile(node.configFile, 'utf8')
  await mkdir(logDir, { recursive: true })
  await writeFile(node.configFile, withLogDirs(original, dataDirs))
  try {
    await formatNode(state, state.clusterId, node.configFile)
  } catch (err) {
    // Nothing was restarted yet: undo, so the node's next start sees the config it runs with.
    await writeFile(node.configFile, original)
    await rm(logDir, { recursive: true, force: true })
    throw err
  }
  const restart = await restartNode(dir, id, { ...options, dataDirs })
  return { ...restart, logDir }
}
