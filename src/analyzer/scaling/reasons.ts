// Why a scaling decision came out as it did. Stable strings: they label metrics, journal entries and the
// dashboard. The HPA's own condition reasons keep their HPA names.

export const REASON_CODES = {
  DesiredWithinRange: 'the policy proposal was applied as is',
  WithinTolerance: 'the change would be within the tolerance band, so the count is kept',
  PartitionCap: 'capped at the partition count (or the partitions with lag): more consumers would sit idle',
  EvenDistribution: 'moved to a count that spreads partitions evenly over consumers',
  TooFewReplicas: 'raised to minReplicaCount',
  TooManyReplicas: 'lowered to maxReplicaCount',
  ScaleUpStabilized: 'scale-up held to the lowest recommendation in the scale-up stabilization window',
  ScaleDownStabilized: 'scale-down held to the highest recommendation in the scale-down stabilization window',
  ScaleUpLimit: 'scale-up limited by the scale-up rate policies',
  ScaleDownLimit: 'scale-down limited by the scale-down rate policies',
  ScaleUpDisabled: 'scale-up is disabled (selectPolicy: Disabled)',
  ScaleDownDisabled: 'scale-down is disabled (selectPolicy: Disabled)',
  PartialData: 'some partitions could not be read: scaling up only, never down',
  Activated: 'lag rose above activationLagThreshold: scaled from zero/idle',
  Deactivated: 'lag stayed at or below activationLagThreshold for cooldownPeriod: scaled to zero/idle',
  CooldownHold: 'inactive, but cooldownPeriod has not passed since the last activity',
  Inactive: 'at zero/idle and lag is not above activationLagThreshold',
  FallbackHold: 'lag could not be read: holding the current count',
  FallbackReplicas:
    'lag could not be read for more than fallback.failureThreshold evaluations: fallback count',
} as const

export type ReasonCode = keyof typeof REASON_CODES

export const REASONS = Object.keys(REASON_CODES) as ReasonCode[]
