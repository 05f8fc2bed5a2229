// `autopilot stack add-disk` input handling, without a cluster: a missing id or stack is a usage error that
// names the problem, and nothing is started.
import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/run-cli.ts'

describe('autopilot stack add-disk', () => {
  it('needs --id', async () => {
    const r = await runCli(['stack', 'add-disk', '--dir', '/nonexistent/stack'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/--id/)
  })

  it('names a folder without a stack', async () => {
    const r = await runCli(['stack', 'add-disk', '--dir', '/nonexistent/stack', '--id', '1', '--dry-run'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/no local stack in \/nonexistent\/stack/)
  })
})
