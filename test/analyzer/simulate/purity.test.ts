// src/analyzer/simulate/ is pure like the rest of the analyzer: the same trace and parameters give the same
// numbers, so no clocks, randomness (profiles use a seeded generator), process state, I/O or logging.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const dir = new URL('../../../src/analyzer/simulate/', import.meta.url)
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'))

const FORBIDDEN: Array<[string, RegExp]> = [
  ['clock', /\bDate\.now\b|\bnew Date\b|\bperformance\.now\b/],
  ['randomness', /\bMath\.random\b|\bcrypto\b/],
  ['process state', /\bprocess\./],
  ['logging', /\bconsole\.|\bpino\b|\blogger\b/],
  ['timers', /\bsetTimeout\b|\bsetInterval\b/],
  ['Node modules (I/O)', /from ['"]node:/],
]

describe('src/analyzer/simulate is pure', () => {
  it('has files to check, the KEDA baseline included', () => {
    expect(files.length).toBeGreaterThan(10)
    expect(files).toContain('keda/hpa.ts')
  })
  it.each(files)('%s', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/^\s*\/\/.*$/gm, '')
    for (const [what, pattern] of FORBIDDEN) expect(code, `${file} uses ${what}`).not.toMatch(pattern)
  })
})
