// GET /: the dashboard. A placeholder page until the dashboard lands; it lives in its own plugin so its
// static files and view helpers stay encapsulated away from the JSON API.
import type { FastifyInstance } from 'fastify'

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kafka Autopilot dashboard</title></head>
<body>
<h1>Kafka Autopilot dashboard</h1>
<p>The dashboard is coming. Meanwhile: <a href="/api/v1/scalers">scalers</a>,
<a href="/api/v1/decisions">decisions</a>, <a href="/metrics">metrics</a>.</p>
</body>
</html>
`

export async function dashboardPlugin(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE))
}
