// A toy consumer group for closed-loop tests: P partitions, records produced evenly at `production`/s,
// each running replica consuming up to `capacity`/s spread evenly over the partitions (consumers beyond
// P idle). Offsets commit continuously. Not the trace simulator: just enough physics to check convergence.
import type { LagView } from '../../../src/analyzer/scaling/types.ts'

export class World {
  readonly partitions: number
  capacity: number
  production: number
  readonly lag: number[]
  readonly committed: number[]
  #consumed = 0
  #elapsed = 0

  constructor(options: { partitions: number; capacity: number; production: number; backlog?: number }) {
    this.partitions = options.partitions
    this.capacity = options.capacity
    this.production = options.production
    this.lag = Array.from({ length: options.partitions }, () => (options.backlog ?? 0) / options.partitions)
    this.committed = Array.from({ length: options.partitions }, () => 1000)
  }

  /** Advances `seconds` with `replicas` running. */
  advance(replicas: number, seconds: number): void {
    const perPartition = (Math.min(replicas, this.partitions) * this.capacity) / this.partitions
    let consumed = 0
    for (let p = 0; p < this.partitions; p++) {
      const arrived = (this.production / this.partitions) * seconds
      const take = Math.min(perPartition * seconds, (this.lag[p] ?? 0) + arrived)
      this.lag[p] = (this.lag[p] ?? 0) + arrived - take
      this.committed[p] = (this.committed[p] ?? 0) + take
      consumed += take
    }
    this.#consumed = consumed
    this.#elapsed = seconds
  }

  totalLag(): number {
    return this.lag.reduce((a, b) => a + b, 0)
  }

  view(): LagView {
    return {
      readable: true,
      partitions: this.lag.map((lag, partition) => ({
        topic: 't',
        partition,
        committedOffset: Math.round(this.committed[partition] ?? 0),
        lag: Math.round(lag),
        retainedRecords: null,
      })),
      productionRate: this.production,
      consumptionRate: this.#elapsed > 0 ? this.#consumed / this.#elapsed : null,
      // FIFO per partition: the oldest record waited about lag / production share.
      lagSeconds: this.production > 0 ? this.totalLag() / this.production : null,
    }
  }
}
