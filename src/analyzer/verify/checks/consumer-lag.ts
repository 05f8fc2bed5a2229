import type { CheckResult, VerifyOptions, VerifySnapshot } from '../types.ts'
import { listSome } from '../types.ts'

/**
 * Every partition of every named group under its threshold: records (per topic, else the default) and, when
 * asked, seconds. A partition whose lag cannot be read fails: verify must not pass on missing data.
 */
export function consumerLag(snapshot: VerifySnapshot, options: VerifyOptions): CheckResult {
  if (snapshot.groups === null)
    return { check: 'consumer-lag', status: 'skip', summary: 'no --group given', details: [] }
  const details: string[] = []
  let partitions = 0
  for (const g of snapshot.groups) {
    if (g.error !== null) {
      details.push(`${g.group}: ${g.error}`)
      continue
    }
    for (const t of g.topics) {
      const max = options.maxLagByTopic[t.topic] ?? options.maxLag
      for (const p of t.partitions) {
        partitions++
        const where = `${g.group} ${t.topic}-${p.partition}`
        if (p.lag === null) details.push(`${where}: lag unknown${p.error ? ` (${p.error})` : ''}`)
        else if (p.lag > max) details.push(`${where}: ${p.lag} records > ${max}`)
        else if (
          options.maxLagSeconds !== null &&
          p.lagSeconds !== null &&
          p.lagSeconds > options.maxLagSeconds
        ) {
          details.push(`${where}: ${p.lagSeconds} s > ${options.maxLagSeconds} s`)
        }
      }
    }
  }
  if (details.length > 0)
    return { check: 'consumer-lag', status: 'fail', summary: listSome(details, 3), details }
  const limit =
    options.maxLagSeconds === null
      ? `${options.maxLag} records`
      : `${options.maxLag} records and ${options.maxLagSeconds} s`
  return {
    check: 'consumer-lag',
    status: 'pass',
    summary: `${snapshot.groups.length} group(s), ${partitions} partition(s) within ${limit}`,
    details,
  }
}
