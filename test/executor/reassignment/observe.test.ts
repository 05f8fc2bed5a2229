import { describe, expect, it } from 'vitest'
import { makeMove } from '../../../src/executor/reassignment/moves.ts'
import {
  applyObservation,
  classify,
  type Observation,
  STRAY_POLLS,
} from '../../../src/executor/reassignment/observe.ts'
import { track } from '../../../src/executor/reassignment/progress.ts'

const move = makeMove({ topic: 't', partition: 0 }, [1, 2], [3, 2], 1000)

function obs(options: {
  ongoing?: { replicas: number[]; adding: number[]; removing: number[] }
  replicas?: number[]
  isr?: number[]
  sizes?: Record<number, number>
}): Observation {
  const { ongoing, replicas, isr } = options
  return {
    ongoing: new Map(
      ongoing
        ? [
            [
              't-0',
              {
                topic: 't',
                partition: 0,
                replicas: ongoing.replicas,
                addingReplicas: ongoing.adding,
                removingReplicas: ongoing.removing,
              },
            ],
          ]
        : [],
    ),
    partitions: new Map(
      replicas
        ? [
            [
              't-0',
              { partition: 0, leader: replicas[0]!, replicas, isr: isr ?? replicas, offlineReplicas: [] },
            ],
          ]
        : [],
    ),
    sizes: options.sizes
      ? new Map([['t-0', new Map(Object.entries(options.sizes).map(([b, s]) => [Number(b), s]))]])
      : null,
  }
}

describe('classify', () => {
  it.each([
    {
      name: 'Kafka reassigning toward our target',
      o: obs({
        ongoing: { replicas: [3, 2, 1], adding: [3], removing: [1] },
        replicas: [3, 2, 1],
        isr: [1, 2],
      }),
      c: 'in-flight',
    },
    {
      name: 'Kafka reassigning toward another target (someone else resubmitted)',
      o: obs({ ongoing: { replicas: [1, 2, 4], adding: [4], removing: [] }, replicas: [1, 2, 4] }),
      c: 'stray',
    },
    { name: 'at target, all in sync', o: obs({ replicas: [3, 2], isr: [2, 3] }), c: 'done' },
    { name: 'at target, not all in sync', o: obs({ replicas: [3, 2], isr: [2] }), c: 'in-flight' },
    {
      name: 'back at the original (cancelled elsewhere) or stale metadata',
      o: obs({ replicas: [1, 2] }),
      c: 'stray',
    },
    { name: 'the topic is gone', o: obs({}), c: 'stray' },
  ])('$name → $c', ({ o, c }) => {
    expect(classify(move, o)).toBe(c)
  })
})

describe('applyObservation', () => {
  it('a stray partition diverges only after STRAY_POLLS consecutive looks', () => {
    const t = { ...track(move), state: 'in-flight' as const }
    for (let i = 1; i < STRAY_POLLS; i++) {
      expect(applyObservation([t], obs({ replicas: [1, 2] })).diverged).toEqual([])
    }
    // One good look resets the count.
    applyObservation(
      [t],
      obs({ ongoing: { replicas: [3, 2, 1], adding: [3], removing: [1] }, replicas: [3, 2, 1] }),
    )
    expect(t.strayPolls).toBe(0)
    for (let i = 1; i < STRAY_POLLS; i++) applyObservation([t], obs({ replicas: [1, 2] }))
    expect(applyObservation([t], obs({ replicas: [1, 2] })).diverged).toEqual([t])
    expect(t.state).toBe('diverged')
  })

  it('records bytes copied to the adding broker, then done', () => {
    const t = { ...track(move), state: 'in-flight' as const }
    applyObservation(
      [t],
      obs({ ongoing: { replicas: [3, 2, 1], adding: [3], removing: [1] }, sizes: { 3: 400, 1: 1000 } }),
    )
    expect(t.copied).toBe(400)
    const { done } = applyObservation([t], obs({ replicas: [3, 2], isr: [3, 2] }))
    expect(done).toEqual([t])
    expect(t.state).toBe('done')
  })
})
