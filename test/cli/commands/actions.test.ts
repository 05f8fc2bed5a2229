// `autopilot actions list|approve` against the alerts plugin listening on 127.0.0.1 (real HTTP, real fetch),
// with bearer auth read from the config, and the API's errors surfacing with their code and field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { setupAlerts } from '../../../src/alerts/setup.ts'
import { alertsPlugin } from '../../../src/api/alerts.ts'
import { installErrorHandling } from '../../../src/api/errors.ts'
import { runActionsApprove, runActionsList } from '../../../src/cli/commands/actions.ts'
import { alerts } from '../../../src/config/alerts.ts'
import { SqliteJournal } from '../../../src/journal/sqlite-journal.ts'
import { firingWebhook } from '../../alerts/fixtures.ts'

const cleanup: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

async function daemonApi() {
  const journal = new SqliteJournal({ path: ':memory:' })
  cleanup.push(() => journal.close())
  const config = alerts.unwrap().parse({ mode: 'approve', auth: { type: 'bearer', tokenEnv: 'AP_TOKEN' } })
  const env = { AP_TOKEN: 't0k' }
  const options = setupAlerts(config, { journal, host: '127.0.0.1', env })
  cleanup.push(() => options.runner.close())
  const app = Fastify({ logger: false })
  installErrorHandling(app)
  await app.register(alertsPlugin, options)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  cleanup.push(() => app.close())
  await app.inject({
    method: 'POST',
    url: '/alerts',
    payload: firingWebhook(),
    headers: { authorization: 'Bearer t0k' },
  })
  const dir = await mkdtemp(join(tmpdir(), 'ap-actions-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'autopilot.yaml')
  await writeFile(file, `alerts:\n  mode: approve\n  auth: { type: bearer, tokenEnv: AP_TOKEN }\n`)
  return { url, file, env }
}

describe('autopilot actions', () => {
  it('lists, approves, and reports a second approval as a conflict', async () => {
    const { url, file, env } = await daemonApi()
    let out = ''
    const deps = { stdout: { write: (t: string) => (out += t) }, fetch, env }
    const listed = await runActionsList({ config: file, url }, deps)
    expect(listed.map((a) => [a.id, a.state])).toEqual([['a1', 'proposed']])
    expect(out).toMatch(/mode approve\nID\s+STATE\s+TARGET/)
    expect(out).toContain('a1  proposed  upScale local')
    const approved = await runActionsApprove('a1', { config: file, url }, deps)
    expect(approved.state).not.toBe('proposed')
    await expect(runActionsApprove('a1', { config: file, url }, deps)).rejects.toMatchObject({
      code: 'AP_ERR_CONFLICT',
      field: 'id',
    })
  })
  it('without the token the API answers 401, shown as an input error naming authorization', async () => {
    const { url } = await daemonApi()
    const deps = { stdout: { write: () => {} }, fetch, env: {} }
    await expect(runActionsList({ config: '/nonexistent.yaml', url }, deps)).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'authorization',
    })
  })
  it('an unreachable daemon is a clear error naming --url', async () => {
    const deps = { stdout: { write: () => {} }, fetch, env: {} }
    await expect(
      runActionsList({ config: '/nonexistent.yaml', url: 'http://127.0.0.1:9' }, deps),
    ).rejects.toMatchObject({ field: '--url' })
  })
})
