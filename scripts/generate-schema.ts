// Writes schema/autopilot.schema.json from the zod definitions in src/config/.
// Run: npm exec -- node scripts/generate-schema.ts   (test/config/json-schema.test.ts fails when it is stale)
import { writeFileSync } from 'node:fs'
import { renderJsonSchema } from '../src/config/json-schema.ts'

const out = new URL('../schema/autopilot.schema.json', import.meta.url)
writeFileSync(out, renderJsonSchema())
process.stdout.write(`wrote ${out.pathname}\n`)
