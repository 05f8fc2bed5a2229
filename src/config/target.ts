// What a scaler scales. Schemas only: the targets themselves live in src/executor/targets/, one file each.
import { z } from 'zod'
import { boolLike, text } from './values.ts'

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

const args = z
  .array(z.union([z.string(), z.number()]).transform(String), { error: 'must be a list of strings' })
  .default([])
  .meta({ description: 'Arguments, one list item each (no shell).' })

export const processTarget = z
  .strictObject({
    type: z.literal('process'),
    command: text('Executable to start once per replica (no shell).'),
    args,
    env: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String), {
        error: 'must be a map of NAME: value',
      })
      .default({})
      .meta({ description: 'Extra environment variables for each replica.' }),
    cwd: text('Working directory of each replica.').optional(),
    onExit: z
      .enum(['keep', 'stop'], { error: 'must be keep or stop' })
      .default('stop')
      .meta({ description: 'What happens to running replicas when autopilot exits. Default: stop.' }),
  })
  .meta({ description: 'Local processes, one per replica.' })

export const kubernetesTarget = z
  .strictObject({
    type: z.literal('kubernetes'),
    kind: z
      .enum(['Deployment', 'StatefulSet'], { error: 'must be Deployment or StatefulSet' })
      .default('Deployment'),
    name: z
      .string({ error: 'must be a string' })
      .regex(DNS_SUBDOMAIN, { error: 'must be a Kubernetes object name (lowercase, digits, - and .)' })
      .max(253),
    namespace: z
      .string({ error: 'must be a string' })
      .regex(DNS_LABEL, { error: 'must be a Kubernetes namespace name' })
      .max(63)
      .default('default'),
    fieldManager: text('Server-side apply field manager. Default: kafka-autopilot.').default(
      'kafka-autopilot',
    ),
    dryRun: boolLike.default(false).meta({ description: 'Send writes with dryRun=All. Default: false.' }),
  })
  .meta({ description: 'The /scale subresource of a Deployment or StatefulSet.' })

export const execTarget = z
  .strictObject({
    type: z.literal('exec'),
    command: text('Command run with the desired replica count (no shell).'),
    args,
  })
  .meta({ description: 'Runs a command to apply a replica count.' })

export const target = z.discriminatedUnion('type', [processTarget, kubernetesTarget, execTarget], {
  error: 'type must be one of process, kubernetes, exec',
})

export type TargetConfig = z.output<typeof target>
export type ProcessTargetConfig = z.output<typeof processTarget>
export type KubernetesTargetConfig = z.output<typeof kubernetesTarget>
export type ExecTargetConfig = z.output<typeof execTarget>
