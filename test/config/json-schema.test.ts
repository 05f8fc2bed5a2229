import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildJsonSchema } from '../../src/config/json-schema.ts'

const file = new URL('../../schema/autopilot.schema.json', import.meta.url)

describe('schema/autopilot.schema.json', () => {
  it('is up to date with the zod definitions (regenerate: npm exec -- node scripts/generate-schema.ts)', () => {
    // Compared as data: the file is formatted by Biome after generation.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(buildJsonSchema())
  })

  it('accepts KEDA strings as well as native values, and requires what KEDA requires', () => {
    const schema = buildJsonSchema() as {
      properties: {
        scalers: {
          items: { properties: Record<string, { properties?: Record<string, unknown> }>; required: string[] }
        }
      }
    }
    const item = schema.properties.scalers.items
    expect(item.required).toEqual(['name', 'target', 'trigger'])
    const metadata = (item.properties.trigger?.properties?.metadata ?? {}) as {
      required: string[]
      properties: Record<string, { anyOf?: Array<{ type: string }> }>
    }
    expect(metadata.required).toEqual(['bootstrapServers', 'consumerGroup'])
    expect(metadata.properties.lagThreshold?.anyOf?.map((o) => o.type)).toEqual(['number', 'string'])
  })
})
