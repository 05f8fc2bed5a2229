// When a replica acts on the alerts it is sent, forwards them to the leader, or answers 503 (forwardDecision),
// and where it forwards them (forwardTarget): pure functions of what the replica knows.
import { describe, expect, it } from 'vitest'
import { type ForwardView, forwardDecision, forwardTarget } from '../../src/alerts/forward.ts'

const follower: ForwardView = {
  acting: false,
  identity: 'pod-b',
  leader: 'pod-a',
  leaderUrl: 'http://10.0.0.1:9477',
  forwardedBy: undefined,
}

describe('forwardDecision', () => {
  it('the leader (or a standalone replica) acts, forwarded or not', () => {
    expect(forwardDecision({ ...follower, acting: true })).toEqual({ kind: 'act' })
    expect(forwardDecision({ ...follower, acting: true, forwardedBy: 'pod-b' })).toEqual({ kind: 'act' })
    expect(forwardDecision({ ...follower, acting: true, leader: null, leaderUrl: null })).toEqual({
      kind: 'act',
    })
  })

  it('a follower that knows where the leader is forwards to it', () => {
    expect(forwardDecision(follower)).toEqual({
      kind: 'forward',
      leader: 'pod-a',
      url: 'http://10.0.0.1:9477',
    })
  })

  const unavailable: Array<[string, Partial<ForwardView>, RegExp]> = [
    ['a request another replica forwarded (loop guard)', { forwardedBy: 'pod-c' }, /forwarded by pod-c/],
    ['an empty forwarded-by header still counts', { forwardedBy: '' }, /not forwarded again/],
    ['no leader known', { leader: null, leaderUrl: null }, /no leader is known/],
    ['the Lease names this replica, whose renewal is overdue', { leader: 'pod-b' }, /could not renew/],
    ['a leader that advertises no URL', { leaderUrl: null }, /pod-a advertises no URL/],
  ]
  for (const [name, change, why] of unavailable) {
    it(`a follower answers 503 for ${name}`, () => {
      const decision = forwardDecision({ ...follower, ...change })
      expect(decision.kind).toBe('unavailable')
      if (decision.kind === 'unavailable') {
        expect(decision.why).toMatch(why)
        expect(decision.leader).toBe(change.leader === undefined ? 'pod-a' : change.leader)
      }
    })
  }
})

describe('forwardTarget', () => {
  it("keeps the received path under the leader's URL, its own path prefix included", () => {
    expect(forwardTarget('http://10.0.0.1:9477', '/alerts')).toBe('http://10.0.0.1:9477/alerts')
    expect(forwardTarget('http://10.0.0.1:9477/', '/api/v2/alerts')).toBe(
      'http://10.0.0.1:9477/api/v2/alerts',
    )
    expect(forwardTarget('https://gw.example/autopilot//', '/alerts')).toBe(
      'https://gw.example/autopilot/alerts',
    )
  })
})
