// Which action an alert asks for: the first config rule whose labels all match, else the alert's `command`
// annotation (Koperator's convention). Parameters are the alert's labels, then its annotations, then the
// rule's params (later wins). The broker actions' parameters are checked here, so a bad value is rejected
// with its name before anything runs.
import { ACTION_ALIASES, type Alert, BROKER_ACTIONS, type EngineConfig } from './types.ts'

export interface Resolved {
  action: string
  rule: string | null
  cluster: string
  target: string
  disruptive: boolean
  params: Record<string, string>
}

export type Resolution = { ok: true; value: Resolved } | { ok: false; reason: string; message: string }

const QUANTITY = /^\d+(\.\d+)?([KMGTPE]i?)?B?$/
const BROKER_ID = /^\d{1,9}$/

export function clusterOf(alert: Alert, params: Record<string, string>): string {
  return params.cluster ?? alert.labels.kafka_cr ?? alert.labels.cluster ?? 'default'
}

export function resolveAction(alert: Alert, config: EngineConfig): Resolution {
  const rule = config.rules.find((r) => Object.entries(r.match).every(([k, v]) => alert.labels[k] === v))
  const requested = rule?.action ?? (config.useCommandAnnotation ? alert.annotations.command : undefined)
  if (requested === undefined || requested === '') {
    return {
      ok: false,
      reason: 'NoActionForAlert',
      message: 'no rule matches and the alert has no command annotation',
    }
  }
  const action = ACTION_ALIASES[requested] ?? requested
  const broker = (BROKER_ACTIONS as readonly string[]).includes(action)
  const custom = config.customActions[action]
  if (!broker && custom === undefined) {
    return {
      ok: false,
      reason: 'UnknownAction',
      message: `action "${requested}" is neither ${BROKER_ACTIONS.join(', ')} nor a custom action of the config`,
    }
  }
  const params = { ...alert.labels, ...alert.annotations, ...(rule?.params ?? {}) }
  const problem = broker ? checkBrokerParams(action, params) : null
  if (problem !== null) return { ok: false, reason: 'InvalidActionParameter', message: problem }
  // A `cluster` parameter is one the alert's annotations or the rule set: the `cluster` label (also in params)
  // comes after kafka_cr, as clusterOf says.
  const cluster = clusterOf(alert, { ...alert.annotations, ...(rule?.params ?? {}) })
  const brokerId = params.brokerId
  return {
    ok: true,
    value: {
      action,
      rule: rule?.name ?? null,
      cluster,
      target: `${action} ${cluster}${brokerId !== undefined && action !== 'upScale' ? ` broker ${brokerId}` : ''}`,
      disruptive: broker ? true : (custom?.disruptive ?? false),
      params,
    },
  }
}

function checkBrokerParams(action: string, params: Record<string, string>): string | null {
  if (params.brokerId !== undefined && !BROKER_ID.test(params.brokerId)) {
    return `brokerId "${params.brokerId}" is not a broker id (a whole number)`
  }
  for (const key of ['diskSize', 'incrementBy'] as const) {
    const value = params[key]
    if (value !== undefined && !QUANTITY.test(value))
      return `${key} "${value}" is not a size such as 100Gi or 10G`
  }
  if (action === 'addDisk' && params.diskSize === undefined) return 'addDisk needs diskSize'
  if (action === 'resizeDisk' && params.diskSize === undefined && params.incrementBy === undefined) {
    return 'resizeDisk needs diskSize or incrementBy'
  }
  if ((action === 'addDisk' || action === 'resizeDisk') && params.brokerId === undefined) {
    return `${action} needs brokerId`
  }
  return null
}
