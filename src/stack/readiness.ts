// Waiting for a node to say it is ready: a bounded wait on a line in its log, which fails at once if the
// process exits first. The log is re-read on fs.watch events, with a slow timer as a safety net because
// watch events can be coalesced or missed.
import { watch } from 'node:fs'
import { open } from 'node:fs/promises'
import { AutopilotError } from '../errors.ts'

export async function tail(file: string, bytes = 3000): Promise<string> {
  try {
    const handle = await open(file, 'r')
    try {
      const { size } = await handle.stat()
      const start = Math.max(0, size - bytes)
      const buffer = Buffer.alloc(size - start)
      await handle.read(buffer, 0, buffer.length, start)
      return buffer.toString('utf8')
    } finally {
      await handle.close()
    }
  } catch {
    return ''
  }
}

export async function waitForLogLine(opts: {
  file: string
  text: string
  timeoutMs: number
  exited?: Promise<number | null>
  what: string
  /** Look only at what was written after this byte (a restarted node appends to the log of its last run). */
  fromOffset?: number
}): Promise<void> {
  let offset = opts.fromOffset ?? 0
  let carry = ''
  const scan = async (): Promise<boolean> => {
    const handle = await open(opts.file, 'r').catch(() => undefined)
    if (!handle) return false
    try {
      const { size } = await handle.stat()
      if (size <= offset) return false
      const buffer = Buffer.alloc(size - offset)
      await handle.read(buffer, 0, buffer.length, offset)
      offset = size
      const text = carry + buffer.toString('utf8')
      carry = text.slice(-opts.text.length)
      return text.includes(opts.text)
    } finally {
      await handle.close()
    }
  }

  const controller = new AbortController()
  try {
    await new Promise<void>((resolve, reject) => {
      let busy = false
      const check = () => {
        if (busy) return
        busy = true
        scan()
          .then((found) => {
            busy = false
            if (found) resolve()
          })
          .catch(reject)
      }
      const watcher = watch(opts.file, { signal: controller.signal }, check)
      watcher.on('error', () => {})
      const timer = setInterval(check, 500)
      controller.signal.addEventListener('abort', () => clearInterval(timer))
      const deadline = setTimeout(async () => {
        reject(
          new AutopilotError(
            'AP_ERR_TIMEOUT',
            `${opts.what} did not become ready within ${opts.timeoutMs / 1000} s`,
            {
              hint: `see its log: ${opts.file}\n${(await tail(opts.file, 1500)).trim()}`,
            },
          ),
        )
      }, opts.timeoutMs)
      controller.signal.addEventListener('abort', () => clearTimeout(deadline))
      opts.exited?.then(async (code) => {
        // The process may have logged the line and exited between checks: look once more.
        if (await scan().catch(() => false)) return resolve()
        reject(
          new AutopilotError('AP_ERR_STACK', `${opts.what} exited (code ${code}) before it was ready`, {
            hint: `see its log: ${opts.file}\n${(await tail(opts.file, 1500)).trim()}`,
          }),
        )
      })
      check()
    })
  } finally {
    controller.abort()
  }
}
