// Work that only the leader does, started afresh for each term: the health watches. Standalone (no elector)
// it runs from start() to stop(). Elected, it starts when this replica becomes leader and is stopped when it
// follows, so a follower neither polls nor raises alerts, and a new leader's watch times its conditions itself
// (its first read resolves what an earlier term left firing and is gone).
import type { Elector } from './leadership.ts'

export interface Running {
  stop(): Promise<unknown>
}

export class LeaderOnly {
  readonly #begin: () => Running
  readonly #elector: Pick<Elector, 'isLeader' | 'on'> | undefined
  #started = false
  #stopped = false
  #running: Running | null = null
  #stopping: Promise<unknown> = Promise.resolve()

  constructor(begin: () => Running, elector?: Pick<Elector, 'isLeader' | 'on'>) {
    this.#begin = begin
    this.#elector = elector
  }

  /** Standalone: begins now. Elected: begins whenever this replica leads, ends when it follows. */
  start(): void {
    if (this.#started || this.#stopped) return
    this.#started = true
    const elector = this.#elector
    if (!elector) {
      this.#on()
      return
    }
    elector.on('leading', () => this.#on())
    elector.on('following', () => void this.#off())
    if (elector.isLeader()) this.#on()
  }

  /** True while the work runs. */
  get running(): boolean {
    return this.#running !== null
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#off()
  }

  #on(): void {
    if (this.#stopped || this.#running) return
    this.#running = this.#begin()
  }

  async #off(): Promise<void> {
    const running = this.#running
    this.#running = null
    if (running) this.#stopping = Promise.allSettled([this.#stopping, running.stop()])
    await this.#stopping
  }
}
