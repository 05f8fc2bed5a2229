// src/analyzer/ is pure: the planner must give the same plan for the same input, so no clocks, randomness,
// process state, I/O or logging may creep into it.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const dir = new URL('../../../src/analyzer/rebalance/', import.meta.url)
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))

const FORBIDDEN: Array<[string, RegExp]> = [
  ['clock', /\bDate\b|\bperformance\.now\b/],
  ['randomness', /\bMath\.random\b|\bcrypto\b/],
  ['process state', /\bprocess\./],
  ['logging', /\bconsole\.|\bpino\b|\blogger\b/],
  ['timers', /\bsetTimeout\b|\bsetInterval\b/],
  ['Node modules (I/O)', /from ['"]node:/],
]

describe('src/analyzer/rebalance is pure', () => {
  it('has files to check', () => expect(files.length).toBeGreaterThan(8))
  it.each(files)('%s', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/^\s*\/\/.*$/gm, '')
    for (const [what, pattern] of FORBIDDEN) expect(code, `${file} uses ${what}`).not.toMatch(pattern)
  })
})
