// Response shapes of the @platformatic/kafka protocol modules we call, under short names. The library exports
// them per version namespace; the version negotiated with a Kafka 3.5+ broker has these shapes.
import type {
  alterPartitionReassignmentsV0,
  consumerGroupDescribeV0,
  describeConfigsV4,
  describeGroupsV5,
  describeLogDirsV4,
  findCoordinatorV6,
  incrementalAlterConfigsV1,
  listGroupsV5,
  listOffsetsV9,
  listPartitionReassignmentsV0,
  metadataV12,
  offsetFetchV9,
  unregisterBrokerV0,
} from '@platformatic/kafka'

export type MetadataResponse = metadataV12.MetadataResponse
export type ListOffsetsResponse = listOffsetsV9.ListOffsetsResponse
export type FindCoordinatorResponse = findCoordinatorV6.FindCoordinatorResponse
export type OffsetFetchRequestGroup = offsetFetchV9.OffsetFetchRequestGroup
export type OffsetFetchResponse = offsetFetchV9.OffsetFetchResponse
export type ListGroupsResponse = listGroupsV5.ListGroupsResponse
export type DescribeGroupsResponse = describeGroupsV5.DescribeGroupsResponse
export type ConsumerGroupDescribeResponse = consumerGroupDescribeV0.ConsumerGroupDescribeResponse
export type DescribeConfigsRequestResource = describeConfigsV4.DescribeConfigsRequestResource
export type DescribeConfigsResponse = describeConfigsV4.DescribeConfigsResponse
export type IncrementalAlterConfigsRequestResource =
  incrementalAlterConfigsV1.IncrementalAlterConfigsRequestResource
export type IncrementalAlterConfigsResponse = incrementalAlterConfigsV1.IncrementalAlterConfigsResponse
export type DescribeLogDirsResponse = describeLogDirsV4.DescribeLogDirsResponse
export type ListPartitionReassignmentsResponse =
  listPartitionReassignmentsV0.ListPartitionReassignmentsResponse
export type AlterPartitionReassignmentsResponse =
  alterPartitionReassignmentsV0.AlterPartitionReassignmentsResponse
export type UnregisterBrokerResponse = unregisterBrokerV0.UnregisterBrokerResponse
