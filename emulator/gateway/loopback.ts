/** Fixed local interfaces for tools and tests: invoke a function as a user or console, read the outbox, pin the clock, count SDK requests. */
import type { IncomingMessage, ServerResponse } from 'http'
import type { FunctionsService, Caller } from '../functions'
import type { OpenApiService } from '../openapi'
import { HttpError, isLoopback, readParams, sendJson } from './http-util'
import type { InvokeOutcome } from '../functions/pool'
import { TcbError } from '../service'
import type { RequestCounter } from './tcb'
import type { QueryStats } from '../database/plan'

export async function handleLoopbackRoutes(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: { functions: FunctionsService; openapi: OpenApiService; counter?: RequestCounter; queries?: QueryStats },
): Promise<boolean> {
  const fn = /^\/functions\/([^/]+)$/.exec(url.pathname)
  if (fn && req.method === 'POST') {
    requireLoopback(req)
    const raw = req.headers['x-wx-openid']
    // a blank identity is a mistake, not the console (which sends no header at all)
    if (raw !== undefined && !header(req, 'x-wx-openid')) throw new HttpError(400, 'INVALID_OPENID', 'x-wx-openid is blank: send an OPENID, or no header to call as the console')
    const openid = header(req, 'x-wx-openid')
    const caller: Caller = openid ? { openid, unionid: header(req, 'x-wx-unionid'), source: 'wx_client' } : { source: 'wx_devtools' } // the console's "test function" box
    const event = await readParams(req)
    await invokeAndSend(res, deps.functions, decodeURIComponent(fn[1]), event, caller)
    return true
  }
  if (url.pathname === '/clock' && req.method === 'PUT') {
    // tests pin the functions' clock (e.g. 23:59:59 Shanghai) so day boundaries are testable
    requireLoopback(req)
    const { now } = (await readParams(req)) as { now?: unknown }
    if (now !== null && (typeof now !== 'string' || Number.isNaN(Date.parse(now)))) throw new HttpError(400, 'INVALID_CLOCK', 'now must be an ISO instant or null')
    deps.functions.setClock(now === null ? null : new Date(now))
    sendJson(res, 200, { now })
    return true
  }
  if (url.pathname === '/outbox' && req.method === 'GET') {
    requireLoopback(req)
    sendJson(res, 200, deps.openapi.outbox())
    return true
  }
  if (url.pathname === '/stats' && deps.counter && (req.method === 'GET' || req.method === 'DELETE')) {
    // SDK requests by action, function invocations and their time, and the unindexed queries by shape (docs/emulator.md), since the start
    // or the last reset; DELETE answers what it clears
    requireLoopback(req)
    const counts = { ...deps.counter.snapshot(), functions: deps.functions.usage(), unindexed: deps.queries?.unindexed() ?? [] }
    if (req.method === 'DELETE') {
      deps.counter.reset()
      deps.functions.resetUsage()
      deps.queries?.reset()
    }
    sendJson(res, 200, counts)
    return true
  }
  return false
}

/** Answers the function's return value as JSON; an unknown function is 404, a runtime failure 500 `{ code, message }`. */
export async function invokeAndSend(res: ServerResponse, functions: FunctionsService, name: string, event: unknown, caller: Caller): Promise<void> {
  let outcome: InvokeOutcome
  try {
    outcome = await functions.invoke(name, event, caller)
  } catch (err) {
    if (err instanceof TcbError) return sendJson(res, 404, { code: err.code, message: err.message })
    throw err
  }
  if (outcome.ok) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-cold-start': String(outcome.coldStart), 'x-duration-ms': String(outcome.durationMs) })
    res.end(outcome.json)
  } else {
    sendJson(res, 500, { code: outcome.code, message: outcome.message })
  }
}

function requireLoopback(req: IncomingMessage): void {
  if (!isLoopback(req)) throw new HttpError(403, 'PERMISSION_DENIED', 'loopback only')
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s && s.trim() ? s.trim() : undefined
}
