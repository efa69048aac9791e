/**
 * The `storage.*` actions and the emulator's stand-in for COS.
 *
 * What wx-server-sdk does, and what answers it:
 *   - `cloud.uploadFile({ cloudPath, fileContent })` → `storage.getUploadMetadata` `{ path }` →
 *     `{ data: { url, token, authorization, fileId, cosFileId, download_url } }`, then
 *     `PUT url` with the bytes and header `x-cos-security-token: token` → 200 with an empty body
 *     (an error is COS's XML `<Error><Code/><Message/><RequestId/><TraceId/></Error>`).
 *   - `cloud.getTempFileURL({ fileList })` → `storage.batchGetDownloadUrl` `{ file_list: [{ fileid, max_age }] }` →
 *     `{ data: { download_list: [{ fileID, tempFileURL, code: 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'INVALID_PARAM', maxAge }] } }`
 *   - `cloud.downloadFile({ fileID })` → batchGetDownloadUrl, then `GET tempFileURL`.
 *   - `cloud.deleteFile({ fileList })` → `storage.batchDeleteFile` `{ fileid_list }` →
 *     `{ data: { delete_list: [{ fileID, code }] } }`
 *
 * Files: fileID `cloud://local.<BUCKET>/<cloudPath>`, public at `GET /storage/<BUCKET>/<cloudPath>`
 * (also HEAD), bytes and metadata under `<dataDir>/storage/`.
 *
 * Private folders (`PRIVATE_PREFIXES`, e.g. `exports/`, where the console's CSV exports go) are what
 * a bucket with the rule "仅创建者及管理员可读" is on CloudBase: the plain URL answers 403, and
 * getTempFileURL answers a signed link `…?expires=<ms>&sign=<hmac>` valid for `max_age` seconds, at most
 * PRIVATE_LINK_MAX_SECONDS (a longer or missing max_age is cut to it). The signing key lives in memory:
 * a restart ends every link, as it ends half-done uploads.
 *
 * Cloud paths: relative (no leading `/`), no empty, `.` or `..` segment, no `\`, no control
 * characters, and none of `? # %` (they would not survive the SDK's `encodeURI(tempFileURL)`).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'crypto'
import fs from 'fs'
import path from 'path'
import type { IncomingMessage, ServerResponse } from 'http'
import { TcbError, type EmulatorInfo, type TcbParams, type TcbReply, type TcbService } from '../service'
import { HttpError } from '../gateway/http-util'
import { ObjectStore, TooLargeError, type ObjectMeta } from './store'

export interface StorageOptions {
  /** The clock links expire by (ms since the epoch); tests move it. Default Date.now. */
  now?: () => number
}

export interface StorageService extends TcbService {
  /** Saves a file uploaded by a client (H5 gateway) and returns its fileID (cloud://local.<bucket>/<path>). */
  saveUpload(cloudPath: string, body: Buffer, contentType?: string): Promise<{ fileID: string }>
  /** Public download URL for a fileID, or null when it does not exist. */
  downloadUrl(fileID: string): string | null
  /** Answers GET / HEAD with the file's bytes (`personal`: private caching, no CORS); false (nothing sent) when it does not exist. */
  sendFile(req: IncomingMessage, res: ServerResponse, fileID: string, opts?: { personal?: boolean }): boolean
}

export const LOCAL_ENV = 'local'
/** Shaped like a real CloudBase bucket: hex of the env's first two letters, env id, appid-like number. */
export const BUCKET = '6c6f-local-1300000000'
export const MAX_FILE_BYTES = 100 * 1024 * 1024
const DEFAULT_MAX_AGE = 86_400
/** Folders nobody reads without a signed link (see the header). */
export const PRIVATE_PREFIXES: readonly string[] = ['exports/']
export const PRIVATE_LINK_MAX_SECONDS = 600
const UPLOAD_TTL_MS = 15 * 60 * 1000
const ROUTE = '/storage/'
const REJECT_ROUTE = '/storage-rejected'

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.heic': 'image/heic',
  '.avif': 'image/avif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.silk': 'audio/silk',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.xml': 'application/xml',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

