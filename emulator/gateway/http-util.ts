import type { IncomingMessage, ServerResponse } from 'http'
import Busboy from 'busboy'

export const MAX_BODY_BYTES = 20 * 1024 * 1024

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new HttpError(413, 'BODY_TOO_LARGE', 'request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * Multipart fields as strings, file parts as Buffers (with their file name kept alongside). A file
 * over `limit` bytes or a truncated field is 413 with nothing kept: the rest of the body is read
 * and dropped first, so the client gets the answer rather than a reset connection.
 */
export async function readMultipart(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {}
    let tooLarge: HttpError | null = null
    const bb = Busboy({ headers: req.headers, limits: { fileSize: limit } })
    bb.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) tooLarge ??= new HttpError(413, 'BODY_TOO_LARGE', `field ${name} is too large`)
      fields[name] = value
    })
    bb.on('file', (name, stream, info) => {
      const parts: Buffer[] = []
      stream.on('limit', () => {
        tooLarge ??= new HttpError(413, 'BODY_TOO_LARGE', `file larger than ${limit} bytes`)
        parts.length = 0
      })
      stream.on('data', (d: Buffer) => {
        if (!tooLarge) parts.push(d)
      })
      stream.on('end', () => {
        if (tooLarge) return
        fields[name] = Buffer.concat(parts)
        fields[`${name}__filename`] = info.filename
        fields[`${name}__mimeType`] = info.mimeType
      })
    })
    bb.on('close', () => (tooLarge ? reject(tooLarge) : resolve(fields)))
    bb.on('error', reject)
    req.pipe(bb)
  })
}

export async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] || '')
  if (type.startsWith('multipart/form-data')) return readMultipart(req)
  const body = await readBody(req)
  if (body.length === 0) return {}
  try {
    const parsed = JSON.parse(body.toString('utf8'))
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
    return parsed
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'request body must be a JSON object')
  }
}

/**
 * The local-only routes (the SDK's /tcb, /functions, /clock, /outbox, /stats) answer only requests
 * addressed to this server by a local name, from no web page of another origin, with a JSON (or, for
 * the SDK's openapi calls, multipart) body: a page on the developer's machine can otherwise send a
 * "simple" cross-origin POST (text/plain, no preflight) or reach the port through DNS rebinding.
 */
export function guardLocalRoute(req: IncomingMessage, port: number): void {
  const local = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
  const host = String(req.headers.host ?? '').toLowerCase()
  if (!local.has(host)) throw new HttpError(403, 'FOREIGN_HOST', `refused: Host ${host || '(none)'} is not this local server`)
  const origin = req.headers.origin
  if (origin !== undefined && !local.has(origin.toLowerCase().replace(/^http:\/\//, ''))) throw new HttpError(403, 'FOREIGN_ORIGIN', `refused: a request from the page ${origin}`)
  const type = String(req.headers['content-type'] ?? '').toLowerCase()
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE'
  if (hasBody && !type.startsWith('application/json') && !type.startsWith('multipart/form-data')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be JSON (content-type: application/json)')
  }
}

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export function isLoopback(req: IncomingMessage): boolean {
  const addr = req.socket.remoteAddress || ''
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || addr.startsWith('127.')
}
