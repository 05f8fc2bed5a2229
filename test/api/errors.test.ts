// One error handler for the API: every failure becomes {error: {code, message, field?, hint?}} with the
// right status, and nothing internal leaks.
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { installErrorHandling } from '../../src/api/errors.ts'
import { AutopilotError } from '../../src/errors.ts'

async function app() {
  const a = Fastify({ logger: false })
  installErrorHandling(a)
  // A route in an encapsulated plugin inherits the root's handler.
  await a.register(async (child) => {
    child.get('/throw/:what', async (request) => {
      const what = (request.params as { what: string }).what
      if (what === 'input')
        throw new AutopilotError('AP_ERR_INPUT', 'limit must be ≥ 1', { field: 'limit', hint: 'try 10' })
      if (what === 'not-found')
        throw new AutopilotError('AP_ERR_NOT_FOUND', 'no scaler named "x"', { field: 'name' })
      if (what === 'conflict') throw new AutopilotError('AP_ERR_CONFLICT', 'a scale is in flight')
      if (what === 'kafka') throw new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', 'brokers unreachable')
      throw new Error('secret internal detail at /home/x')
    })
    child.post('/echo', async (request) => request.body)
  })
  return a
}

describe('API error handler', () => {
  const rows = [
    {
      name: 'bad input',
      url: '/throw/input',
      status: 400,
      body: { code: 'AP_ERR_INPUT', field: 'limit', hint: 'try 10' },
    },
    {
      name: 'not found',
      url: '/throw/not-found',
      status: 404,
      body: { code: 'AP_ERR_NOT_FOUND', field: 'name' },
    },
    { name: 'conflict', url: '/throw/conflict', status: 409, body: { code: 'AP_ERR_CONFLICT' } },
    {
      name: 'Kafka unreachable',
      url: '/throw/kafka',
      status: 503,
      body: { code: 'AP_ERR_KAFKA_UNREACHABLE' },
    },
    {
      name: 'an unexpected error',
      url: '/throw/bug',
      status: 500,
      body: { code: 'AP_ERR_INTERNAL', message: 'internal error' },
    },
    {
      name: 'an unknown route',
      url: '/nope?x=1',
      status: 404,
      body: { code: 'AP_ERR_NOT_FOUND', message: 'no route GET /nope' },
    },
  ]
  for (const row of rows) {
    it(`maps ${row.name} to ${row.status}`, async () => {
      const res = await (await app()).inject({ url: row.url })
      expect(res.statusCode).toBe(row.status)
      expect(res.json().error).toMatchObject(row.body)
      expect(res.body).not.toContain('/home/x')
      expect(res.body).not.toContain('stack')
    })
  }

  it("maps fastify's own client errors (malformed JSON) to their 4xx as AP_ERR_INPUT", async () => {
    const res = await (await app()).inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"broken"',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('AP_ERR_INPUT')
  })
})
