/**
 * CloudBase's HTTP access service, locally: a request on a path of deploy/http-routes.ts invokes its
 * function with the integration event `{ path, httpMethod, headers, queryStringParameters, body,
 * isBase64Encoded }` and turns the answer `{ statusCode, headers, body }` into the HTTP response.
 * There is no mini-program user behind such a call: the function authenticates the request itself.
 */
import type { IncomingMessage, ServerResponse } from 'http'
import { routeFor } from '../../deploy/http-routes'
import type { FunctionsService } from '../functions'
import { readBody, sendJson } from './http-util'

/** CloudBase's HTTP access service refuses bodies over 6 MB; ours answers 413 the same. */
const MAX_HTTP_BODY = 6 * 1024 * 1024

export async function handleHttpAccess(req: IncomingMessage, res: ServerResponse, url: URL, functions: FunctionsService): Promise<boolean> {
  const route = routeFor(url.pathname)
  if (!route) return false
  const body = await readBody(req, MAX_HTTP_BODY)
  const text = body.toString('utf8')
  // binary bodies arrive base64-encoded, as on CloudBase
  const isBase64Encoded = !Buffer.from(text, 'utf8').equals(body)
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v ?? '')]))
  const event = {
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    queryStringParameters: Object.fromEntries(url.searchParams),
    body: isBase64Encoded ? body.toString('base64') : text,
    isBase64Encoded,
  }
  const outcome = await functions.invoke(route.function, event, { source: 'http' })
  if (!outcome.ok) return (sendJson(res, 502, { ok: false, code: outcome.code, message: outcome.message }), true)
  const answer = JSON.parse(outcome.json) as { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean } | null
  if (!answer || typeof answer.statusCode !== 'number') {
    // a function answering a plain value: CloudBase sends it as JSON with 200
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    res.end(outcome.json)
    return true
  }
  res.writeHead(answer.statusCode, answer.headers ?? {})
  res.end(answer.isBase64Encoded ? Buffer.from(answer.body ?? '', 'base64') : (answer.body ?? ''))
  return true
}
