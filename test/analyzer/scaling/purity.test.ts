// src/analyzer/ is pure: data and `now` in, decisions out. This guards the scaling part against clocks,
// randomness, process state, I/O and logging creeping in.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const dir = new URL('../../../src/analyzer/scaling/', import.meta.url)
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))

const FORBIDDEN: Array<[string, RegExp]> = [
  ['clock', /\bDate\.now\b|\bnew Date\b|\bperformance\.now\b/],
  ['randomness', /\bMath\.random\b|\bcrypto\b/],
  ['process state', /\bprocess\./],
  ['logging', /\bconsole\.|\bpino\b|\blogger\b/],
  ['timers', /\bsetTimeout\b|\bsetInterval\b/],
  ['Node modules (I/O)', /from ['"]node:/],
]

describe('src/analyzer/scaling is pure', () => {
  it('has files to check', () => expect(files.length).toBeGreaterThan(5))
  it.each(files)('%s', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/^\s*\/\/.*$/gm, '')
    for (const [what, pattern] of FORBIDDEN) expect(code, `${file} uses ${what}`).not.toMatch(pattern)
  })
})
