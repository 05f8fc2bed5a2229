// The rebalance planner's public surface (see plan.ts for the order of priorities).
export {
  addBrokersLowerBound,
  countBound,
  removeBrokersLowerBound,
} from './bounds.ts'
export { type ClusterFile, parseClusterFile } from './input.ts'
export { planAddBrokers, planHeal, planReassignment, planRemoveBrokers } from './plan.ts'
export { sizesFromLogDirs, withLogDirSizes } from './sizes.ts'
export * from './types.ts'
