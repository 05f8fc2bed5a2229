import type { Command } from 'commander'
import { registerStack } from './stack.ts'

/** Every CLI command, one file each; a new command adds one line here. */
export const commands: Array<(program: Command) => void> = [registerStack]
