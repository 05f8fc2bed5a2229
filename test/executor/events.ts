// Bounded waits on events, so tests await what they expect instead of sleeping.
import type { EventEmitter } from 'node:events'

/** The first `event` whose payload passes `accept`, or a rejection naming what was awaited after `ms`. */
export function nextEvent<T>(
  emitter: EventEmitter,
  event: string,
  accept: (payload: T) => boolean = () => true,
  ms = 5_000,
): Promise<T> {
  return collectEvents<T>(emitter, event, 1, accept, ms).then((items) => items[0]!)
}

/** The first `count` payloads of `event` that pass `accept`. */
export function collectEvents<T>(
  emitter: EventEmitter,
  event: string,
  count: number,
  accept: (payload: T) => boolean = () => true,
  ms = 5_000,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = []
    const onEvent = (payload: T) => {
      if (!accept(payload)) return
      items.push(payload)
      if (items.length === count) {
        clearTimeout(timer)
        emitter.off(event, onEvent)
        resolve(items)
      }
    }
    const timer = setTimeout(() => {
      emitter.off(event, onEvent)
      reject(
        new Error(`timed out after ${ms} ms waiting for ${count} "${event}" event(s); got ${items.length}`),
      )
    }, ms)
    emitter.on(event, onEvent)
  })
}
