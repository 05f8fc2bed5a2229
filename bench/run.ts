// `npm run bench`: every benchmark, each as ratios against a peer measured in the same run.
import { benchAlertStorm } from './alert-storm.ts'
import { benchLag } from './lag.ts'
import { benchPlanner } from './planner.ts'
import { benchPolicies } from './policies.ts'
import { benchReaction } from './reaction.ts'

const benches: Array<[string, () => Promise<void>]> = [
  ['lag', benchLag],
  ['policies', benchPolicies],
  ['reaction', benchReaction],
  ['planner', benchPlanner],
  ['alert-storm', benchAlertStorm],
]

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'))
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue
  await run()
}
