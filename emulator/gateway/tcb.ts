/** The SDK's endpoint (`serviceUrl`): routes each request's `action` to the service that owns it. */
import { randomUUID } from 'crypto'
import type { IncomingMessage, ServerResponse } from 'http'
import { invocationKey } from '../functions'
import { TcbError, type TcbService } from '../service'
import { HttpError, readParams, sendJson } from './http-util'

export type ServiceTable = Record<string, TcbService>

/**
 * How many requests the SDK sent, by `action`, and the function invocations among them by
 * `<function>.<event action>` (read and reset on the loopback `/stats` route).
 */
export class RequestCounter {
  private counts = new Map<string, number>()
  private invocations = new Map<string, number>()

  add(action: string, params?: Record<string, unknown>): void {
    this.counts.set(action, (this.counts.get(action) ?? 0) + 1)
    if (action === 'functions.invokeFunction' && params) {
      const key = invocationKey(String(params.function_name ?? ''), parsedEvent(params.request_data))
      this.invocations.set(key, (this.invocations.get(key) ?? 0) + 1)
    }
  }

  snapshot(): { requests: Record<string, number>; total: number; invocations: Record<string, number> } {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)))
    return { requests: sorted(this.counts), total: [...this.counts.values()].reduce((s, n) => s + n, 0), invocations: sorted(this.invocations) }
  }

  reset(): void {
    this.counts = new Map()
    this.invocations = new Map()
  }
}

/** An invocation's event (JSON in `request_data`), or undefined when it is not JSON. */
function parsedEvent(requestData: unknown): unknown {
  try {
    return JSON.parse(String(requestData))
  } catch {
    return undefined
  }
}

/**
 * The SDK sends `X-TCB-Source: <source>,<run env>`; the run env is `scf` inside a function instance
 * (the emulator sets SCF's variables) and something else in a test or script. The source part is
 * empty here (the SDK reads it from SCF context keys), so a function's request is just `function`.
 */
function callerSource(req: IncomingMessage): string {
  const header = req.headers['x-tcb-source']
  const [source = '', runEnv = ''] = (Array.isArray(header) ? header[0] : (header ?? '')).split(',')
  return runEnv.trim() === 'scf' ? source.trim() || 'function' : 'outside'
}

/** `database.getDocument` → services['database'], `wx.openApi` → services['wx'], … */
export async function handleTcbRequest(req: IncomingMessage, res: ServerResponse, services: ServiceTable, counter?: RequestCounter): Promise<void> {
  const requestId = randomUUID()
  try {
    const params = await readParams(req)
    const action = typeof params.action === 'string' ? params.action : ''
    counter?.add(action || '(none)', params)
    const service = services[action.split('.')[0]]
    if (!service) throw new TcbError('INVALID_ACTION', `action not supported by the local CloudBase: ${action || '(none)'}`)
    const reply = await service.handle(action, params, { source: callerSource(req) })
    if (Buffer.isBuffer(reply.__raw)) {
      // wx.openApi answers a protobuf buffer, not JSON
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': reply.__raw.length })
      res.end(reply.__raw)
      return
    }
    sendJson(res, 200, { ...reply, requestId })
  } catch (err) {
    if (err instanceof TcbError) return sendJson(res, 200, { code: err.code, message: err.message, requestId })
    if (err instanceof HttpError) return sendJson(res, err.status, { code: err.code, message: err.message, requestId })
    console.error('[emulator] internal error', err)
    sendJson(res, 200, { code: 'SYS_ERR', message: err instanceof Error ? err.message : String(err), requestId })
  }
}
