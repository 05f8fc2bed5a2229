// `{{labels.x}}`, `{{annotations.x}}`, `{{params.x}}`, `{{cluster}}`, `{{target}}`, `{{action}}`, `{{id}}`,
// `{{fingerprint}}` in custom action argv, env, URLs and bodies. Plain substitution, no expressions; an unknown
// name becomes the empty string (values come from alerts, which may lack a label).
import type { ActionRecord } from '../../analyzer/actions/types.ts'

export interface TemplateValues {
  labels: Record<string, string>
  annotations: Record<string, string>
  params: Record<string, string>
  scalars: Record<string, string>
}

export function templateValues(action: ActionRecord): TemplateValues {
  return {
    labels: action.labels,
    annotations: action.annotations,
    params: action.params,
    scalars: {
      id: action.id,
      action: action.action,
      cluster: action.cluster,
      target: action.target,
      fingerprint: action.fingerprints[0] ?? '',
      alertname: action.alertname,
    },
  }
}

export function render(
  text: string,
  values: TemplateValues,
  encode: (v: string) => string = (v) => v,
): string {
  return text.replace(
    /\{\{\s*([A-Za-z_][\w-]*)(?:\.([\w.-]+))?\s*\}\}/g,
    (_, head: string, key: string | undefined) => {
      let value: string | undefined
      if (key === undefined) value = values.scalars[head]
      else if (head === 'labels' || head === 'annotations' || head === 'params') value = values[head][key]
      return encode(value ?? '')
    },
  )
}
