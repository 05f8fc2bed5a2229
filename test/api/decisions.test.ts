// GET /api/v1/decisions over a real (in-memory) journal: filters, paging, and a 400 naming each bad parameter.
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { decisionsPlugin } from '../../src/api/decisions.ts'
import { installErrorHandling } from '../../src/api/errors.ts'
import { SqliteJournal } from '../../src/journal/sqlite-journal.ts'

const T0 = 1_700_000_000_000
const journals: SqliteJournal[] = []
afterEach(() => {
  for (const j of journals.splice(0)) j.close()
})

async function app() {
  const journal = new SqliteJournal({ path: ':memory:', now: () => T0 })
  journals.push(journal)
  for (let i = 0; i < 5; i++) {
    journal.append({
      at: T0 + i,
      kind: 'decision',
      scaler: i % 2 ? 'b' : 'a',
      reason: 'DesiredWithinRange',
      message: `d${i}`,
      outcome: 'hold',
    })
  }
  journal.append({
    at: T0 + 9,
    kind: 'action',
    scaler: 'a',
    reason: 'DesiredWithinRange',
    message: 'scaled',
    outcome: 'applied',
  })
  const a = Fastify({ logger: false })
  installErrorHandling(a)
  await a.register(decisionsPlugin, { prefix: '/api/v1', journal })
  return a
}

describe('GET /api/v1/decisions', () => {
  const rows = [
    {
      name: 'everything, newest first',
      query: '',
      messages: ['scaled', 'd4', 'd3', 'd2', 'd1', 'd0'],
      next: null,
    },
    { name: 'one scaler', query: '?scaler=b', messages: ['d3', 'd1'], next: null },
    { name: 'one kind', query: '?kind=action', messages: ['scaled'], next: null },
    { name: 'a limit gives the next page', query: '?limit=2', messages: ['scaled', 'd4'], next: 5 },
    { name: 'the page before an id', query: '?limit=2&before=5', messages: ['d3', 'd2'], next: 3 },
    { name: 'a scaler with no entries', query: '?scaler=gone', messages: [], next: null },
  ]
  for (const row of rows) {
    it(`lists ${row.name}`, async () => {
      const res = await (await app()).inject({ url: `/api/v1/decisions${row.query}` })
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.entries.map((e: { message: string }) => e.message)).toEqual(row.messages)
      expect(body.next).toBe(row.next)
    })
  }

  const bad = [
    { name: 'limit 0', query: '?limit=0', field: 'limit' },
    { name: 'limit above 1000', query: '?limit=1001', field: 'limit' },
    { name: 'limit not a number', query: '?limit=ten', field: 'limit' },
    { name: 'an unknown kind', query: '?kind=rumour', field: 'kind' },
    { name: 'a scaler name with spaces', query: '?scaler=a%20b', field: 'scaler' },
    { name: 'an unknown parameter', query: '?scalar=a', field: 'scalar' },
    { name: 'a repeated parameter', query: '?limit=1&limit=2', field: 'limit' },
  ]
  for (const row of bad) {
    it(`refuses ${row.name} with a 400 naming ${row.field}`, async () => {
      const res = await (await app()).inject({ url: `/api/v1/decisions${row.query}` })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'AP_ERR_INPUT', field: row.field })
    })
  }
})
