// `autopilot stack add-disk --dry-run` on the shared cluster: it names the dir it would add and restarts
// nothing (the real add, which restarts a broker, is tested on a private stack in
// test/executor/brokers/local-disk.int.test.ts).
import { describe, expect, inject, it } from 'vitest'
import { readState } from '../../../src/stack/cluster.ts'
import { runCli } from '../../helpers/run-cli.ts'

describe('autopilot stack add-disk --dry-run', () => {
  it('prints the planned dir as JSON and leaves every PID as it was', async () => {
    const { dir } = inject('kafka')
    const before = (await readState(dir)).nodes.map((n) => n.pid)
    const r = await runCli([
      'stack',
      'add-disk',
      '--dir',
      dir,
      '--id',
      '1',
      '--mount-path',
      '/kafka-logs2',
      '--rebalance',
      '--dry-run',
      '--json',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const [disk, rebalance] = JSON.parse(r.stdout)
    expect(disk).toMatchObject({ operation: 'addDisk', applied: false, brokers: [1] })
    expect(disk.details.logDir).toMatch(/\/data\/node1-kafka-logs2$/)
    expect(rebalance).toMatchObject({ operation: 'rebalance', applied: false })
    expect((await readState(dir)).nodes.map((n) => n.pid)).toEqual(before)
  })
})
