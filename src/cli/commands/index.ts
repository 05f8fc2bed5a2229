import type { Command } from 'commander'
import { registerActions } from './actions.ts'
import { registerAudit } from './audit.ts'
import { registerBrokers } from './brokers.ts'
import { registerDecisions } from './decisions.ts'
import { registerDemo } from './demo.ts'
import { registerExporter } from './exporter.ts'
import { registerLag } from './lag.ts'
import { registerPlan } from './plan.ts'
import { registerRebalance } from './rebalance.ts'
import { registerRecord } from './record.ts'
import { registerRun } from './run.ts'
import { registerSimulate } from './simulate.ts'
import { registerStack } from './stack.ts'
import { registerValidate } from './validate.ts'
import { registerVerify } from './verify.ts'
import { registerWorkload } from './workload.ts'

/** Every CLI command, one file each; a new command adds one line here. */
export const commands: Array<(program: Command) => void> = [
  registerStack,
  registerDemo,
  registerWorkload,
  registerLag,
  registerExporter,
  registerValidate,
  registerAudit,
  registerPlan,
  registerVerify,
  registerRun,
  registerDecisions,
  registerActions,
  registerSimulate,
  registerRecord,
  registerRebalance,
  registerBrokers,
]
