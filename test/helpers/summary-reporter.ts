// Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after vitest's own report, so CI
// logs carry a summary any tool can read.
import type { Reporter, TestModule } from 'vitest/node'

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const count = (state: 'passed' | 'failed' | 'skipped') =>
      modules.reduce((n, m) => n + [...m.children.allTests(state)].length, 0)
    process.stdout.write(
      `\nTests: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`,
    )
  }
}
