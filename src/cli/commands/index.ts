import type { Command } from 'commander'
import { registerAudit } from './audit.ts'
import { registerExporter } from './exporter.ts'
import { registerLag } from './lag.ts'
import { registerStack } from './stack.ts'
import { registerValidate } from './validate.ts'

/** Every CLI command, one file each; a new command adds one line here. */
export const commands: Array<(program: Command) => void> = [
  registerStack,
  registerLag,
  registerExporter,
  registerValidate,
  registerAudit,
]
