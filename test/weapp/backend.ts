/**
 * The cloud functions as the weapp build sees them through `wx.cloud.callFunction`: answers by
 * "<function>.<action>" (the same Handlers shape as test/client/backend.ts), every event recorded.
 * An action without an answer is recorded in `unexpected` and fails the call, so a page calling
 * something new shows up in the smoke test.
 */
import type { Handlers } from '../client/backend'
import type { Result } from '../../types/result'

export type { Handlers }
type Event = Record<string, unknown>

/** jsdom has no structuredClone; the answers are JSON anyway */
const copy = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)))

export class Backend {
  readonly calls: Array<{ key: string; event: Event }> = []
  readonly unexpected: string[] = []
  private handlers: Handlers

  constructor(handlers: Handlers) {
    this.handlers = { ...handlers }
  }

  /** Replaces or adds answers (a test's own data on top of the defaults). */
  answer(more: Handlers): void {
    Object.assign(this.handlers, more)
  }

  /** The events sent for "<function>.<action>", in order. */
  eventsFor(key: string): Event[] {
    return this.calls.filter(c => c.key === key).map(c => c.event)
  }

  async call(name: string, event: Event): Promise<Result<unknown>> {
    const key = `${name}.${String(event.action)}`
    this.calls.push({ key, event: copy(event) })
    if (!(key in this.handlers)) {
      this.unexpected.push(key)
      throw { errMsg: `cloud.callFunction:fail unexpected call ${key}` }
    }
    const h = this.handlers[key]
    // a copy, so a page changing what it got cannot change the next answer
    return copy(await (typeof h === 'function' ? h(event) : h))
  }
}
