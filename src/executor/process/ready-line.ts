// Watches a replica's log file for its ready line. The replica writes straight to the file (not through a
// pipe to us), so it keeps a working stdout when Autopilot exits with `onExit: keep`; we read the file from
// the offset it had when the replica started. Polling rather than fs.watch: fs.watch misses appends on some
// filesystems (network mounts, overlayfs), and a 50 ms read of a few bytes costs nothing.
import { open } from 'node:fs/promises'

const POLL_MS = 50
const CHUNK = 64 * 1024

/**
 * Calls `onFound` once, when text containing `needle` appears in `file` after byte `offset`. Returns a stop
 * function; the watcher also stops after `onFound`. Read errors stop it silently (the replica's exit or the
 * settle fallback decides then).
 */
export function watchForLine(file: string, offset: number, needle: string, onFound: () => void): () => void {
  let stopped = false
  let position = offset
  // Text after the last newline, kept so a needle split across two reads is still found.
  let carry = ''
  let busy = false
  const handle = open(file, 'r')
  handle.catch(() => undefined)

  const poll = async () => {
    if (busy || stopped) return
    busy = true
    try {
      const fh = await handle
      const buffer = Buffer.alloc(CHUNK)
      for (;;) {
        const { bytesRead } = await fh.read(buffer, 0, CHUNK, position)
        if (bytesRead === 0 || stopped) break
        position += bytesRead
        const text = carry + buffer.subarray(0, bytesRead).toString('utf8')
        if (text.includes(needle)) {
          stop()
          onFound()
          return
        }
        const lastNewline = text.lastIndexOf('\n')
        carry = lastNewline === -1 ? text : text.slice(lastNewline + 1)
        if (carry.length > needle.length + CHUNK) carry = carry.slice(-needle.length)
      }
    } catch {
      stop()
    } finally {
      busy = false
    }
  }

  const timer = setInterval(() => void poll(), POLL_MS)
  timer.unref()
  void poll()

  function stop() {
    if (stopped) return
    stopped = true
    clearInterval(timer)
    handle.then((fh) => fh.close()).catch(() => undefined)
  }
  return stop
}
