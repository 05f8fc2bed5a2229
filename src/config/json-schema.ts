// JSON Schema of autopilot.yaml, generated from the zod definitions so the two cannot drift. It describes the
// accepted input (strings or native values, defaults implied); cross-field rules are only in the loader.
import { z } from 'zod'
import { autopilotConfig } from './schema.ts'

export function buildJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(autopilotConfig, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
}

/** The file's exact text: stable key order from zod, two-space indent, trailing newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`
}