export function contentTypeFor(cloudPath: string, claimed?: string): string {
  const c = (claimed ?? '').trim()
  if (c && c !== 'application/octet-stream' && /^[\w.+-]+\/[\w.+-]+(\s*;[^\r\n]*)?$/.test(c)) return c
  return CONTENT_TYPES[path.posix.extname(cloudPath).toLowerCase()] ?? 'application/octet-stream'
}

/** Why a cloud path is refused, or null when it is fine. */
export function cloudPathProblem(p: unknown): string | null {
  if (typeof p !== 'string' || p.length === 0) return 'cloudPath must be a non-empty string'
  if (Buffer.byteLength(p) > 850) return 'cloudPath is longer than 850 bytes'
  if (p.startsWith('/')) return 'cloudPath must not start with "/"'
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'cloudPath must not contain control characters'
  if (/[\\?#%]/.test(p)) return 'cloudPath must not contain \\ ? # or %'
  for (const seg of p.split('/')) {
    if (seg === '..') return 'cloudPath must not contain ".." (path traversal)'
    if (seg === '.' || seg === '') return 'cloudPath must not contain empty or "." segments'
  }
  return null
}

export const isPrivatePath = (cloudPath: string): boolean => PRIVATE_PREFIXES.some(prefix => cloudPath.startsWith(prefix))

export function fileIdFor(cloudPath: string): string {
  return `cloud://${LOCAL_ENV}.${BUCKET}/${cloudPath}`
}

/** `cloud://<env>.<bucket>/<path>` → its parts, or null when it is not a valid fileID. */
export function parseFileId(fileID: unknown): { env: string; bucket: string; path: string } | null {
  if (typeof fileID !== 'string') return null
  const m = /^cloud:\/\/([^./]+)\.([^/]+)\/(.+)$/.exec(fileID)
  if (!m || cloudPathProblem(m[3])) return null
  return { env: m[1], bucket: m[2], path: m[3] }
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/')
const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`)

function sendCosError(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
  const requestId = randomUUID()
  const body =
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n  <Code>${xmlEscape(code)}</Code>\n  <Message>${xmlEscape(message)}</Message>\n` +
    `  <Resource>${xmlEscape(resource)}</Resource>\n  <RequestId>${requestId}</RequestId>\n  <TraceId>${requestId}</TraceId>\n</Error>\n`
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-cos-request-id': requestId })
  res.end(body)
}

export async function createStorageService(info: EmulatorInfo, opts: StorageOptions = {}): Promise<StorageService> {
  const store = new ObjectStore(path.join(info.dataDir, 'storage'), MAX_FILE_BYTES)
  // signs upload URLs and private download links; a restart only invalidates uploads that were
  // half-way (15 min at most) and download links (10 min at most)
  const secret = randomBytes(32)
  const now = opts.now ?? Date.now

  /** Raw path (not percent-encoded): the SDK runs encodeURI() on a tempFileURL before fetching it. */
  const tempUrl = (cloudPath: string) => `${info.baseUrl}${ROUTE}${BUCKET}/${cloudPath}`
  const publicUrl = (cloudPath: string) => `${info.baseUrl}${ROUTE}${BUCKET}/${encodePath(cloudPath)}`

  const sign = (cloudPath: string, expires: number) => createHmac('sha256', secret).update(`${BUCKET}/${cloudPath}\n${expires}`).digest('base64url')
  const uploadToken = (cloudPath: string) => {
    const expires = Date.now() + UPLOAD_TTL_MS
    return `${expires}.${sign(cloudPath, expires)}`
  }
  const downloadSig = (cloudPath: string, expires: number) => createHmac('sha256', secret).update(`download\n${BUCKET}/${cloudPath}\n${expires}`).digest('base64url')
  /** A private file's link: the raw path (as tempUrl) and its expiry and signature. */
  const signedTempUrl = (cloudPath: string, maxAge: number) => {
    const expires = now() + maxAge * 1000
    return `${tempUrl(cloudPath)}?expires=${expires}&sign=${downloadSig(cloudPath, expires)}`
  }
  /** Is this GET of a private file signed, unexpired and not valid for longer than a link may be? */
  const downloadAllowed = (cloudPath: string, url: URL): boolean => {
    const expires = Number(url.searchParams.get('expires'))
    const sign = url.searchParams.get('sign') ?? ''
    const t = now()
    if (!Number.isSafeInteger(expires) || !sign || expires < t || expires - t > PRIVATE_LINK_MAX_SECONDS * 1000) return false
    const expected = Buffer.from(downloadSig(cloudPath, expires))
    const given = Buffer.from(sign)
    return expected.length === given.length && timingSafeEqual(expected, given)
  }
  const tokenValid = (cloudPath: string, token: string): boolean => {
    const m = /^(\d+)\.([\w-]+)$/.exec(token)
    if (!m || Number(m[1]) < Date.now()) return false
    const expected = Buffer.from(sign(cloudPath, Number(m[1])))
    const given = Buffer.from(m[2])
    return expected.length === given.length && timingSafeEqual(expected, given)
  }

  /** The stored object a fileID names (any env prefix, our bucket), or null. */
  const lookup = (fileID: string): ObjectMeta | null => {
    const parsed = parseFileId(fileID)
    return parsed && parsed.bucket === BUCKET ? store.get(BUCKET, parsed.path) : null
  }

  function getUploadMetadata(params: TcbParams): TcbReply {
    const cloudPath = params.path
    const problem = cloudPathProblem(cloudPath)
    if (problem) {
      // The SDK reads `data.url` whatever the code says, then PUTs to it: point it at an answer
      // COS-style, so `cloud.uploadFile` fails with a clear STORAGE_REQUEST_FAIL message.
      const url = `${info.baseUrl}${REJECT_ROUTE}?reason=${encodeURIComponent(problem)}`
      return { code: 'INVALID_PARAM', message: problem, data: { url, token: '', authorization: '', fileId: '', cosFileId: '', download_url: '' } }
    }
    const p = cloudPath as string
    const token = uploadToken(p)
    return {
      data: {
        url: publicUrl(p),
        token,
        authorization: token,
        fileId: fileIdFor(p),
        cosFileId: randomUUID(),
        download_url: tempUrl(p),
      },
    }
  }

  function batchGetDownloadUrl(params: TcbParams): TcbReply {
    if (!Array.isArray(params.file_list)) throw new TcbError('INVALID_PARAM', 'file_list must be an array')
    const download_list = params.file_list.map((item: unknown) => {
      const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>
      const fileID = typeof o.fileid === 'string' ? o.fileid : ''
      const maxAge = typeof o.max_age === 'number' && o.max_age > 0 ? o.max_age : DEFAULT_MAX_AGE
      if (!parseFileId(fileID)) return { fileID, tempFileURL: '', code: 'INVALID_PARAM', message: `invalid fileID: ${fileID}`, maxAge }
      const meta = lookup(fileID)
      if (!meta) return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: `file not found: ${fileID}`, maxAge }
      if (isPrivatePath(meta.path)) {
        const linkAge = Math.max(1, Math.min(Math.floor(maxAge), PRIVATE_LINK_MAX_SECONDS))
        return { fileID, tempFileURL: signedTempUrl(meta.path, linkAge), code: 'SUCCESS', maxAge: linkAge }
      }
      return { fileID, tempFileURL: tempUrl(meta.path), code: 'SUCCESS', maxAge }
    })
    return { data: { download_list } }
  }

  async function batchDeleteFile(params: TcbParams): Promise<TcbReply> {
    if (!Array.isArray(params.fileid_list)) throw new TcbError('INVALID_PARAM', 'fileid_list must be an array')
    const delete_list = []
    for (const item of params.fileid_list) {
      const fileID = typeof item === 'string' ? item : ''
      const parsed = parseFileId(fileID)
      if (!parsed) {
        delete_list.push({ fileID, code: 'INVALID_PARAM', message: `invalid fileID: ${fileID}` })
        continue
      }
      const deleted = parsed.bucket === BUCKET && (await store.delete(BUCKET, parsed.path))
      delete_list.push(deleted ? { fileID, code: 'SUCCESS' } : { fileID, code: 'STORAGE_FILE_NONEXIST', message: `file not found: ${fileID}` })
    }
    return { data: { delete_list } }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
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
    const problem = cloudPathProblem(cloudPath)
    if (req.method === 'PUT') {
      if (problem) return sendCosError(res, 400, 'InvalidObjectName', problem, url.pathname)
      if (bucket !== BUCKET) return sendCosError(res, 404, 'NoSuchBucket', `no bucket ${bucket}`, url.pathname)
      const token = String(req.headers['x-cos-security-token'] ?? url.searchParams.get('token') ?? '')
      if (!tokenValid(cloudPath, token)) {
        return sendCosError(res, 403, 'AccessDenied', 'missing, expired or invalid upload token (call storage.getUploadMetadata first)', url.pathname)
      }
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > MAX_FILE_BYTES) return sendCosError(res, 413, 'EntityTooLarge', `file larger than ${MAX_FILE_BYTES} bytes`, url.pathname)
      let meta: ObjectMeta
      try {
        meta = await store.put(BUCKET, cloudPath, fileIdFor(cloudPath), req, contentTypeFor(cloudPath, req.headers['content-type']))
      } catch (err) {
        if (err instanceof TooLargeError) return sendCosError(res, 413, 'EntityTooLarge', err.message, url.pathname)
        throw err
      }
      res.writeHead(200, { etag: `"${meta.sha256.slice(0, 32)}"`, 'content-length': 0 })
      res.end()
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD, PUT')
      return sendCosError(res, 405, 'MethodNotAllowed', `${req.method} is not allowed`, url.pathname)
    }
    const meta = !problem && bucket === BUCKET ? store.get(BUCKET, cloudPath) : null
    if (!meta) return sendCosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', url.pathname)
    if (isPrivatePath(meta.path)) {
      if (!downloadAllowed(meta.path, url)) return sendCosError(res, 403, 'AccessDenied', 'private file: a missing, expired or invalid signature (ask getTempFileURL for a link)', url.pathname)
      return sendObject(req, res, meta, url.pathname, true)
    }
    sendObject(req, res, meta, url.pathname)
  }

  /** GET / HEAD of a stored object (ETag, 304, no sniffing, sandboxed). */
  function sendObject(req: IncomingMessage, res: ServerResponse, meta: ObjectMeta, resource: string, personal = false): void {
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
    const stream = fs.createReadStream(store.blobPath(meta))
    stream.once('open', () => {
      res.writeHead(200, headers)
      stream.pipe(res)
    })
    stream.once('error', err => {
      if (!res.headersSent) sendCosError(res, 404, 'NoSuchKey', `The specified key does not exist. (${(err as NodeJS.ErrnoException).code})`, resource)
      else res.destroy(err)
    })
  }

  return {
    async handle(action: string, params: TcbParams): Promise<TcbReply> {
      switch (action) {
        case 'storage.getUploadMetadata':
          return getUploadMetadata(params)
        case 'storage.batchGetDownloadUrl':
          return batchGetDownloadUrl(params)
        case 'storage.batchDeleteFile':
          return batchDeleteFile(params)
        default:
          throw new TcbError('INVALID_ACTION', `${action} is not emulated by the local CloudBase (uploadFile, getTempFileURL, downloadFile and deleteFile are)`)
      }
    },

    async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      if (url.pathname === REJECT_ROUTE) {
        const reason = url.searchParams.get('reason') || 'invalid cloudPath'
        sendCosError(res, 400, 'InvalidObjectName', reason, REJECT_ROUTE)
        return true
      }
      if (!url.pathname.startsWith(ROUTE)) return false
      await serve(req, res, url)
      return true
    },

    async saveUpload(cloudPath: string, body: Buffer, contentType?: string): Promise<{ fileID: string }> {
      const problem = cloudPathProblem(cloudPath)
      if (problem) throw new HttpError(400, 'INVALID_PARAM', problem)
      if (!Buffer.isBuffer(body)) throw new HttpError(400, 'INVALID_PARAM', 'file body must be bytes')
      if (body.length > MAX_FILE_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', `file larger than ${MAX_FILE_BYTES} bytes`)
      const meta = await store.put(BUCKET, cloudPath, fileIdFor(cloudPath), body, contentTypeFor(cloudPath, contentType))
      return { fileID: meta.fileID }
    },

    downloadUrl(fileID: string): string | null {
      const meta = lookup(fileID)
      return meta ? publicUrl(meta.path) : null
    },

    sendFile(req: IncomingMessage, res: ServerResponse, fileID: string, opts: { personal?: boolean } = {}): boolean {
      const meta = lookup(fileID)
      if (!meta) return false
      sendObject(req, res, meta, `${ROUTE}${BUCKET}/${encodePath(meta.path)}`, opts.personal === true)
      return true
    },

    async close() {
      await store.idle()
    },
  }
}
