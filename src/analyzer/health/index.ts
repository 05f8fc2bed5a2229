// The health watch's pure part: findings from metadata, timed like Prometheus alerting rules.
export { annotationsOf, type Finding, findings } from './conditions.ts'
export {
  evaluateHealth,
  healthFingerprint,
  healthFingerprintPrefix,
  healthLabels,
  staleResolved,
} from './evaluate.ts'
export * from './types.ts'
