// `autopilot worker --group-protocol` and `autopilot demo --group-protocol`: only classic or consumer (KIP-848)
// are accepted, before anything connects to Kafka. The protocols themselves are exercised on the real cluster in
// test/workload/group-protocol.int.test.ts.
import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/run-cli.ts'

const worker = ['worker', '--bootstrap-server', '127.0.0.1:9', '--group', 'g', '--topic', 't']

describe('--group-protocol', () => {
  it.each([
    ['worker', worker],
    ['demo', ['demo']],
  ])('%s refuses anything but classic or consumer, naming the flag', async (_name, args) => {
    const r = await runCli([...args, '--group-protocol', 'eager'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--group-protocol.*'eager' is invalid.*classic, consumer/)
  })

  it('is listed in the worker help with its default', async () => {
    const r = await runCli(['worker', '--help'])
    expect(r.stdout).toMatch(/--group-protocol <protocol>[\s\S]*default: "classic"/)
  })
})
