// The cruise-control broker backend against the in-process fake of the Cruise Control 2.5 REST API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { BrokerEvent } from '../../../src/executor/brokers/backend.ts'
import {
  type CruiseControlBackendOptions,
  createCruiseControlBackend,
} from '../../../src/executor/brokers/cruise-control.ts'
import { FakeCruiseControl } from './fake-cruise-control.ts'

const cc = new FakeCruiseControl()
beforeAll(async () => {
  await cc.start()
})
afterAll(async () => {
  await cc.stop()
})
beforeEach(() => cc.reset())

const backend = (extra: Partial<CruiseControlBackendOptions> = {}, deps = {}) =>
  createCruiseControlBackend({ url: cc.url, pollIntervalMs: 1, ...extra }, deps)
const calls = () => cc.requests.map((r) => `${r.method} ${r.endpoint}${r.taskId ? ' (User-Task-ID)' : ''}`)
const query = (i: number) => Object.fromEntries(cc.requests[i]!.query)

describe('cruise-control: add and remove brokers', () => {
  const rows = [
    {
      name: 'addBrokers',
      endpoint: 'add_broker',
      run: (b: ReturnType<typeof backend>) => b.addBrokers([5, 4], { dryRun: false }),
    },
    {
      name: 'removeBrokers',
      endpoint: 'remove_broker',
      run: (b: ReturnType<typeof backend>) => b.removeBrokers([5, 4], { dryRun: false }),
    },
  ]
  it.each(rows)(
    '$name: executor idle → POST $endpoint → user_tasks until Completed',
    async ({ endpoint, run }) => {
      cc.script = { computePolls: 0, executionPolls: 3 }
      const result = await run(backend())
      expect(calls()).toEqual([
        'GET state',
        `POST ${endpoint}`,
        'GET user_tasks',
        'GET user_tasks',
        'GET user_tasks',
      ])
      expect(query(0)).toEqual({ substates: 'executor', json: 'true' })
      expect(query(1)).toEqual({ brokerid: '4,5', dryrun: 'false', json: 'true' })
      const taskId = [...cc.tasks.keys()][0]!
      expect(query(2)).toEqual({ user_task_ids: taskId, json: 'true' })
      expect(result).toMatchObject({
        kind: 'cruise-control',
        target: `Cruise Control ${cc.url}/kafkacruisecontrol`,
        brokers: [4, 5],
        applied: true,
        dryRun: false,
        message: 'made 12 replica moves (3400 MB) and 5 leader moves (brokers 4, 5)',
        details: {
          userTaskId: taskId,
          summary: {
            numReplicaMovements: 12,
            dataToMoveMB: 3400,
            numLeaderMovements: 5,
            provisionStatus: 'RIGHT_SIZED',
          },
        },
      })
      expect(cc.tasks.get(taskId)!.status).toBe('Completed')
    },
  )

  it('a 202 is followed by resending the same request with the User-Task-ID header', async () => {
    cc.script = { computePolls: 2, executionPolls: 1 }
    const events: BrokerEvent[] = []
    await backend().addBrokers([4], { dryRun: false, journal: (e) => events.push(e) })
    expect(calls()).toEqual([
      'GET state',
      'POST add_broker',
      'POST add_broker (User-Task-ID)',
      'POST add_broker (User-Task-ID)',
      'GET user_tasks',
    ])
    const taskId = [...cc.tasks.keys()][0]!
    expect(cc.requests[2]!.taskId).toBe(taskId)
    expect(query(2)).toEqual(query(1))
    expect(events.map((e) => e.step)).toEqual(['request', 'accepted', 'executing', 'state', 'done'])
    expect(events.every((e) => e.backend === 'cruise-control' && e.operation === 'addBrokers')).toBe(true)
  })

  it('a dry run asks for a proposal (dryrun=true) and starts nothing', async () => {
    cc.script = { computePolls: 1, executionPolls: 5 }
    const result = await backend().removeBrokers([3], { dryRun: true })
    expect(calls()).toEqual(['POST remove_broker', 'POST remove_broker (User-Task-ID)'])
    expect(query(0)).toEqual({ brokerid: '3', dryrun: 'true', json: 'true' })
    expect(cc.executing).toBeUndefined()
    expect(result).toMatchObject({
      applied: false,
      dryRun: true,
      message: 'would make 12 replica moves (3400 MB) and 5 leader moves (brokers 3)',
    })
  })

  it('configured limits and goals are sent as Cruise Control parameters the endpoint accepts', async () => {
    const b = backend({
      replicationThrottle: 50_000_000,
      concurrentPartitionMovementsPerBroker: 2,
      excludedTopics: '__.*',
      goals: ['RackAwareGoal', 'ReplicaCapacityGoal'],
    })
    await b.addBrokers([4], { dryRun: false })
    expect(query(1)).toEqual({
      brokerid: '4',
      goals: 'RackAwareGoal,ReplicaCapacityGoal',
      replication_throttle: '50000000',
      concurrent_partition_movements_per_broker: '2',
      excluded_topics: '__.*',
      dryrun: 'false',
      json: 'true',
    })
  })

  it('rebalance with disk: true asks for an intra-broker rebalance', async () => {
    await backend().rebalance({ disk: true }, { dryRun: false })
    expect(calls().slice(0, 2)).toEqual(['GET state', 'POST rebalance'])
    expect(query(1)).toEqual({ rebalance_disk: 'true', dryrun: 'false', json: 'true' })
  })

  it('addBrokers with a count is refused: Cruise Control starts no brokers', async () => {
    await expect(backend().addBrokers(2, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'brokers',
    })
    expect(cc.requests).toEqual([])
  })

  it('addDisk is not a Cruise Control operation', async () => {
    const b = backend()
    expect(b.operations.has('addDisk')).toBe(false)
    await expect(b.addDisk(1, { size: '100Gi' }, { dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
    })
  })
})

describe('cruise-control: busy, failed and lost executions', () => {
  it('an execution under way (state) refuses before any POST, retryable', async () => {
    cc.executing = 'external'
    const err = await backend()
      .addBrokers([4], { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFLICT', retryable: true })
    expect((err as Error).message).toContain('INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS')
    expect(calls()).toEqual(['GET state'])
  })

  it('an execution that starts between state and POST: the executor refusal is a retryable conflict', async () => {
    // Someone else starts an execution after our state check, before our POST arrives.
    const journal = (e: BrokerEvent) => {
      if (e.step === 'request') cc.executing = 'external'
    }
    const err = await backend()
      .addBrokers([4], { dryRun: false, journal })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_CONFLICT', retryable: true, details: { httpStatus: 500 } })
    expect((err as Error).message).toContain(
      'Cannot start a new execution while there is an ongoing execution',
    )
    expect(calls()).toEqual(['GET state', 'POST add_broker'])
  })

  it('a proposal that fails is AP_ERR_KAFKA with the exception Cruise Control names', async () => {
    cc.script = {
      computePolls: 1,
      executionPolls: 1,
      proposalError:
        'com.linkedin.kafka.cruisecontrol.exception.OptimizationFailureException: [RackAwareGoal] Insufficient number of racks to distribute each replica.',
    }
    const err = await backend()
      .removeBrokers([1], { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_KAFKA', details: { httpStatus: 500 } })
    expect((err as Error).message).toContain('OptimizationFailureException: [RackAwareGoal]')
    expect(calls()).toEqual(['GET state', 'POST remove_broker', 'POST remove_broker (User-Task-ID)'])
  })

  it('an execution that ends CompletedWithError is an error, never a success', async () => {
    cc.script = { computePolls: 0, executionPolls: 2, executionFails: true }
    const err = await backend()
      .removeBrokers([2], { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_KAFKA', retryable: false })
    expect((err as Error).message).toMatch(/finished remove_broker task .* with an error/)
  })

  it('a broker Cruise Control does not know is its error, passed on', async () => {
    const err = await backend()
      .removeBrokers([9], { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_KAFKA' })
    expect((err as Error).message).toContain('Broker 9 does not exist')
  })

  it('a task Cruise Control forgot (restart) is an error telling to check the executor', async () => {
    cc.script = { computePolls: 0, executionPolls: 100 }
    const journal = (e: BrokerEvent) => {
      if (e.step === 'executing') cc.tasks.clear()
    }
    await expect(backend().addBrokers([4], { dryRun: false, journal })).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA',
      message: expect.stringContaining('no longer lists user task'),
      hint: expect.stringContaining('GET state'),
    })
  })

  it('an execution longer than executionTimeoutMs is AP_ERR_TIMEOUT naming the task (left running)', async () => {
    cc.script = { computePolls: 0, executionPolls: 1_000_000 }
    const err = await backend({ executionTimeoutMs: 30 })
      .addBrokers([4], { dryRun: false })
      .catch((e: unknown) => e)
    const taskId = [...cc.tasks.keys()][0]
    expect(err).toMatchObject({ code: 'AP_ERR_TIMEOUT', retryable: true, details: { userTaskId: taskId } })
    expect(cc.executing).toBe(taskId)
  })

  it('stop (not queued behind the running operation) stops the execution; the operation fails', async () => {
    cc.script = { computePolls: 0, executionPolls: 1_000_000 }
    const b = backend()
    let executing!: () => void
    const started = new Promise<void>((resolve) => {
      executing = resolve
    })
    const running = b.addBrokers([4], {
      dryRun: false,
      journal: (e) => e.step === 'executing' && executing(),
    })
    const outcome = running.catch((e: unknown) => e)
    await started
    const stopped = await b.stop({ dryRun: false })
    expect(stopped).toMatchObject({
      operation: 'stop',
      applied: true,
      message: 'Proposal execution stopped.',
    })
    expect(await outcome).toMatchObject({ code: 'AP_ERR_KAFKA' })
    const stop = cc.requests.find((r) => r.endpoint === 'stop_proposal_execution')!
    expect(stop.method).toBe('POST')
    expect(Object.fromEntries(stop.query)).toEqual({ json: 'true' })
  })

  it('status reports the executor state', async () => {
    expect(await backend().status()).toMatchObject({
      busy: false,
      brokers: null,
      message: 'executor NO_TASK_IN_PROGRESS',
    })
    cc.executing = 'external'
    expect(await backend().status()).toMatchObject({
      busy: true,
      details: { state: 'INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS', totalDataToMove: 3400 },
    })
  })
})

describe('cruise-control: auth, leader and abort', () => {
  it('basic auth is sent on every request; a password can come from the environment', async () => {
    cc.credentials = { username: 'autopilot', password: 's3cret' }
    const b = backend(
      { username: 'autopilot', passwordEnv: 'CC_PASSWORD' },
      { env: { CC_PASSWORD: 's3cret' } },
    )
    await b.addBrokers([4], { dryRun: false })
    const expected = `Basic ${Buffer.from('autopilot:s3cret').toString('base64')}`
    expect(cc.requests.map((r) => r.authorization)).toEqual(cc.requests.map(() => expected))
  })

  it('a wrong password is AP_ERR_KAFKA unauthorized naming the username field', async () => {
    cc.credentials = { username: 'autopilot', password: 's3cret' }
    await expect(backend({ username: 'autopilot', password: 'nope' }).status()).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA',
      field: 'brokers.username',
      message: expect.stringContaining('unauthorized'),
    })
  })

  it('a follower refuses to execute but may ask for a proposal', async () => {
    const b = backend({}, { leader: { isLeader: () => false } })
    await expect(b.removeBrokers([1], { dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_CONFLICT' })
    await expect(b.stop({ dryRun: false })).rejects.toMatchObject({ code: 'AP_ERR_CONFLICT' })
    expect(cc.requests).toEqual([])
    expect(await b.removeBrokers([1], { dryRun: true })).toMatchObject({ dryRun: true })
  })

  it('an aborted signal rejects with its reason and sends nothing', async () => {
    const controller = new AbortController()
    controller.abort(new Error('shutting down'))
    await expect(backend().addBrokers([4], { dryRun: false, signal: controller.signal })).rejects.toThrow(
      'shutting down',
    )
    expect(cc.requests).toEqual([])
  })

  it('a url that already ends in /kafkacruisecontrol is not doubled', async () => {
    await backend({ url: `${cc.url}/kafkacruisecontrol/` }).status()
    expect(calls()).toEqual(['GET state'])
  })
})

describe('cruise-control: bad answers are AutopilotErrors, never crashes', () => {
  const rows = [
    {
      name: 'an HTML page with 200',
      endpoint: 'state',
      fault: { status: 200, contentType: 'text/html', body: '<html>login</html>' },
      code: 'AP_ERR_KAFKA',
      text: /not JSON/,
    },
    {
      name: 'state without ExecutorState',
      endpoint: 'state',
      fault: { status: 200, body: JSON.stringify({ version: 1 }) },
      code: 'AP_ERR_KAFKA',
      text: /ExecutorState/,
    },
    {
      name: 'a proposal without a summary',
      endpoint: 'add_broker',
      fault: { status: 200, body: JSON.stringify({ version: 1 }) },
      code: 'AP_ERR_KAFKA',
      text: /no summary/,
    },
    {
      name: 'a summary with a negative count',
      endpoint: 'add_broker',
      fault: {
        status: 200,
        body: JSON.stringify({
          summary: { numReplicaMovements: -1, dataToMoveMB: 1, numLeaderMovements: 1 },
        }),
      },
      code: 'AP_ERR_KAFKA',
      text: /summary.numReplicaMovements/,
    },
    {
      name: 'a 200 without User-Task-ID',
      endpoint: 'add_broker',
      fault: {
        status: 200,
        body: JSON.stringify({ summary: { numReplicaMovements: 1, dataToMoveMB: 1, numLeaderMovements: 1 } }),
      },
      code: 'AP_ERR_KAFKA',
      text: /without a User-Task-ID header/,
    },
    {
      name: 'user_tasks without a list',
      endpoint: 'user_tasks',
      fault: { status: 200, body: JSON.stringify({ version: 1 }) },
      code: 'AP_ERR_KAFKA',
      text: /no userTasks list/,
    },
    {
      name: 'a 403 in plain text',
      endpoint: 'state',
      fault: { status: 403, contentType: 'text/plain', body: 'Forbidden' },
      code: 'AP_ERR_KAFKA',
      text: /forbidden/,
    },
    {
      name: 'not enough metric windows yet (retryable)',
      endpoint: 'add_broker',
      fault: {
        status: 500,
        body: JSON.stringify({
          version: 1,
          stackTrace: '',
          errorMessage:
            "Error processing POST request '/add_broker' due to: 'com.linkedin.kafka.cruisecontrol.exception.NotEnoughValidWindowsException: There are only 0 valid windows when aggregating in range [-1, 1767225600000] for aggregation options'.",
        }),
      },
      code: 'AP_ERR_KAFKA',
      text: /cannot propose yet/,
    },
  ]
  it.each(rows)('$name', async ({ endpoint, fault, code, text }) => {
    cc.script = { computePolls: 0, executionPolls: 1 }
    cc.fail(endpoint, fault)
    const b = backend()
    const err = await (endpoint === 'state' ? b.status() : b.addBrokers([4], { dryRun: false })).catch(
      (e: unknown) => e,
    )
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code })
    expect((err as Error).message).toMatch(text)
  })

  it('the wrong server (no /kafkacruisecontrol) is a 404 naming the url field', async () => {
    const b = createCruiseControlBackend({ url: `${cc.url}/other` })
    // /other/kafkacruisecontrol/state is not a Cruise Control endpoint on this server.
    await expect(b.status()).rejects.toMatchObject({ code: 'AP_ERR_KAFKA', field: 'brokers.url' })
  })

  it('Cruise Control not running is a retryable AP_ERR_KAFKA', async () => {
    const down = new FakeCruiseControl()
    await down.start()
    const url = down.url
    await down.stop()
    await expect(createCruiseControlBackend({ url }).status()).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA',
      retryable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    })
  })
})

describe('cruise-control: bad options name the field', () => {
  const rows: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: 'no url', options: {}, field: 'brokers.url' },
    { name: 'not http', options: { url: 'ftp://cc:9090' }, field: 'brokers.url' },
    {
      name: 'password without username',
      options: { url: 'http://cc:9090', password: 'x' },
      field: 'brokers.username',
    },
    {
      name: 'username without password',
      options: { url: 'http://cc:9090', username: 'u' },
      field: 'brokers.passwordEnv',
    },
    {
      name: 'negative throttle',
      options: { url: 'http://cc:9090', replicationThrottle: -1 },
      field: 'brokers.replicationThrottle',
    },
    {
      name: 'goal that is not a class',
      options: { url: 'http://cc:9090', goals: ['rack'] },
      field: 'brokers.goals[0]',
    },
    { name: 'unknown option', options: { url: 'http://cc:9090', dryrun: true }, field: 'brokers.dryrun' },
    {
      name: 'passwordEnv not set',
      options: { url: 'http://cc:9090', username: 'u', passwordEnv: 'NOPE_NOT_SET' },
      field: 'brokers.passwordEnv',
    },
  ]
  it.each(rows)('$name → $field', ({ options, field }) => {
    expect(() => createCruiseControlBackend(options, { env: {} })).toThrow(
      expect.objectContaining({ code: 'AP_ERR_CONFIG', field }),
    )
  })
})
