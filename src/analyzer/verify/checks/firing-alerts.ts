import type { CheckResult, VerifyOptions, VerifySnapshot } from '../types.ts'
import { listSome } from '../types.ts'

/** Active (not silenced, not inhibited) alerts, except the always-on ones such as Watchdog. */
export function firingAlerts(snapshot: VerifySnapshot, options: VerifyOptions): CheckResult {
  if (snapshot.alerts === null)
    return { check: 'alerts', status: 'skip', summary: 'no --alertmanager given', details: [] }
  if ('error' in snapshot.alerts) {
    return {
      check: 'alerts',
      status: 'fail',
      summary: `cannot read alerts: ${snapshot.alerts.error}`,
      details: [snapshot.alerts.error],
    }
  }
  const firing = snapshot.alerts.alerts.filter(
    (a) => a.state === 'active' && !options.ignoreAlerts.includes(a.name),
  )
  const details = firing.map((a) => {
    const where = a.labels.instance ?? a.labels.pod ?? a.labels.namespace
    return where ? `${a.name} (${where})` : a.name
  })
  if (details.length > 0)
    return {
      check: 'alerts',
      status: 'fail',
      summary: `${details.length} firing: ${listSome(details)}`,
      details,
    }
  return { check: 'alerts', status: 'pass', summary: 'no alert firing', details }
}
