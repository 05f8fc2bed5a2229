// Reads manifest files for `autopilot audit`: files, folders (recursively, sorted) and `-` for stdin, e.g.
// `helm template … | autopilot audit -`. Parsing is left to the pure src/analyzer/audit/manifest.ts; files that
// cannot be read become input problems so the rest is still audited.
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import type { InputProblem } from '../analyzer/audit/manifest.ts'
import { AutopilotError } from '../errors.ts'

export interface ManifestFile {
  path: string
  text: string
  /** A unique relative name for the file's patched copy (`<folder name>/<path in folder>` or the file name). */
  outName: string
}

const EXTENSIONS = /\.(ya?ml|json)$/i
const SKIPPED_DIRS = new Set(['node_modules', '.git'])

export async function readManifestFiles(
  paths: readonly string[],
  readStdin: () => Promise<string> = defaultStdin,
): Promise<{ files: ManifestFile[]; problems: InputProblem[] }> {
  const files: ManifestFile[] = []
  const problems: InputProblem[] = []
  const used = new Set<string>()
  const unique = (name: string) => {
    let candidate = name
    for (let i = 2; used.has(candidate); i++) candidate = name.replace(/(\.[^.]+)?$/, `-${i}$1`)
    used.add(candidate)
    return candidate
  }
  for (const path of paths) {
    if (path === '-') {
      files.push({ path: '<stdin>', text: await readStdin(), outName: unique('stdin.yaml') })
      continue
    }
    const info = await stat(path).catch(() => undefined)
    if (info === undefined) {
      throw new AutopilotError('AP_ERR_NOT_FOUND', `no such file or folder: ${path}`, { field: 'PATH' })
    }
    const list = info.isDirectory() ? await listFolder(path) : [path]
    for (const file of list) {
      const outName = unique(info.isDirectory() ? join(basename(path), relative(path, file)) : basename(file))
      try {
        files.push({ path: file, text: await readFile(file, 'utf8'), outName })
      } catch (err) {
        problems.push({
          type: 'invalid-yaml',
          file,
          line: 1,
          message: `cannot read the file: ${(err as Error).message}`,
        })
      }
    }
  }
  return { files, problems }
}

async function listFolder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const out: string[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await listFolder(full)))
    else if (entry.isFile() && EXTENSIONS.test(entry.name)) out.push(full)
  }
  return out
}

async function defaultStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
