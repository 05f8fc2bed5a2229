// waitForMetadata on the in-memory cluster, with a zero wait so nothing sleeps: the value the check finds, the
// AP_ERR_TIMEOUT naming what was awaited (with the last Kafka error as its hint), and the abort.
import { describe, expect, it } from 'vitest'
import { describeCause } from '../../../src/errors.ts'
import { waitForMetadata } from '../../../src/executor/operations/common.ts'
import { kafkaDown } from '../reassignment/fake-cluster.ts'
import { setup } from './setup.ts'

describe('waitForMetadata', () => {
  it("returns the check's value", async () => {
    const { ctx } = setup({ t: [[1, 2]] }, [1, 2])
    expect(
      await waitForMetadata(ctx, 'two brokers', 0, (m) => (m.brokers.length === 2 ? 2 : undefined)),
    ).toBe(2)
  })

  it('times out with AP_ERR_TIMEOUT naming what it waited for, the last Kafka error as hint', async () => {
    const { ctx, cluster } = setup({ t: [[1, 2]] }, [1, 2])
    await expect(waitForMetadata(ctx, 'broker 3', 0, () => undefined)).rejects.toMatchObject({
      code: 'AP_ERR_TIMEOUT',
      message: 'timed out after 0 s waiting for broker 3',
      hint: undefined,
    })
    cluster.fault = (method) => (method === 'metadata' ? kafkaDown(method) : undefined)
    await expect(waitForMetadata(ctx, 'broker 3', 0, () => 3)).rejects.toMatchObject({
      code: 'AP_ERR_TIMEOUT',
      hint: describeCause(kafkaDown('metadata')),
    })
  })

  it('rejects with the abort reason without asking Kafka', async () => {
    const { ctx, cluster } = setup({ t: [[1, 2]] }, [1, 2])
    const controller = new AbortController()
    controller.abort(new Error('cancelled by user'))
    ctx.signal = controller.signal
    await expect(waitForMetadata(ctx, 'broker 3', 1_000, () => 3)).rejects.toThrow('cancelled by user')
    expect(cluster.calls.filter((c) => c.method === 'metadata')).toEqual([])
  })
})
