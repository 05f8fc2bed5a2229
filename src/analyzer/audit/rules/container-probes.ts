import { asArray, asRecord, asString, type Json } from '../access.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'
import { type Container, POD_SPEC_PATH } from '../workloads.ts'

const PROBES = ['readinessProbe', 'livenessProbe'] as const

/** The container's first declared port (by name when it has one), the only target a generic probe can use. */
function firstPort(c: Container): string | number | undefined {
  const port = asRecord(asArray(c.spec.ports)[0])
  return asString(port?.name) ?? (typeof port?.containerPort === 'number' ? port.containerPort : undefined)
}

/**
 * A TCP check only proves the port is open. It is the one probe that can be written without knowing the
 * application; replace it with the service's health endpoint. Liveness waits longer and tolerates more
 * failures than readiness, so a slow pod is taken out of the Service before it is restarted.
 */
function tcpProbe(kind: (typeof PROBES)[number], port: string | number): Json {
  return kind === 'readinessProbe'
    ? { tcpSocket: { port }, initialDelaySeconds: 5, periodSeconds: 10 }
    : { tcpSocket: { port }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 }
}

export const containerProbes: AuditRule = {
  id: 'container-probes',
  severity: 'warning',
  title: 'Readiness and liveness probes on every container',
  why:
    'Without a readiness probe a Service sends traffic to pods that are still starting or are overloaded; ' +
    'without a liveness probe a hung process is never restarted. Both matter most during scale-out and rolling updates.',
  equivalent: [
    'kube-score: pod-probes',
    'Polaris: readinessProbeMissing',
    'Polaris: livenessProbeMissing',
    'kube-linter: no-readiness-probe',
    'kube-linter: no-liveness-probe',
  ],
  fix: 'Adds TCP probes on the first container port (replace them with the real health endpoint); containers without a port are left to a person.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      for (const c of w.containers) {
        const missing = PROBES.filter((p) => c.spec[p] === undefined)
        if (missing.length === 0) continue
        const port = firstPort(c)
        const path = [...POD_SPEC_PATH, 'containers', c.index]
        const fix: FixAction[] =
          port === undefined
            ? []
            : missing.map((p) => ({
                type: 'set',
                resource: w.resource,
                path: [...path, p],
                value: tcpProbe(p, port),
                note: 'generic TCP probe: replace with the health endpoint',
              }))
        hits.push({
          resource: w.resource,
          path,
          message: `${w.kind} ${w.resource.name}, container ${c.name}: no ${missing.join(' or ')}`,
          fix,
        })
      }
    }
    return hits
  },
}
