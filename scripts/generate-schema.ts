// Writes schema/autopilot.schema.json from the zod definitions in src/config/, then formats it with Biome so
// `npm run lint` stays clean. test/config/json-schema.test.ts fails when the file is stale.
// Run: npm exec -- node scripts/generate-schema.ts
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderJsonSchema } from '../src/config/json-schema.ts'

const out = fileURLToPath(new URL('../schema/autopilot.schema.json', import.meta.url))
writeFileSync(out, renderJsonSchema())
execFileSync('npx', ['biome', 'format', '--write', out], { stdio: 'ignore' })
process.stdout.write(`wrote ${out}\n`)
