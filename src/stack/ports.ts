import { createServer } from 'node:net'
import { AutopilotError } from '../errors.ts'

/** Asks the kernel for a free TCP port on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Resolves if `port` can be bound on `host`, otherwise throws an error naming what needed it. */
export function assertPortFree(host: string, port: number, purpose: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        new AutopilotError(
          'AP_ERR_STACK',
          `port ${host}:${port} (${purpose}) is taken: ${cause.code ?? cause.message}`,
          {
            field: '--port-base',
            hint: 'choose another --port-base, or stop what listens there',
            cause,
          },
        ),
      ),
    )
    server.listen(port, host, () => server.close(() => resolve()))
  })
}

/** A set of distinct free ports (the kernel may hand the same port out twice across separate calls). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort(host))
  return [...ports]
}
