// The ordered runbook for a scale-out: what to run, in which order, and why. Pure: plan in, steps out.
// Commands use the release, namespace, chart and bootstrap server when given, else <placeholders>.
import type { PartitionChange } from './partitions.ts'
import type { ReplicaChange } from './replicas.ts'
import type { ScaleRules } from './rules.ts'

export interface RunbookContext {
  valuesFile: string
  outFile: string | null
  release: string | null
  namespace: string | null
  chart: string | null
  chartVersion: string | null
  bootstrapServer: string | null
}

export interface RunbookStep {
  title: string
  commands: string[]
  notes: string[]
}

export interface RunbookInput {
  nodes: number
  add: number
  replicas: readonly ReplicaChange[]
  partitions: readonly PartitionChange[]
  /** Every map key in the values file (lower case), to spot Pinot and other stores. */
  keys: ReadonlySet<string>
  rules: ScaleRules
  context: RunbookContext
}

const isKafkaBroker = (c: ReplicaChange) =>
  c.kind === 'replicas' &&
  c.category === 'scaled' &&
  /(^|\.)kafka(\.|$)/i.test(c.service) &&
  !/(connect|exporter|ui|rest|schema|bridge|mirror|cruise)/i.test(c.service)

export function buildRunbook(input: RunbookInput): RunbookStep[] {
  const { nodes, add, context: ctx } = input
  const rel = ctx.release ?? '<release>'
  const ns = ctx.namespace ?? '<namespace>'
  const chart = ctx.chart ?? '<chart>'
  const version = ctx.chartVersion ?? '<chart version from step 1>'
  const bootstrap = ctx.bootstrapServer ?? '<bootstrap-server>'
  const out = ctx.outFile ?? '<new values file>'
  const total = nodes + add
  const fixed = input.replicas
    .filter((c) => c.category === 'quorum' || c.category === 'singleton')
    .map((c) => c.service)

  const steps: RunbookStep[] = [
    {
      title: 'Check that the values match the live install',
      commands: [
        `helm get values ${rel} -n ${ns} -o yaml > live-values.yaml`,
        `helm list -n ${ns} --filter '^${rel}$'`,
      ],
      notes: [
        `Compare live-values.yaml with ${ctx.valuesFile}: order and comments may differ, values must not. If they differ, plan from the live values: a scale-out is not the time to ship unrelated changes.`,
        'Write down the chart version (CHART column): step 3 upgrades with the same one.',
      ],
    },
    {
      title: `Grow the node pool from ${nodes} to ${total} nodes`,
      commands: [
        `# with your cloud's tool, e.g. eksctl scale nodegroup --nodes ${total} …, gcloud container clusters resize … --num-nodes ${total}, az aks nodepool scale --node-count ${total} …`,
        'kubectl wait --for=condition=Ready node --all --timeout=15m',
        'kubectl get nodes',
      ],
      notes: [
        `Wait until ${total} nodes are Ready: replicas added before the nodes exist pile onto the old ones and stay there.`,
      ],
    },
    {
      title: 'Upgrade the release with the new values and the same chart version',
      commands: [`helm upgrade ${rel} ${chart} -n ${ns} -f ${out} --version ${version} --wait --timeout 20m`],
      notes: [
        'Same chart version on purpose: one change at a time, so a problem has one cause. `helm diff upgrade` (plugin) shows the manifest changes first.',
        ...(fixed.length > 0
          ? [`Unchanged on purpose (quorum or singleton): ${[...new Set(fixed)].join(', ')}.`]
          : []),
      ],
    },
    {
      title: 'Check that pods spread over old and new nodes',
      commands: [
        `kubectl get pods -n ${ns} -o custom-columns=NODE:.spec.nodeName,POD:.metadata.name --sort-by=.spec.nodeName`,
        `kubectl get pods -n ${ns} --field-selector=status.phase!=Running`,
      ],
      notes: [
        'Every scaled service should have pods on the new nodes. Running pods do not move by themselves; if the new ones also landed on old nodes, check anti-affinity and topology spread (autopilot audit).',
      ],
    },
    partitionStep(input.partitions, bootstrap),
    kafkaStep(input.replicas.filter(isKafkaBroker), bootstrap, ns),
    storesStep(input),
    {
      title: 'Validate',
      commands: [
        `autopilot verify --bootstrap-server ${bootstrap} --alertmanager <alertmanager-url> --group <consumer group>`,
        `helm get manifest ${rel} -n ${ns} | autopilot audit -`,
      ],
      notes: [
        'verify exits 0 only when every broker is up, no partition is under-replicated or offline, consumer lag is back under its threshold and no alert is firing.',
      ],
    },
  ]
  return steps
}

