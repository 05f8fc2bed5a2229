// Every scalar entry of a Helm values document, with its path, line and the map it sits in — the planner
// finds replica counts and partitions by key, at any depth.
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml'
import { asRecord, type Json } from '../audit/access.ts'

export interface ScalarField {
  path: Array<string | number>
  /** Map keys along the path (sequence indexes left out), for pattern matching. */
  segments: string[]
  key: string
  value: unknown
  line: number
  /** The map holding the entry, as plain data (siblings such as `enabled`, `name`, `config`). */
  parent: Json
  /** Key or index under which that map sits. */
  parentKey: string | number | undefined
}

export function scanScalars(doc: Document, lineCounter: LineCounter): ScalarField[] {
  const out: ScalarField[] = []
  const walk = (node: unknown, path: Array<string | number>, segments: string[]): void => {
    if (isMap(node)) {
      const parent = asRecord((node as YAMLMap).toJSON()) ?? {}
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue
        const key = String(pair.key.value)
        const value = pair.value as Node | null
        if (isScalar(value)) {
          out.push({
            path: [...path, key],
            segments: [...segments, key],
            key,
            value: value.value,
            line: lineCounter.linePos(value.range?.[0] ?? 0).line,
            parent,
            parentKey: path[path.length - 1],
          })
        } else {
          walk(value, [...path, key], [...segments, key])
        }
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i], segments)
    }
  }
  walk(doc.contents, [], [])
  return out
}
