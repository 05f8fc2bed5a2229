// The broker operations (issue 4, "Broker actions"): one import for the alert handlers, the CLI and the
// scenario tests. Each takes a BrokerOpsContext (the cluster's admin port and broker backend; see
// open.ts to build one from the `clusters:` config) and answers an OperationResult.
//   scaleOut         upScale: add brokers, heal offline/fenced ones onto them or rebalance, verify
//   scaleIn          downScale: pick/refuse, drain, verify, remove
//   addDiskToBroker  addDisk: one broker gets a disk, optionally a disk rebalance
//   resizeBrokerDisk resizeDisk: where the backend supports it, else a clear AP_ERR_CONFIG
export { addDiskToBroker } from './add-disk.ts'
export { DEFAULT_WAITS } from './common.ts'
export { type BrokerHealth, brokerHealth, underReplicated } from './health.ts'
export { type ClusterOps, type OpenClusterOpsDeps, openClusterOps } from './open.ts'
export { type ResizableBackend, resizeBrokerDisk } from './resize-disk.ts'
export { scaleIn } from './scale-in.ts'
export { chooseBrokerToRemove, type ScaleInFacts, scaleInRefusal } from './scale-in-checks.ts'
export { scaleOut } from './scale-out.ts'
export type * from './types.ts'