function partitionStep(partitions: readonly PartitionChange[], bootstrap: string): RunbookStep {
  const grown = partitions.filter((p) => p.to > p.from)
  if (grown.length === 0)
    return { title: 'Increase partitions', commands: [], notes: ['No partition changes planned.'] }
  return {
    title: 'Increase partitions',
    commands: grown.map(
      (p) =>
        `kafka-topics.sh --bootstrap-server ${bootstrap} --alter --topic ${p.topic} --partitions ${p.to}${p.keyed === 'no' ? '' : `   # keyed: ${p.keyed}`}`,
    ),
    notes: [
      'Partitions can only be added. For topics managed as Strimzi KafkaTopic resources, change spec.partitions there: the operator reverts direct changes.',
      'Keyed topics: keys move to other partitions, so per-key order breaks at the switch; do it when producers are quiet, or not at all.',
      'Consumers find new partitions at their next metadata refresh (metadata.max.age.ms, 5 min by default). A group with auto.offset.reset=latest skips what producers wrote to a new partition before that; use earliest for such groups.',
    ],
  }
}

function kafkaStep(brokers: readonly ReplicaChange[], bootstrap: string, ns: string): RunbookStep {
  const title = 'Rebalance Kafka onto the new brokers'
  const notes = [
    'New brokers only get partitions created from now on; existing ones move in this step.',
    '`autopilot plan scale-out --apply-kafka --bootstrap-server …` does the partition increase and this rebalance itself (throttled, journaled); run it with `--dry-run` first.',
  ]
  if (brokers.length === 0) {
    return {
      title,
      commands: [],
      notes: [
        'No Kafka broker count found in the values: if Kafka runs elsewhere, rebalance it there.',
        ...notes,
      ],
    }
  }
  const from = brokers.reduce((n, c) => n + c.from, 0)
  const to = brokers.reduce((n, c) => n + c.to, 0)
  const ids = Array.from({ length: to - from }, (_, i) => from + i).join(',')
  const all = Array.from({ length: to }, (_, i) => i).join(',')
  return {
    title: `${title} (${from} → ${to} brokers)`,
    commands: [
      `# Strimzi: KafkaRebalance with mode add-brokers, brokers [${ids}], then approve:`,
      `kubectl annotate kafkarebalance <name> -n ${ns} strimzi.io/rebalance=approve`,
      `# Cruise Control: dry run first, then dryrun=false`,
      `curl -X POST 'http://<cruise-control>:9090/kafkacruisecontrol/add_broker?brokerid=${ids}&dryrun=true'`,
      `# Plain Kafka: generate, execute with a throttle, verify (verify also removes the throttle)`,
      `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --topics-to-move-json-file topics.json --broker-list "${all}" --generate`,
      `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --reassignment-json-file plan.json --execute --throttle 50000000`,
      `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --reassignment-json-file plan.json --verify`,
    ],
    notes: [
      `Broker ids ${ids} assume ids 0..${to - 1} (StatefulSet ordinals); use the real ids of the new brokers.`,
      ...notes,
    ],
  }
}

function storesStep(input: RunbookInput): RunbookStep {
  const { keys, rules } = input
  const commands: string[] = []
  const notes: string[] = []
  if (keys.has('pinot') || rules.pinot.tables.length > 0) {
    const controller = rules.pinot.controller ?? 'http://<pinot-controller>:9000'
    const tables =
      rules.pinot.tables.length > 0 ? rules.pinot.tables : [{ name: '<table>', type: 'REALTIME' as const }]
    for (const t of tables) {
      const query = `type=${t.type}&reassignInstances=true&includeConsuming=true&downtime=false&minAvailableReplicas=1`
      commands.push(
        `curl -X POST '${controller}/tables/${t.name}/rebalance?${query}&dryRun=true'`,
        `curl -X POST '${controller}/tables/${t.name}/rebalance?${query}&dryRun=false'`,
      )
    }
    notes.push(
      'Pinot: read the dry run summary before the real run; list the tables under pinot.tables in the rules file to get one command pair each.',
    )
  }
  if (keys.has('elasticsearch') || keys.has('opensearch'))
    notes.push(
      'Elasticsearch/OpenSearch move shards to new nodes by themselves; watch _cluster/health go green.',
    )
  if (keys.has('clickhouse'))
    notes.push('ClickHouse does not move existing data to new shards; only new inserts use them.')
  if (keys.has('cassandra'))
    notes.push('Cassandra: after the new nodes join, run nodetool cleanup on each old node, one at a time.')
  if (commands.length === 0 && notes.length === 0) notes.push('No other data stores found in the values.')
  return { title: 'Rebalance other stores', commands, notes }
}
