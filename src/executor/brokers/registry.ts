// Every broker backend, by kind. An explicit literal kept in alphabetical order (a test fails otherwise), each
// documented in docs/broker-backends.md (a test checks that too): adding one is a file here and a line below.
import type { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import type { BrokerBackend, BrokerBackendDeps, BrokerBackendFactory, BrokerBackendKind } from './backend.ts'
import { createCruiseControlBackend, cruiseControlOptionsSchema } from './cruise-control.ts'
import { createKoperatorBackend, koperatorOptionsSchema } from './koperator.ts'
import { createLocalBackend, localOptionsSchema } from './local.ts'
import { createStrimziBackend, strimziOptionsSchema } from './strimzi.ts'

export interface BrokerBackendEntry {
  create: BrokerBackendFactory
  /** The options the factory validates (without `type`); documented in docs/broker-backends.md. */
  options: z.ZodType
}

export const BROKER_BACKENDS = {
  'cruise-control': { create: createCruiseControlBackend, options: cruiseControlOptionsSchema },
  koperator: { create: createKoperatorBackend, options: koperatorOptionsSchema },
  local: { create: createLocalBackend, options: localOptionsSchema },
  strimzi: { create: createStrimziBackend, options: strimziOptionsSchema },
} as const satisfies Record<BrokerBackendKind, BrokerBackendEntry>

export function isBrokerBackendKind(kind: unknown): kind is BrokerBackendKind {
  return typeof kind === 'string' && Object.hasOwn(BROKER_BACKENDS, kind)
}

/** Builds a backend from its configuration section, `{ type: <kind>, …options }`. */
export function createBrokerBackend(
  config: { type?: unknown } & Record<string, unknown>,
  deps: BrokerBackendDeps = {},
): BrokerBackend {
  const { type, ...options } = config
  const field = deps.field ?? 'brokers'
  if (!isBrokerBackendKind(type)) {
    throw new AutopilotError('AP_ERR_CONFIG', `unknown broker backend type ${JSON.stringify(type)}`, {
      field: `${field}.type`,
      hint: `one of ${Object.keys(BROKER_BACKENDS).join(', ')}`,
    })
  }
  return BROKER_BACKENDS[type].create(options, deps)
}
