import { describe, expect, it } from 'vitest'
import { PROFILE_NAMES, profileTrace } from '../../../src/analyzer/simulate/profiles.ts'
import { Production } from '../../../src/analyzer/simulate/trace.ts'

describe('built-in profiles', () => {
  it.each(PROFILE_NAMES)('%s is deterministic, non-negative and above its base somewhere', (name) => {
    const a = profileTrace(name)
    expect(profileTrace(name)).toEqual(a)
    expect(a.times[0]).toBe(0)
    expect(a.total?.every((r) => r >= 0)).toBe(true)
    expect(Math.max(...(a.total ?? []))).toBeGreaterThan(Math.min(...(a.total ?? [])) * 1.5)
  })

  it.each([
    { spec: 'step:base=10,peak=20,at=5,hold=5,duration=20', at: [2, 7, 15], rates: [10, 20, 10] },
    { spec: 'sine:base=0,peak=100,period=100,duration=100', at: [0, 50], rates: [0.6, 100] },
    { spec: 'ramp:base=0,peak=100,at=0,up=100,hold=0,down=0,duration=200', at: [50, 150], rates: [52.5, 0] },
  ])('$spec', ({ spec, at, rates }) => {
    const prod = new Production(profileTrace(spec), 1)
    for (const [i, t] of at.entries()) expect(prod.rate(t)).toBeCloseTo(rates[i] as number, -1)
  })

  it('spikes depend on the seed, and only on it', () => {
    expect(profileTrace('spikes:seed=2')).toEqual(profileTrace('spikes:seed=2'))
    expect(profileTrace('spikes:seed=2').times).not.toEqual(profileTrace('spikes:seed=3').times)
  })

  it('noise is seeded too', () => {
    const a = profileTrace('step:noise=0.2,seed=4')
    expect(a).toEqual(profileTrace('step:noise=0.2,seed=4'))
    expect(a.total).not.toEqual(profileTrace('step').total)
  })

  it.each([
    { spec: 'square', message: /unknown profile "square"/ },
    { spec: 'step:height=3', message: /step has no parameter "height"/ },
    { spec: 'step:peak=-1', message: /peak must be a number ≥ 0/ },
    { spec: 'sine:period=0', message: /period must be greater than 0/ },
    { spec: 'step:noise=2', message: /noise is a share from 0 to 1/ },
  ])('rejects $spec', ({ spec, message }) => {
    expect(() => profileTrace(spec)).toThrow(message)
  })
})
