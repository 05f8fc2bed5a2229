import { Reader, Writer } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import {
  createDescribeClusterRequest,
  describeClusterV2,
  parseDescribeClusterResponse,
  toClusterDescription,
} from '../../src/kafka/describe-cluster.ts'

describe('DescribeCluster v2 codec', () => {
  it('is API key 60 v2', () => {
    expect([describeClusterV2.key, describeClusterV2.version]).toEqual([60, 2])
  })

  it('encodes no authorized operations, endpoint type BROKERS and include_fenced_brokers', () => {
    expect(createDescribeClusterRequest(true).buffer.toString('hex')).toBe('00' + '01' + '01' + '00')
    expect(createDescribeClusterRequest(false).buffer.toString('hex')).toBe('00' + '01' + '00' + '00')
  })

  it('decodes brokers with their fencing state, sorted by id', () => {
    const brokers = [
      { id: 3, host: 'h3', port: 9093, rack: 'r1', fenced: true },
      { id: 1, host: 'h1', port: 9091, rack: null, fenced: false },
    ]
    const w = Writer.create()
      .appendInt32(0)
      .appendInt16(0)
      .appendString(null)
      .appendInt8(1)
      .appendString('cid')
      .appendInt32(1)
      .appendArray(brokers, (w1, b) => {
        w1.appendInt32(b.id)
          .appendString(b.host)
          .appendInt32(b.port)
          .appendString(b.rack)
          .appendBoolean(b.fenced)
      })
      .appendInt32(-2147483648)
      .appendTaggedFields()
    const response = parseDescribeClusterResponse(1, 60, 2, Reader.from(w.buffer))
    expect(response.errorCode).toBe(0)
    expect(toClusterDescription(response)).toEqual({
      clusterId: 'cid',
      controllerId: 1,
      brokers: [
        { id: 1, host: 'h1', port: 9091, rack: null, fenced: false },
        { id: 3, host: 'h3', port: 9093, rack: 'r1', fenced: true },
      ],
    })
  })

  it('without the v2 field fencing is unknown (null)', () => {
    expect(
      toClusterDescription({
        errorCode: 0,
        errorMessage: null,
        clusterId: 'c',
        controllerId: 1,
        brokers: [{ brokerId: 1, host: 'h', port: 1, rack: null }],
      }).brokers[0]!.fenced,
    ).toBeNull()
  })
})
