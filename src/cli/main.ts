import { Command, CommanderError } from 'commander'
import { AutopilotError, formatError } from '../errors.ts'
import { commands } from './commands/index.ts'

export function buildProgram(): Command {
  const program = new Command('autopilot')
    .description('Event-driven autoscaling and self-healing for Kafka')
    .option('--verbose', 'print stack traces and causes on errors')
    .showHelpAfterError()
    .exitOverride()
  for (const register of commands) register(program)
  return program
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (help, version, or the usage error)
      return err.exitCode === 0 ? 0 : 2
    }
    const verbose = Boolean(program.opts().verbose) || process.env.AUTOPILOT_DEBUG === '1'
    process.stderr.write(`${formatError(err, verbose)}\n`)
    return AutopilotError.is(err) ? err.exitCode : 1
  }
}
