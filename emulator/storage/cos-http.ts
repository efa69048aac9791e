/**
 * The COS side of storage over HTTP: `PUT /storage/<bucket>/<path>` (the SDK's upload, with header
 * `x-cos-security-token`), `GET`/`HEAD` of the same URL, and COS's XML errors
 * (`<Error><Code/><Message/><Resource/><RequestId/><TraceId/></Error>`). Who may do what is
 * decided by the semantics; this file only reads requests and writes answers.
 */
import { randomUUID } from 'crypto'
import fs from 'fs'
import path from 'path'
import type { IncomingMessage, ServerResponse } from 'http'
import { BUCKET, cloudPathProblem, isPrivatePath, MAX_FILE_BYTES } from './paths'
import type { StorageSemantics } from './semantics'
import { TooLargeError, type ObjectMeta } from './store'

export const ROUTE = '/storage/'
/** Where an invalid upload is pointed (see getUploadMetadata): answers COS's InvalidObjectName. */
export const REJECT_ROUTE = '/storage-rejected'

export const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/')
const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`)

export function sendCosError(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
  const requestId = randomUUID()
  const body =
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n  <Code>${xmlEscape(code)}</Code>\n  <Message>${xmlEscape(message)}</Message>\n` +
    `  <Resource>${xmlEscape(resource)}</Resource>\n  <RequestId>${requestId}</RequestId>\n  <TraceId>${requestId}</TraceId>\n</Error>\n`
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-cos-request-id': requestId })
  res.end(body)
}

/** Answers a request under ROUTE: PUT stores, GET/HEAD read, anything else is 405. */
export async function serveCos(storage: StorageSemantics, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const rest = url.pathname.slice(ROUTE.length)
  const slash = rest.indexOf('/')
  let bucket = ''
  let cloudPath = ''
  try {
    bucket = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash))
    cloudPath = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1))
  } catch {
    return sendCosError(res, 400, 'InvalidURI', 'malformed percent-encoding', url.pathname)
  }
  if (req.method === 'PUT') return putObject(storage, req, res, url, bucket, cloudPath)
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD, PUT')
    return sendCosError(res, 405, 'MethodNotAllowed', `${req.method} is not allowed`, url.pathname)
  }
  const meta = storage.object(bucket, cloudPath)
  if (!meta) return sendCosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', url.pathname)
  const access = storage.readAccess(meta, url.searchParams.get('expires'), url.searchParams.get('sign'))
  if (access === 'denied') return sendCosError(res, 403, 'AccessDenied', 'private file: a missing, expired or invalid signature (ask getTempFileURL for a link)', url.pathname)
  sendObject(storage, req, res, meta, url.pathname, access === 'signed')
}

async function putObject(storage: StorageSemantics, req: IncomingMessage, res: ServerResponse, url: URL, bucket: string, cloudPath: string): Promise<void> {
  const problem = cloudPathProblem(cloudPath)
  if (problem) return sendCosError(res, 400, 'InvalidObjectName', problem, url.pathname)
  if (bucket !== BUCKET) return sendCosError(res, 404, 'NoSuchBucket', `no bucket ${bucket}`, url.pathname)
  const token = String(req.headers['x-cos-security-token'] ?? url.searchParams.get('token') ?? '')
  if (!storage.uploadAllowed(cloudPath, token)) {
    return sendCosError(res, 403, 'AccessDenied', 'missing, expired or invalid upload token (call storage.getUploadMetadata first)', url.pathname)
  }
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_FILE_BYTES) return sendCosError(res, 413, 'EntityTooLarge', `file larger than ${MAX_FILE_BYTES} bytes`, url.pathname)
  let meta: ObjectMeta
  try {
    meta = await storage.save(cloudPath, req, req.headers['content-type'])
  } catch (err) {
    if (err instanceof TooLargeError) return sendCosError(res, 413, 'EntityTooLarge', err.message, url.pathname)
    throw err
  }
  res.writeHead(200, { etag: `"${meta.sha256.slice(0, 32)}"`, 'content-length': 0 })
  res.end()
}

/** GET / HEAD of a stored object (ETag, 304, no sniffing, sandboxed); `personal`: no shared caches, no CORS. */
export function sendObject(storage: StorageSemantics, req: IncomingMessage, res: ServerResponse, meta: ObjectMeta, resource: string, personal = false): void {
  const etag = `"${meta.sha256.slice(0, 32)}"`
  const headers: Record<string, string | number> = {
    'content-type': meta.contentType,
    etag,
    'last-modified': new Date(meta.uploadedAt).toUTCString(),
    'cache-control': 'no-cache',
    'access-control-allow-origin': '*',
    // user content on the emulator's origin: never let it run as a page
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox',
  }
  if (personal) {
    // one member's file, answered to its owner or a signed link: no shared caches, no other origins
    delete headers['access-control-allow-origin']
    headers['cache-control'] = 'private, no-cache'
  }
  if (isPrivatePath(meta.path)) {
    // an export opened from its link downloads under its own name instead of showing in the tab
    headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(path.posix.basename(meta.path))}`
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  headers['content-length'] = meta.size
  if (req.method === 'HEAD') {
    res.writeHead(200, headers)
    res.end()
    return
  }
  const stream = fs.createReadStream(storage.blobPath(meta))
  stream.once('open', () => {
    res.writeHead(200, headers)
    stream.pipe(res)
  })
  stream.once('error', err => {
    if (!res.headersSent) sendCosError(res, 404, 'NoSuchKey', `The specified key does not exist. (${(err as NodeJS.ErrnoException).code})`, resource)
    else res.destroy(err)
  })
}
