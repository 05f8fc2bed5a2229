// Custom action `exec`: runs an argv (no shell, so alert values cannot inject commands) with templated
// arguments and environment, a time limit (SIGTERM, then SIGKILL 5 s later) and the tail of its output in
// the outcome. Exit status 0 is success.
import { spawn } from 'node:child_process'
import type { ActionRecord } from '../../analyzer/actions/types.ts'
import type { ExecActionConfig } from '../../config/alerts.ts'
import type { ActionContext, ActionHandler, ActionOutcome } from '../handlers.ts'
import { render, templateValues } from './template.ts'

const TAIL = 2_000

export function execAction(config: ExecActionConfig, env: NodeJS.ProcessEnv = process.env): ActionHandler {
  return (action: ActionRecord, context: ActionContext): Promise<ActionOutcome> => {
    const values = templateValues(action)
    const [file, ...args] = config.command.map((part) => render(part, values))
    const extra = Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, render(v, values)]))
    return new Promise((resolve) => {
      let output = ''
      let timedOut = false
      let done = false
      const finish = (outcome: ActionOutcome) => {
        if (done) return
        done = true
        clearTimeout(timer)
        clearTimeout(killer)
        context.signal.removeEventListener('abort', onAbort)
        resolve(outcome)
      }
      const child = spawn(file!, args, {
        shell: false,
        env: { ...env, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-TAIL)
      }
      child.stdout.on('data', keep)
      child.stderr.on('data', keep)
      let killer: NodeJS.Timeout | undefined
      const stop = () => {
        child.kill('SIGTERM')
        killer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        killer.unref()
      }
      const timer = setTimeout(() => {
        timedOut = true
        stop()
      }, config.timeoutSeconds * 1000)
      const onAbort = () => stop()
      context.signal.addEventListener('abort', onAbort, { once: true })
      child.on('error', (error) =>
        finish({ ok: false, message: `${file} could not start: ${error.message}` }),
      )
      child.on('close', (code, signal) => {
        const tail = output.trim() === '' ? '' : `: ${output.trim().split('\n').slice(-3).join(' | ')}`
        if (timedOut)
          return finish({ ok: false, message: `${file} timed out after ${config.timeoutSeconds} s${tail}` })
        if (code === 0) return finish({ ok: true, message: `${file} exited 0${tail}` })
        finish({
          ok: false,
          message: `${file} ${signal ? `was killed by ${signal}` : `exited ${code}`}${tail}`,
        })
      })
    })
  }
}
