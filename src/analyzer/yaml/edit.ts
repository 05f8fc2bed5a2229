// Source-preserving YAML edits: set or remove one field and leave every other byte of the file as it was
// (comments, quoting, key order, blank lines, folded strings). The `yaml` Document API locates the nodes and
// their source ranges; the change is spliced into the original text. `Document.toString()` alone would
// re-format the whole file (re-indent sequences, re-flow long strings, re-space flow maps), which turns a
// one-line change into a noisy diff. Only when a change lands inside a flow collection (`{a: 1}`) is that
// one document re-serialised by the library.
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  stringify,
  type YAMLMap,
} from 'yaml'
import { AutopilotError } from '../../errors.ts'

export type YamlPath = ReadonlyArray<string | number>

export interface YamlEdit {
  /** Index of the document in the file (counting empty documents, as `parseAllDocuments` does). */
  docIndex: number
  path: YamlPath
  /** The new value; undefined removes the field. */
  value: unknown
  /** A comment written next to the change (`# <comment>`), when the change adds or replaces lines. */
  comment?: string
}

/** Applies the edits in order; each one sees the result of the previous ones. */
export function applyYamlEdits(text: string, edits: readonly YamlEdit[]): string {
  let out = text
  for (const edit of edits) out = applyOne(out, edit)
  return out
}

function applyOne(text: string, edit: YamlEdit): string {
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter })
  const doc = Array.isArray(docs) ? docs[edit.docIndex] : undefined
  if (doc === undefined || doc.errors.length > 0) {
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `cannot edit document ${edit.docIndex}: it is missing or does not parse`,
    )
  }
  const column = (offset: number) => lineCounter.linePos(offset).col - 1
  const { path, value } = edit

  // Walk down as far as the path exists.
  let node: unknown = doc.contents
  let pair: Pair | undefined
  let parent: YAMLMap | undefined
  let depth = 0
  for (; depth < path.length; depth++) {
    const key = path[depth]!
    if (isMap(node)) {
      const found = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key))
      if (found === undefined) break
      parent = node
      pair = found
      node = found.value
    } else if (isSeq(node) && typeof key === 'number' && key < node.items.length) {
      parent = undefined
      pair = undefined
      node = node.items[key]
    } else {
      break
    }
  }
  const fallback = () => reserialise(text, doc, path, value)
  const isEmpty = node === null || node === undefined || (isScalar(node) && node.value === null)

  if (depth === path.length) {
    if (value === undefined) {
      return pair && parent && !parent.flow && keyStartsLine(text, pair) ? removeSpan(text, pair) : fallback()
    }
    if (isScalar(node) && !isEmpty && isScalarValue(value) && node.range) {
      return splice(
        text,
        node.range[0],
        node.range[1],
        renderScalar(value) + trailingComment(text, node.range[1], edit.comment),
      )
    }
    if (pair && parent && !parent.flow)
      return replacePair(text, pair, String(path[depth - 1]), value, column, edit.comment)
    return fallback()
  }
  if (value === undefined) return text // nothing there to remove
  const nested = buildNested(path.slice(depth + 1), value)
  const key = path[depth]!
  if (typeof key === 'string' && isMap(node) && !node.flow && node.items.length > 0) {
    return insertPair(text, node, key, nested, column, edit.comment)
  }
  if (typeof key === 'string' && isEmpty && pair && parent && !parent.flow) {
    return replacePair(text, pair, String(path[depth - 1]), { [key]: nested }, column, edit.comment)
  }
  return fallback()
}

function isScalarValue(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
}

function renderScalar(value: unknown): string {
  return typeof value === 'string' ? stringify(value).trimEnd() : String(value)
}

/** `  # comment` after a replaced scalar, unless its line already has a comment (kept as it is). */
function trailingComment(text: string, valueEnd: number, comment: string | undefined): string {
  if (!comment) return ''
  const eol = text.indexOf('\n', valueEnd)
  const rest = text.slice(valueEnd, eol === -1 ? undefined : eol)
  return rest.includes('#') ? '' : ` # ${comment}`
}

function buildNested(rest: YamlPath, value: unknown): unknown {
  return rest.reduceRight<unknown>((inner, key) => ({ [String(key)]: inner }), value)
}

/** `key: value` as block YAML lines, without indentation. */
function renderPair(key: string, value: unknown): string[] {
  return stringify({ [key]: value }, { lineWidth: 0 })
    .trimEnd()
    .split('\n')
}

function splice(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end)
}

function keyStart(pair: Pair): number {
  return (pair.key as Node).range![0]
}

/** End of the pair's text: after its value, trailing comment and newline. */
function pairEnd(text: string, pair: Pair): number {
  const value = pair.value as Node | null
  const end = value?.range?.[2] ?? (pair.key as Node).range![2]
  // A scalar value's range ends before the newline when no comment follows; take the line's newline too.
  const newline = text.indexOf('\n', end - 1)
  return text[end - 1] === '\n' || newline === -1 ? end : newline + 1
}

function keyStartsLine(text: string, pair: Pair): boolean {
  const start = keyStart(pair)
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  return text.slice(lineStart, start).trim() === ''
}

function removeSpan(text: string, pair: Pair): string {
  const start = keyStart(pair)
  return splice(text, text.lastIndexOf('\n', start - 1) + 1, pairEnd(text, pair), '')
}

function commentLines(comment: string | undefined): string[] {
  return comment ? [`# ${comment}`] : []
}

function replacePair(
  text: string,
  pair: Pair,
  key: string,
  value: unknown,
  column: (offset: number) => number,
  comment: string | undefined,
): string {
  const start = keyStart(pair)
  const indent = ' '.repeat(column(start))
  const end = pairEnd(text, pair)
  const lines = [...commentLines(comment), ...renderPair(key, value)]
  const body = lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n')
  return splice(text, start, end, text[end - 1] === '\n' ? `${body}\n` : body)
}

/** Adds `key: value` after the last entry of a block map, at the map's indentation. */
function insertPair(
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
  column: (offset: number) => number,
  comment: string | undefined,
): string {
  const first = map.items[0]!
  const last = map.items[map.items.length - 1]!
  const indent = ' '.repeat(column(keyStart(first)))
  const at = pairEnd(text, last)
  const lines = [...commentLines(comment), ...renderPair(key, value)].map((l) => indent + l)
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : ''
  return splice(text, at, at, `${lead}${lines.join('\n')}\n`)
}

/** Re-serialises only the one document, through the library, when a splice cannot keep the layout. */
function reserialise(
  text: string,
  doc: ReturnType<typeof parseAllDocuments>[number] & Document,
  path: YamlPath,
  value: unknown,
): string {
  const contents = doc.contents as Node | null
  if (value === undefined) doc.deleteIn(path)
  else doc.setIn(path, value)
  const updated = doc.contents as Node
  const saved = updated.commentBefore
  updated.commentBefore = null // it stays in the text before the span we replace
  const standalone = new Document()
  standalone.contents = updated
  const rendered = String(standalone)
  updated.commentBefore = saved
  if (contents?.range === undefined || contents?.range === null)
    return `${text}${text.endsWith('\n') ? '' : '\n'}${rendered}`
  const [start, , end] = contents.range
  const keepNewline = text[end - 1] === '\n'
  return splice(text, start, end, keepNewline ? rendered : rendered.trimEnd())
}
