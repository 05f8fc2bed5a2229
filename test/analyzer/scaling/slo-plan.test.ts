import { describe, expect, it } from 'vitest'
import {
  busiest,
  efficientCounts,
  growth,
  type PlanInput,
  planReplicas,
} from '../../../src/analyzer/scaling/slo-plan.ts'

// The demo's group: 12 partitions, 380 records/s per replica, SLO 30 s with half of it as budget.
const plan = (over: Partial<PlanInput>) =>
  planReplicas({
    arrivalRate: 1800,
    perReplica: 380,
    partitions: 12,
    current: 6,
    backlog: 900,
    lagSeconds: 0.5,
    maxLagSeconds: 30,
    budget: 0.5,
    sinceScaleSeconds: null,
    settleSeconds: 10,
    pollingSeconds: 5,
    horizonSeconds: 60,
    ...over,
  })

describe('partition steps', () => {
  it('only counts that relieve the busiest consumer are worth paying for', () => {
    expect(efficientCounts(12)).toEqual([1, 2, 3, 4, 6, 12])
    expect(efficientCounts(24)).toEqual([1, 2, 3, 4, 5, 6, 8, 12, 24])
    expect([busiest(4, 12), busiest(5, 12), busiest(6, 12), busiest(20, 12)]).toEqual([3, 3, 2, 1])
  })

  it('lag time grows with 4 consumers at 1800/s (3 partitions each) and drains with 6', () => {
    const rate = { arrivalRate: 1800, perReplica: 380, partitions: 12 }
    expect(growth(4, rate)).toBeCloseTo(1 - (380 * 12) / (1800 * 3), 9)
    expect(growth(5, rate)).toBe(growth(4, rate))
    expect(growth(6, rate)).toBeLessThan(0)
    expect(growth(0, rate)).toBe(1)
    expect(growth(1, { ...rate, arrivalRate: 0 })).toBe(Number.NEGATIVE_INFINITY)
  })
})

describe('planReplicas', () => {
  it.each([
    ['nothing arriving, nothing queued: none', { arrivalRate: 0, backlog: 0, lagSeconds: 0 }, 0, 'keep-up'],
    ['at 1800/s, lag low: 4 (lag builds for over a minute within budget) instead of 6', {}, 4, 'budget'],
    ['lagBudget 0: the count that keeps up', { budget: 0 }, 6, 'keep-up'],
    [
      '4 running, lag over budget but 4 stay under the midpoint to the SLO for another SLO: keep',
      { current: 4, lagSeconds: 14 },
      4,
      'hold',
    ],
    ['4 running, lag 19 s: 6 to drain', { current: 4, lagSeconds: 19 }, 6, 'drain'],
    ['4 running, lag well within budget: keep (lazy)', { current: 4, lagSeconds: 5 }, 4, 'budget'],
    [
      'just scaled to 6, lag risen by the pause: settle',
      { lagSeconds: 20, sinceScaleSeconds: 3 },
      6,
      'settle',
    ],
    ['back at 300/s: 1', { arrivalRate: 300, backlog: 150 }, 1, 'keep-up'],
    [
      'a burst to 2700/s with 1 running: 6 ride it out within the SLO (12 would drain it)',
      { arrivalRate: 2700, current: 1, lagSeconds: 2.5 },
      6,
      'drain',
    ],
    [
      'a burst to 2700/s with lag already at 14 s: 12',
      { arrivalRate: 2700, current: 1, lagSeconds: 14 },
      12,
      'drain',
    ],
    [
      'the backlog is a burst (27 000 queued over 10 s) though 300/s arrive now: not down to 1',
      { arrivalRate: 300, current: 12, backlog: 27_000, lagSeconds: 10 },
      12,
      'keep-up',
    ],
    ['a count between steps is never kept when it must change', { current: 5, lagSeconds: 19 }, 6, 'drain'],
  ] as const)('%s', (_name, over, replicas, step) => {
    expect(plan(over)).toEqual({ replicas, step })
  })

  it('more lag never asks for fewer replicas', () => {
    for (const current of [1, 2, 3, 4, 6, 12]) {
      let previous = 0
      for (let lag = 0; lag <= 40; lag += 0.5) {
        const { replicas } = plan({ current, lagSeconds: lag, backlog: lag * 1800 })
        expect(replicas).toBeGreaterThanOrEqual(previous)
        previous = replicas
      }
    }
  })
})
