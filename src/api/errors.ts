// One error handler for the whole API: AutopilotError → its httpStatus and `{error: {code, message, field,
// hint}}`; fastify's own client errors (bad JSON, unsupported media type, schema validation) → their 4xx as
// AP_ERR_INPUT; anything else → 500 AP_ERR_INTERNAL without internals. Set on the root instance before the
// route plugins are registered, so every encapsulated plugin inherits it. Unknown routes get the same shape.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AutopilotError } from '../errors.ts'

export function apiErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (AutopilotError.is(error)) {
    if (error.httpStatus >= 500) request.log.error({ err: error }, error.message)
    return reply.status(error.httpStatus).send({ error: error.toJSON() })
  }
  const status = (error as FastifyError).statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply.status(status).send({ error: { code: 'AP_ERR_INPUT', message: error.message } })
  }
  request.log.error({ err: error }, 'unhandled error')
  return reply.status(500).send({ error: { code: 'AP_ERR_INTERNAL', message: 'internal error' } })
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(apiErrorHandler)
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'AP_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    }),
  )
}
