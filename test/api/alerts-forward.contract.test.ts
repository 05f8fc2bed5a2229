// A follower's alert routes forwarding to the leader over real HTTP on 127.0.0.1, the leader being an
// in-process server that records what it gets: the same path, body (byte for byte), content type and
// credentials plus the forwarded-by header; the leader's status and body come back as they are, a 4xx too; a
// leader that does not answer within the timeout, or refuses the connection, gets the sender a 503 with
// Retry-After. The follower acts on nothing.
import type { IncomingMessage, ServerResponse } from 'node:http'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { FORWARDED_BY_HEADER, FORWARDED_TO_HEADER } from '../../src/alerts/forward.ts'
import { setupAlerts } from '../../src/alerts/setup.ts'
import { alertsPlugin } from '../../src/api/alerts.ts'
import { installErrorHandling } from '../../src/api/errors.ts'
import { alerts } from '../../src/config/alerts.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'
import { firingWebhook } from '../alerts/fixtures.ts'
import { listenOnLoopback } from '../helpers/loopback-server.ts'

const closers: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
})

interface Received {
  method: string | undefined
  url: string | undefined
  headers: IncomingMessage['headers']
  body: string
}

/** The leader: records each request and answers with `answer`. */
async function leader(answer: (res: ServerResponse) => void) {
  const received: Received[] = []
  const server = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      })
      answer(res)
    })
  })
  closers.push(() => server.stop())
  return { url: server.url, received }
}

async function follower(leaderUrl: string | null, forwardTimeoutMs = 2_000) {
  const journal = new SqliteJournal({ path: ':memory:' })
  closers.push(() => journal.close())
  const config = alerts.unwrap().parse({ mode: 'auto', auth: { type: 'bearer', token: 't0ken' } })
  const options = setupAlerts(config, {
    journal,
    host: '127.0.0.1',
    leadership: {
      acting: () => false,
      leader: () => 'pod-a',
      identity: () => 'pod-b',
      leaderUrl: () => leaderUrl,
    },
  })
  const app = Fastify({ logger: false })
  installErrorHandling(app)
  await app.register(alertsPlugin, { ...options, forwardTimeoutMs })
  closers.push(() => app.close())
  return { app, journal, runner: options.runner }
}

/** Alertmanager's own formatting (indented), which a re-serialization would not keep. */
const BODY = JSON.stringify(firingWebhook(), null, 2)
const post = (app: Awaited<ReturnType<typeof follower>>['app'], url = '/alerts') =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer t0ken' },
    payload: BODY,
  })

describe('a follower forwards alerts to the leader', () => {
  it('same path, body, content type and credentials, with the forwarded-by header; the leader answer back', async () => {
    const l = await leader((res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"accepted":1,"actions":["a7"]}')
    })
    const f = await follower(`${l.url}/`)
    const answer = await post(f.app, '/api/v2/alerts')
    expect(answer.statusCode).toBe(200)
    expect(answer.headers[FORWARDED_TO_HEADER]).toBe('pod-a')
    expect(answer.body).toBe('{"accepted":1,"actions":["a7"]}')
    expect(l.received).toHaveLength(1)
    expect(l.received[0]).toMatchObject({
      method: 'POST',
      url: '/api/v2/alerts',
      body: BODY,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: 'Bearer t0ken',
        [FORWARDED_BY_HEADER]: 'pod-b',
      },
    })
    expect(f.runner.actions()).toEqual([])
    expect(f.journal.list({ limit: 10 }).map((e) => e.reason)).toEqual(['Forwarded'])
  })

  it("passes the leader's 4xx back as it is (Alertmanager does not retry it)", async () => {
    const l = await leader((res) => {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(
        '{"error":{"code":"AP_ERR_INPUT","message":"alerts[0].labels must be a map","field":"alerts[0].labels"}}',
      )
    })
    const f = await follower(l.url)
    const answer = await post(f.app)
    expect(answer.statusCode).toBe(400)
    expect(answer.headers[FORWARDED_TO_HEADER]).toBe('pod-a')
    expect(answer.json().error.field).toBe('alerts[0].labels')
  })

  it('a leader that does not answer in time: 503 with Retry-After, journaled NotLeader', async () => {
    const l = await leader(() => {}) // never answers
    const f = await follower(l.url, 300)
    const started = Date.now()
    const answer = await post(f.app)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(answer.statusCode).toBe(503)
    expect(answer.headers['retry-after']).toBe('5')
    expect(answer.json()).toMatchObject({ leader: 'pod-a', forwarded: false })
    expect(answer.json().error.message).toMatch(/no answer within 300 ms/)
    expect(l.received).toHaveLength(1)
    expect(f.journal.list({ limit: 10 })[0]).toMatchObject({
      reason: 'NotLeader',
      outcome: 'follower',
      inputs: { alerts: 1, leader: 'pod-a', url: l.url },
    })
  })

  it('a leader that refuses the connection, or whose URL is unknown: 503 with Retry-After', async () => {
    const l = await leader(() => {})
    const gone = l.url
    await closers.pop()?.()
    const refused = await post((await follower(gone)).app)
    expect(refused.statusCode).toBe(503)
    expect(refused.headers['retry-after']).toBe('5')
    expect(refused.json().error.message).toMatch(/ECONNREFUSED/)
    const unknown = await post((await follower(null)).app)
    expect(unknown.statusCode).toBe(503)
    expect(unknown.json().error.message).toMatch(/advertises no URL/)
  })

  it('a body that does not validate is answered 4xx here, not forwarded', async () => {
    const l = await leader((res) => res.end('{}'))
    const f = await follower(l.url)
    const answer = await f.app.inject({
      method: 'POST',
      url: '/alerts',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' },
      payload: '{"alerts": 3}',
    })
    expect(answer.statusCode).toBe(400)
    expect(l.received).toEqual([])
  })
})
