// A unified diff of two versions of a file whose edits replaced values in place (same line count), which is
// what the planner produces. Written by hand: the dependencies have no diff routine, and this case needs no LCS.

export function inPlaceDiff(
  before: string,
  after: string,
  fromName: string,
  toName: string,
  context = 2,
): string {
  const a = before.split('\n')
  const b = after.split('\n')
  if (a.length !== b.length)
    return `(the files differ in length; compare ${fromName} and ${toName} with diff)\n`
  const changed = a.flatMap((line, i) => (line === b[i] ? [] : [i]))
  if (changed.length === 0) return ''
  // Group changed lines whose context windows touch into hunks.
  const hunks: Array<[number, number]> = []
  for (const i of changed) {
    const start = Math.max(0, i - context)
    const end = Math.min(a.length - 1, i + context)
    const last = hunks[hunks.length - 1]
    if (last !== undefined && start <= last[1] + 1) last[1] = end
    else hunks.push([start, end])
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`]
  for (const [start, end] of hunks) {
    const length = end - start + 1
    out.push(`@@ -${start + 1},${length} +${start + 1},${length} @@`)
    for (let i = start; i <= end; i++) {
      if (a[i] === b[i]) {
        out.push(` ${a[i]}`)
        continue
      }
      // A run of changed lines: removals first, then additions, as diff(1) prints them.
      let j = i
      while (j + 1 <= end && a[j + 1] !== b[j + 1]) j++
      for (let k = i; k <= j; k++) out.push(`-${a[k]}`)
      for (let k = i; k <= j; k++) out.push(`+${b[k]}`)
      i = j
    }
  }
  return `${out.join('\n')}\n`
}
