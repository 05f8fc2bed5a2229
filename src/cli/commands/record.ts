// `autopilot record --scaler S --out trace.csv`: a trace CSV from the journal of `autopilot run`, to replay a
// real run through `autopilot simulate --trace`. Thin: the work is in src/sim/record.ts.
import { type Command, InvalidArgumentError } from 'commander'

function isoTime(value: string): number {
  const ms = Date.parse(value)
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('--since takes a time like 2025-01-31T12:00:00Z')
  return ms
}

export function registerRecord(program: Command): void {
  program
    .command('record')
    .description("write a scaler's journaled decisions as a trace CSV for `autopilot simulate --trace`")
    .requiredOption('--scaler <name>', 'the scaler whose decisions to record')
    .requiredOption('--out <file.csv>', 'where to write the trace')
    .option('-c, --config <file>', 'configuration file (for journal.path)', 'autopilot.yaml')
    .option('--journal <file>', 'journal file (instead of the config’s journal.path)')
    .option('--since <time>', 'only decisions from this time on (ISO 8601)', isoTime)
    .action(
      async (flags: { scaler: string; out: string; config: string; journal?: string; since?: number }) => {
        const { runRecord } = await import('../../sim/record.ts')
        await runRecord(flags, { stdout: process.stdout })
      },
    )
}
