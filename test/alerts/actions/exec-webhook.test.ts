// The two custom action kinds: exec (a tiny node script through process.execPath: templated argv and env,
// no shell, exit codes, time limit) and webhook (an in-process HTTP server on 127.0.0.1).
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { execAction } from '../../../src/alerts/actions/exec.ts'
import { webhookAction } from '../../../src/alerts/actions/webhook.ts'
import type { ActionRecord } from '../../../src/analyzer/actions/types.ts'

const SCRIPT = fileURLToPath(new URL('../../fixtures/alerts/echo-args.mjs', import.meta.url))

const action: ActionRecord = {
  id: 'a7',
  action: 'notify',
  cluster: 'local',
  target: 'notify local',
  disruptive: false,
  params: { brokerId: '3', summary: 'x' },
  labels: { alertname: 'BrokerUnderReplicated', instance: '127.0.0.1:19404' },
  annotations: { summary: 'two URPs; $(rm -rf /)' },
  fingerprints: ['da2df510431022f7'],
  alertname: 'BrokerUnderReplicated',
  rule: null,
  state: 'running',
  createdAt: 0,
  updatedAt: 0,
}
const context = () => ({ signal: new AbortController().signal, progress: () => {} })

describe('exec action', () => {
  const run = (command: string[], timeoutSeconds = 20, env: Record<string, string> = {}) =>
    execAction({ type: 'exec', command, env, timeoutSeconds, disruptive: false })(action, context())

  it('passes templated argv without a shell and templated env', async () => {
    const out = await run(
      [
        process.execPath,
        SCRIPT,
        '0',
        '{{labels.instance}}',
        '{{annotations.summary}}',
        '{{params.brokerId}}',
        '{{id}}',
        '{{missing}}',
      ],
      20,
      { AP_TEST_VALUE: '{{cluster}}/{{fingerprint}}' },
    )
    expect(out.ok).toBe(true)
    const printed = JSON.parse(out.message.slice(out.message.indexOf('{')))
    expect(printed).toEqual({
      args: ['127.0.0.1:19404', 'two URPs; $(rm -rf /)', '3', 'a7', ''],
      env: 'local/da2df510431022f7',
    })
  })
  it('a non-zero exit is a failure naming the code', async () => {
    const out = await run([process.execPath, SCRIPT, '3'])
    expect(out).toEqual({ ok: false, message: expect.stringContaining('exited 3') })
  })
  it('a missing program is a failure, not a throw', async () => {
    const out = await run(['/nonexistent/program-xyz'])
    expect(out).toEqual({ ok: false, message: expect.stringContaining('could not start') })
  })
  it('is killed after its time limit', async () => {
    const started = Date.now()
    const out = await run([process.execPath, SCRIPT, 'sleep'], 1)
    expect(out).toEqual({ ok: false, message: expect.stringContaining('timed out after 1 s') })
    expect(Date.now() - started).toBeLessThan(8_000)
  })
})

describe('webhook action', () => {
  let server: Server | undefined
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r))
    server = undefined
  })
  async function listen(status: number, delayMs = 0) {
    const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = []
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
        setTimeout(() => res.writeHead(status).end('answer'), delayMs)
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
  }
  const hook = (url: string, extra: Record<string, unknown> = {}) =>
    webhookAction({
      type: 'webhook',
      url,
      method: 'POST',
      headers: { 'X-Alert': '{{alertname}}' },
      timeoutSeconds: 5,
      disruptive: false,
      ...extra,
    })(action, context())

  it('posts the action as JSON with templated URL and headers; 2xx is success', async () => {
    const { url, seen } = await listen(202)
    const out = await hook(`${url}/hook/{{labels.instance}}`)
    expect(out.ok).toBe(true)
    expect(seen[0]?.url).toBe('/hook/127.0.0.1%3A19404')
    expect(seen[0]?.headers['x-alert']).toBe('BrokerUnderReplicated')
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ id: 'a7', action: 'notify', params: { brokerId: '3' } })
  })
  it('a templated body', async () => {
    const { url, seen } = await listen(200)
    await hook(url, { body: '{"text":"{{alertname}} on {{cluster}}"}' })
    expect(seen[0]?.body).toBe('{"text":"BrokerUnderReplicated on local"}')
  })
  it('a 500 answer is a failure with the status', async () => {
    const { url } = await listen(500)
    expect(await hook(url)).toEqual({ ok: false, message: expect.stringContaining('answered 500: answer') })
  })
  it('a slow receiver times out', async () => {
    const { url } = await listen(200, 3_000)
    expect(await hook(url, { timeoutSeconds: 1 })).toEqual({
      ok: false,
      message: 'webhook timed out after 1 s',
    })
  })
  it('a refused connection is a failure', async () => {
    const { url } = await listen(200)
    await new Promise((r) => server!.close(r))
    server = undefined
    expect((await hook(url)).ok).toBe(false)
  })
})
