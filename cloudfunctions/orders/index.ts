/**
 * `orders`: the orders API for POS systems and online shops, reached only through CloudBase's HTTP
 * access service (deploy/http-routes.ts): `POST /api/orders` and `POST /api/orders/refund`, signed
 * with an API key (./auth.ts). Answers `{ ok: true, data }` or `{ ok: false, code, message }` with an
 * HTTP status that fits: 201 credited, 202 kept pending, 200 a resend, 400, 401, 404, 409, 422, 429.
 */
import { z } from 'zod'
import { OrderRefundSchema, OrderSchema } from '../../types/orders'
import type { ErrorCode } from '../../types/result'
import { AppError } from '../../types/result'
import { shanghaiDay } from '../../domain/time'
import { currentTime, toFailure } from '../shared/handler'
import { markRollupDaysStale } from '../shared/collections/jobs'
import { receiveOrder, refundOrder } from '../shared/orders'
import { authenticate, type HttpEvent } from './auth'

interface HttpAnswer {
  statusCode: number
  headers: Record<string, string>
  body: string
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_MISMATCH: 409,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
}

/** Bodies over this are refused before anything is parsed (an order has at most 200 lines). */
const MAX_BODY_BYTES = 256 * 1024

function answer(statusCode: number, payload: unknown): HttpAnswer {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(payload) }
}

function failure(err: unknown): HttpAnswer {
  const fail = toFailure(err)
  if (fail.ok) throw new Error('unreachable')
  // the first failing field, for a POS developer reading the answer
  const field = fail.issues?.[0]?.path || undefined
  return answer(STATUS[fail.code] ?? 422, { ...fail, ...(field ? { field } : {}) })
}

const HttpEventSchema = z.object({
  path: z.string(),
  httpMethod: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().nullable().default(''),
  isBase64Encoded: z.boolean().default(false),
})

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new AppError('INVALID_ARGUMENT', '请求体不是合法的 JSON', [{ path: '', message: 'body is not JSON' }])
  }
}

export async function main(rawEvent: unknown): Promise<HttpAnswer> {
  try {
    const parsed = HttpEventSchema.safeParse(rawEvent)
    // not an HTTP access event (a console test, a mini-program call): this function serves HTTP only
    if (!parsed.success) return answer(400, { ok: false, code: 'INVALID_ARGUMENT', message: 'orders 只接受 HTTP 访问服务的请求（POST /api/orders）' })
    const event: HttpEvent = { ...parsed.data, headers: Object.fromEntries(Object.entries(parsed.data.headers).map(([k, v]) => [k.toLowerCase(), v])), body: parsed.data.body ?? '' }
    const rawBody = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) return answer(413, { ok: false, code: 'INVALID_ARGUMENT', message: `请求体超过 ${MAX_BODY_BYTES / 1024} KB` })
    const route = /\/orders(\/refund)?\/?$/.exec(event.path)
    if (!route) return answer(404, { ok: false, code: 'NOT_FOUND', message: `没有这个接口：${event.path}` })
    if (event.httpMethod.toUpperCase() !== 'POST') return answer(405, { ok: false, code: 'INVALID_ARGUMENT', message: '只支持 POST' })

    const now = currentTime()
    const key = await authenticate(event, rawBody, now)
    const body = parseJson(rawBody)
    if (route[1]) {
      const refund = OrderRefundSchema.parse(body)
      const result = await refundOrder(refund, `api:${key._id}`, now)
      return answer(result.replayed ? 200 : 201, { ok: true, data: result })
    }
    const order = OrderSchema.parse(body)
    const result = await receiveOrder(order, { via: 'api', actor: `api:${key._id}`, history: false, awardPoints: true, now })
    // an order a till sends late (after the day it was bought): that day's report rollup is redone
    const day = shanghaiDay(new Date(order.createdAt))
    if (result.status === 'credited' && !result.replayed && day < shanghaiDay(now)) await markRollupDaysStale([day])
    return answer(result.replayed ? 200 : result.status === 'credited' ? 201 : 202, { ok: true, data: result })
  } catch (err) {
    return failure(err)
  }
}
