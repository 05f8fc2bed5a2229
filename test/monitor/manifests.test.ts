import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readManifestFiles } from '../../src/monitor/manifests.ts'

describe('readManifestFiles', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autopilot-manifests-'))
    await mkdir(join(dir, 'a', 'nested'), { recursive: true })
    await mkdir(join(dir, 'b'))
    await mkdir(join(dir, 'a', '.hidden'))
    for (const f of [
      'a/x.yaml',
      'a/nested/y.yml',
      'a/notes.txt',
      'a/.hidden/z.yaml',
      'b/x.yaml',
      'a/j.json',
    ]) {
      await writeFile(join(dir, f), 'kind: X\n')
    }
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('walks folders in sorted order, YAML and JSON only, skipping hidden entries; names patched copies uniquely', async () => {
    const { files, problems } = await readManifestFiles([
      join(dir, 'a'),
      join(dir, 'b'),
      join(dir, 'b', 'x.yaml'),
    ])
    expect(problems).toEqual([])
    expect(files.map((f) => [f.path.slice(dir.length + 1), f.outName])).toEqual([
      ['a/j.json', 'a/j.json'],
      ['a/nested/y.yml', 'a/nested/y.yml'],
      ['a/x.yaml', 'a/x.yaml'],
      ['b/x.yaml', 'b/x.yaml'],
      ['b/x.yaml', 'x.yaml'],
    ])
  })

  it('names colliding copies apart', async () => {
    const { files } = await readManifestFiles([join(dir, 'a', 'x.yaml'), join(dir, 'b', 'x.yaml')])
    expect(files.map((f) => f.outName)).toEqual(['x.yaml', 'x-2.yaml'])
  })
})
