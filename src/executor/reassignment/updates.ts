// Progress snapshots for renderers (a CLI progress bar, an SSE stream): each iterator yields the latest snapshot
// whenever it changes, skipping the ones it was too slow to see, and ends after the final one.
import type { ProgressSnapshot } from './types.ts'

export class Updates {
  #latest: ProgressSnapshot
  #version = 1
  #closed = false
  #waiters: Array<() => void> = []

  constructor(first: ProgressSnapshot) {
    this.#latest = first
  }

  get latest(): ProgressSnapshot {
    return this.#latest
  }

  push(snapshot: ProgressSnapshot): void {
    if (this.#closed) return
    this.#latest = snapshot
    this.#version++
    for (const wake of this.#waiters.splice(0)) wake()
  }

  /** Pushes the final snapshot; iterators end after yielding it. */
  close(snapshot: ProgressSnapshot): void {
    this.push(snapshot)
    this.#closed = true
    for (const wake of this.#waiters.splice(0)) wake()
  }

  async *iterate(): AsyncGenerator<ProgressSnapshot, void, undefined> {
    let seen = 0
    for (;;) {
      if (this.#version > seen) {
        seen = this.#version
        yield this.#latest
        continue
      }
      if (this.#closed) return
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
  }
}
