// Every audit rule, sorted by id. Adding a rule: one file in rules/, one line here, a section in
// docs/audit-rules.md, and its tests (test/analyzer/audit/registry.test.ts checks order and docs).
import { alertRulesCoverage } from './rules/alert-rules-coverage.ts'
import { autoscalerBounds } from './rules/autoscaler-bounds.ts'
import { autoscalerPresent } from './rules/autoscaler-present.ts'
import { consumerReplicasWithinPartitions } from './rules/consumer-replicas-within-partitions.ts'
import { containerProbes } from './rules/container-probes.ts'
import { containerResourceRequests } from './rules/container-resource-requests.ts'
import { inputInvalidResource } from './rules/input-invalid-resource.ts'
import { inputInvalidYaml } from './rules/input-invalid-yaml.ts'
import { inputUnknownKind } from './rules/input-unknown-kind.ts'
import { kafkaBrokerCount } from './rules/kafka-broker-count.ts'
import { kafkaMinInsyncReplicas } from './rules/kafka-min-insync-replicas.ts'
import { kafkaQuorumSize } from './rules/kafka-quorum-size.ts'
import { kafkaReplicationFactor } from './rules/kafka-replication-factor.ts'
import { pdbAllowsDisruption } from './rules/pdb-allows-disruption.ts'
import { pdbPresent } from './rules/pdb-present.ts'
import { persistentStorage } from './rules/persistent-storage.ts'
import { spreadAcrossNodes } from './rules/spread-across-nodes.ts'
import type { AuditRule } from './types.ts'

export const RULES: readonly AuditRule[] = [
  alertRulesCoverage,
  autoscalerBounds,
  autoscalerPresent,
  consumerReplicasWithinPartitions,
  containerProbes,
  containerResourceRequests,
  inputInvalidResource,
  inputInvalidYaml,
  inputUnknownKind,
  kafkaBrokerCount,
  kafkaMinInsyncReplicas,
  kafkaQuorumSize,
  kafkaReplicationFactor,
  pdbAllowsDisruption,
  pdbPresent,
  persistentStorage,
  spreadAcrossNodes,
]
