// Where `rebalance execute` gets its plan: a file (Kafka's reassignment JSON, or the whole output of
// `rebalance plan --json`, whose `plan` is used), or the planner run on the live cluster's metadata with the
// brokers to fill (--add-broker, already started and registered) or drain (--remove-broker) and the topics in
// scope (--topic globs). Pure apart from reading the file: metadata in, plan out.
import { rebalanceInput } from '../../../analyzer/capacity/apply-steps.ts'
import { planReassignment } from '../../../analyzer/rebalance/plan.ts'
import type { RebalanceBroker, RebalanceReport } from '../../../analyzer/rebalance/types.ts'
import { AutopilotError, describeCause } from '../../../errors.ts'
import { parsePlan } from '../../../executor/reassignment/plan-input.ts'
import type { ReassignmentPlan } from '../../../executor/reassignment/types.ts'
import type { ClusterMetadata } from '../../../kafka/port.ts'

export interface PlanSourceFlags {
  plan?: string
  addBroker?: RebalanceBroker[]
  removeBroker?: number[]
  topic?: string[]
}

/** Flag combinations, checked before connecting. */
export function checkPlanSource(flags: PlanSourceFlags): void {
  const planning =
    (flags.addBroker?.length ?? 0) + (flags.removeBroker?.length ?? 0) + (flags.topic?.length ?? 0)
  if (flags.plan !== undefined && planning > 0) {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      '--plan cannot be combined with --add-broker, --remove-broker or --topic',
      {
        field: '--plan',
        hint: 'give a plan file, or let Autopilot plan from the live cluster with the broker and topic flags',
      },
    )
  }
  for (const b of flags.addBroker ?? []) {
    if (b.rack !== undefined) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `--add-broker ${b.id}:${b.rack}: the rack comes from the cluster`,
        {
          field: '--add-broker',
          hint: `give the id only (--add-broker ${b.id}); the broker's broker.rack is read from the metadata`,
        },
      )
    }
    if (flags.removeBroker?.includes(b.id)) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `broker ${b.id} is given to both --add-broker and --remove-broker`,
        {
          field: '--remove-broker',
        },
      )
    }
  }
}

/** The JSON in a file a flag names; an unreadable file or bad JSON is an error on that flag. */
export async function readJsonFile(
  file: string,
  read: (path: string) => Promise<string>,
  flag: string,
): Promise<unknown> {
  let text: string
  try {
    text = await read(file)
  } catch (cause) {
    throw new AutopilotError('AP_ERR_NOT_FOUND', `cannot read ${file}`, { field: flag, cause })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new AutopilotError('AP_ERR_INPUT', `${file} is not valid JSON: ${describeCause(cause)}`, {
      field: flag,
    })
  }
}

/** Reads and validates a plan file; errors name the file and the field in it. */
export async function readPlanFile(
  file: string,
  read: (path: string) => Promise<string>,
): Promise<ReassignmentPlan> {
  const raw = await readJsonFile(file, read, '--plan')
  const inner = (raw as { plan?: unknown } | null)?.plan
  return parsePlan(
    inner !== undefined && (raw as { version?: unknown }).version === undefined ? inner : raw,
    file,
  )
}

export interface LivePlan {
  plan: ReassignmentPlan | null
  report: RebalanceReport
}

/** Plans on the live metadata; `plan` is null when nothing has to move. */
export function planFromCluster(metadata: ClusterMetadata, flags: PlanSourceFlags): LivePlan {
  const live = new Set(metadata.brokers.map((b) => b.id))
  const liveList = [...live].sort((a, b) => a - b).join(', ')
  for (const { id } of flags.addBroker ?? []) {
    if (!live.has(id)) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `--add-broker ${id}: broker ${id} is not a live broker (live: ${liveList})`,
        {
          field: '--add-broker',
          hint: 'start the broker first (autopilot brokers add), then rebalance onto it',
        },
      )
    }
  }
  const topics = flags.topic ?? []
  const input = rebalanceInput(metadata, topics)
  if (topics.length > 0 && input.partitions.length === 0) {
    throw new AutopilotError('AP_ERR_NOT_FOUND', `no topic matches --topic ${topics.join(', ')}`, {
      field: '--topic',
      hint: 'internal topics are never moved; globs like orders-* are accepted',
    })
  }
  const holding = new Set(input.partitions.flatMap((p) => p.replicas))
  const remove = flags.removeBroker ?? []
  for (const id of remove) {
    if (!live.has(id) && !holding.has(id)) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `--remove-broker ${id}: broker ${id} is neither live nor holding a replica (live: ${liveList})`,
        { field: '--remove-broker' },
      )
    }
    if (!live.has(id)) input.brokers.push({ id })
  }
  const offline = [...holding].filter((id) => !live.has(id) && !remove.includes(id)).sort((a, b) => a - b)
  const report = planReassignment(input, { remove, ...(offline.length > 0 ? { offline } : {}) })
  return { plan: report.plan.partitions.length === 0 ? null : report.plan, report }
}
