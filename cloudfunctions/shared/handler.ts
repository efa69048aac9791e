/**
 * Every function's entry: route on `event.action`, validate the event against its schema in
 * `types/`, run the action, and answer `{ ok: true, data }` or `{ ok: false, code, message }`.
 * Nothing a caller sends can crash it: unexpected errors become INTERNAL and are logged.
 */
import { ZodError, type ZodType } from 'zod'
import { AppError, type Result } from '../../types/result'
import { cloud } from './cloud'

export interface CallContext {
  /** The mini-program user, or null for the console, timers and other functions. */
  openid: string | null
  source: string
  now: Date
  /** called by the function's timer trigger (not by a person or another function) */
  timer?: boolean
}

/**
 * One handler per action of E; a module may implement a `Pick` of them (see member/index.ts). `O`
 * maps actions to their answer contracts (`…Outputs` in types/): the compiler then checks each
 * handler's answer against it (`npm run lint` runs tsc); actions not in `O` answer `unknown`.
 */
export type Actions<E extends { action: string }, O = object> = {
  [K in E['action']]: (event: Extract<E, { action: K }>, ctx: CallContext) => Promise<K extends keyof O ? O[K] : unknown>
}

/**
 * Who may call an action of a function, decided before anything else — before the action is looked
 * up and the event validated — so a caller without the right learns nothing about the schema.
 * Declared once per function (see each function's index.ts); throws PERMISSION_DENIED / UNAUTHENTICATED.
 */
export type AccessPolicy = (action: string, ctx: CallContext) => Promise<unknown>

export function defineFunction<E extends { action: string }, O = object>(schema: ZodType<E>, actions: Actions<E, O>, access: AccessPolicy) {
  return async function main(rawEvent: unknown): Promise<Result<unknown>> {
    try {
      const event = fromTimer(rawEvent)
      const action = event && typeof event === 'object' ? (event as { action?: unknown }).action : undefined
      const { OPENID, SOURCE } = cloud.getWXContext() as { OPENID?: string; SOURCE?: string }
      // an all-whitespace OPENID is no identity, never the console
      if (typeof OPENID === 'string' && OPENID !== '' && !OPENID.trim()) throw new AppError('UNAUTHENTICATED', '身份无效')
      const ctx: CallContext = { openid: OPENID || null, source: SOURCE || '', now: currentTime(), ...(event !== rawEvent ? { timer: true } : {}) }
      await access(typeof action === 'string' ? action : '', ctx)
      if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(actions, action)) {
        throw new AppError('UNKNOWN_ACTION', `未知的 action：${typeof action === 'string' ? action : '(缺少 action)'}；可用：${Object.keys(actions).join(', ')}`)
      }
      const parsed = schema.parse(withoutConsoleFields(event as Record<string, unknown>))
      const run = actions[action as E['action']] as (e: E, c: CallContext) => Promise<unknown>
      return { ok: true, data: await run(parsed, ctx) }
    } catch (err) {
      return toFailure(err)
    }
  }
}

/**
 * A timer trigger's event (`{ Type: 'Timer', TriggerName, Time, Message }`) runs the action named
 * like the trigger in config.json. The caller's identity still comes from the context: a timer has
 * no OPENID, and a mini-program user sending this shape is checked like any other call.
 */
function fromTimer(event: unknown): unknown {
  if (!event || typeof event !== 'object') return event
  const { Type, TriggerName } = event as { Type?: unknown; TriggerName?: unknown }
  return Type === 'Timer' && typeof TriggerName === 'string' ? { action: TriggerName } : event
}

/** A mini-program call carries `userInfo` (appId, openId) in the event; it is not input. */
function withoutConsoleFields(event: Record<string, unknown>): Record<string, unknown> {
  const { userInfo: _ignored, ...rest } = event
  return rest
}

export function toFailure(err: unknown): Result<never> {
  if (err instanceof AppError) return { ok: false, code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) }
  if (err instanceof ZodError) {
    const issues = err.issues.map(i => ({ path: i.path.join('.'), message: i.message }))
    return { ok: false, code: 'INVALID_ARGUMENT', message: issues.map(i => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues }
  }
  console.error('[function] internal error', err)
  return { ok: false, code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }
}

/** The real clock; on the emulator a test may pin it (PUT /clock), never on CloudBase. */
export function currentTime(): Date {
  const pinned = process.env.CLOUDBASE_EMULATOR === '1' ? process.env.EMULATOR_NOW : undefined
  return pinned ? new Date(pinned) : new Date()
}

const perCallValues = new WeakMap<CallContext, Map<string, Promise<unknown>>>()

/**
 * Loads a value once per call: the access policy and the action both ask who the caller is, and the
 * second asking costs no database read. A failure is remembered too (the caller is refused twice alike).
 */
export function oncePerCall<T>(ctx: CallContext, key: string, load: () => Promise<T>): Promise<T> {
  let values = perCallValues.get(ctx)
  if (!values) perCallValues.set(ctx, (values = new Map()))
  if (!values.has(key)) values.set(key, load())
  return values.get(key) as Promise<T>
}

export function requireUser(ctx: CallContext): string {
  if (!ctx.openid) throw new AppError('UNAUTHENTICATED', '需要在小程序内登录后调用')
  return ctx.openid
}
