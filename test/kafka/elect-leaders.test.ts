import { Reader, Writer } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import {
  createElectLeadersRequest,
  electLeadersV2,
  parseElectLeadersResponse,
  toElectionResults,
} from '../../src/kafka/elect-leaders.ts'

describe('ElectLeaders v2 codec', () => {
  it('is API key 43 v2', () => {
    expect([electLeadersV2.key, electLeadersV2.version]).toEqual([43, 2])
  })

  it('encodes election type, topic partitions and timeout in the flexible format', () => {
    const bytes = createElectLeadersRequest(0, [{ topic: 'ab', partitions: [1, 2] }], 5000).buffer
    // int8 type | compact array len 1+1 | compact string len 2+1 'ab' | compact array 2+1, int32 1, int32 2 |
    // topic tagged fields | int32 timeout | request tagged fields
    expect(bytes.toString('hex')).toBe(
      `00 02 03 6162 03 00000001 00000002 00 00001388 00`.replaceAll(' ', ''),
    )
  })

  it('encodes "all partitions" as a null array', () => {
    expect(createElectLeadersRequest(0, null, 1).buffer.toString('hex')).toBe('00' + '00' + '00000001' + '00')
  })

  it('decodes results with per-partition errors', () => {
    const w = Writer.create()
      .appendInt32(0)
      .appendInt16(0)
      .appendArray(
        [
          {
            topic: 't',
            parts: [[0, 0, null] as const, [1, 84, null] as const, [2, 80, 'no preferred'] as const],
          },
        ],
        (w1, t) => {
          w1.appendString(t.topic).appendArray(t.parts, (w2, [id, code, msg]) => {
            w2.appendInt32(id).appendInt16(code).appendString(msg)
          })
        },
      )
      .appendTaggedFields()
    const response = parseElectLeadersResponse(1, 43, 2, Reader.from(w.buffer))
    expect(toElectionResults(response)).toEqual([
      { topic: 't', partition: 0, error: null, outcome: 'elected' },
      { topic: 't', partition: 1, error: null, outcome: 'not-needed' },
      { topic: 't', partition: 2, error: 'PREFERRED_LEADER_NOT_AVAILABLE: no preferred', outcome: 'failed' },
    ])
  })
})
