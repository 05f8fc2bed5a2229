// Runs the CLI in-process through main(), capturing what it writes to stdout and stderr.
import { vi } from 'vitest'
import { main } from '../../src/cli/main.ts'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  })
  const before = process.exitCode
  try {
    const code = await main(['node', 'autopilot', ...args])
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = before
  }
}

/** What a `--json` command printed as JSON lines, one object per line. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}
