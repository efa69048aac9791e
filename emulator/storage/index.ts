/**
 * The `storage.*` actions and the emulator's stand-in for COS: the SDK's wire format over the
 * storage semantics (semantics.ts: paths, private folders, signed links, the file store).
 *
 * What wx-server-sdk does, and what answers it:
 *   - `cloud.uploadFile({ cloudPath, fileContent })` → `storage.getUploadMetadata` `{ path }` →
 *     `{ data: { url, token, authorization, fileId, cosFileId, download_url } }`, then
 *     `PUT url` with the bytes and header `x-cos-security-token: token` → 200 with an empty body
 *     (an error is COS's XML, see cos-http.ts).
 *   - `cloud.getTempFileURL({ fileList })` → `storage.batchGetDownloadUrl` `{ file_list: [{ fileid, max_age }] }` →
 *     `{ data: { download_list: [{ fileID, tempFileURL, code: 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'INVALID_PARAM', maxAge }] } }`
 *     (a private file's tempFileURL ends `?expires=<ms>&sign=<hmac>`).
 *   - `cloud.downloadFile({ fileID })` → batchGetDownloadUrl, then `GET tempFileURL`.
 *   - `cloud.deleteFile({ fileList })` → `storage.batchDeleteFile` `{ fileid_list }` →
 *     `{ data: { delete_list: [{ fileID, code }] } }`
 *
 * Files: fileID `cloud://local.<BUCKET>/<cloudPath>`, public at `GET /storage/<BUCKET>/<cloudPath>`
 * (also HEAD), bytes and metadata under `<dataDir>/storage/`.
 */
import { randomUUID } from 'crypto'
import path from 'path'
import type { IncomingMessage, ServerResponse } from 'http'
import { TcbError, type EmulatorInfo, type TcbParams, type TcbReply, type TcbService } from '../service'
import { HttpError } from '../gateway/http-util'
import { encodePath, REJECT_ROUTE, ROUTE, sendCosError, sendObject, serveCos } from './cos-http'
import { BUCKET, cloudPathProblem, DEFAULT_MAX_AGE, MAX_FILE_BYTES } from './paths'
import { createStorageSemantics, type DownloadLink, type StorageSemantics } from './semantics'
import { ObjectStore } from './store'

export { BUCKET, cloudPathProblem, contentTypeFor, fileIdFor, isPrivatePath, LOCAL_ENV, MAX_FILE_BYTES, parseFileId, PRIVATE_LINK_MAX_SECONDS, PRIVATE_PREFIXES } from './paths'

export interface StorageOptions {
  /** The clock links and upload tokens expire by (ms since the epoch); tests move it. Default Date.now. */
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

export async function createStorageService(info: EmulatorInfo, opts: StorageOptions = {}): Promise<StorageService> {
  const storage = createStorageSemantics({ store: new ObjectStore(path.join(info.dataDir, 'storage'), MAX_FILE_BYTES), now: opts.now ?? Date.now })

  /** Raw path (not percent-encoded): the SDK runs encodeURI() on a tempFileURL before fetching it. */
  const tempUrl = (cloudPath: string) => `${info.baseUrl}${ROUTE}${BUCKET}/${cloudPath}`
  const publicUrl = (cloudPath: string) => `${info.baseUrl}${ROUTE}${BUCKET}/${encodePath(cloudPath)}`

  function getUploadMetadata(params: TcbParams): TcbReply {
    const ticket = storage.prepareUpload(params.path)
    if (ticket.problem !== null) {
      // The SDK reads `data.url` whatever the code says, then PUTs to it: point it at an answer
      // COS-style, so `cloud.uploadFile` fails with a clear STORAGE_REQUEST_FAIL message.
      const url = `${info.baseUrl}${REJECT_ROUTE}?reason=${encodeURIComponent(ticket.problem)}`
      return { code: 'INVALID_PARAM', message: ticket.problem, data: { url, token: '', authorization: '', fileId: '', cosFileId: '', download_url: '' } }
    }
    const { path: p, token, fileID } = ticket
    return { data: { url: publicUrl(p), token, authorization: token, fileId: fileID, cosFileId: randomUUID(), download_url: tempUrl(p) } }
  }

  const downloadItem = (fileID: string, askedMaxAge: number, link: DownloadLink) => {
    if (link.code !== 'SUCCESS') {
      const message = link.code === 'INVALID_PARAM' ? `invalid fileID: ${fileID}` : `file not found: ${fileID}`
      return { fileID, tempFileURL: '', code: link.code, message, maxAge: askedMaxAge }
    }
    const query = link.signature ? `?expires=${link.signature.expires}&sign=${link.signature.sign}` : ''
    return { fileID, tempFileURL: `${tempUrl(link.path)}${query}`, code: link.code, maxAge: link.maxAge }
  }

  function batchGetDownloadUrl(params: TcbParams): TcbReply {
    if (!Array.isArray(params.file_list)) throw new TcbError('INVALID_PARAM', 'file_list must be an array')
    const download_list = params.file_list.map((item: unknown) => {
      const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>
      const fileID = typeof o.fileid === 'string' ? o.fileid : ''
      const maxAge = typeof o.max_age === 'number' && o.max_age > 0 ? o.max_age : DEFAULT_MAX_AGE
      return downloadItem(fileID, maxAge, storage.downloadLink(fileID, maxAge))
    })
    return { data: { download_list } }
  }

  async function batchDeleteFile(params: TcbParams): Promise<TcbReply> {
    if (!Array.isArray(params.fileid_list)) throw new TcbError('INVALID_PARAM', 'fileid_list must be an array')
    const delete_list = []
    for (const item of params.fileid_list) {
      const fileID = typeof item === 'string' ? item : ''
      const code = await storage.remove(fileID)
      if (code === 'SUCCESS') delete_list.push({ fileID, code })
      else delete_list.push({ fileID, code, message: code === 'INVALID_PARAM' ? `invalid fileID: ${fileID}` : `file not found: ${fileID}` })
    }
    return { data: { delete_list } }
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
        sendCosError(res, 400, 'InvalidObjectName', url.searchParams.get('reason') || 'invalid cloudPath', REJECT_ROUTE)
        return true
      }
      if (!url.pathname.startsWith(ROUTE)) return false
      await serveCos(storage, req, res, url)
      return true
    },

    saveUpload: (cloudPath, body, contentType) => saveUpload(storage, cloudPath, body, contentType),

    downloadUrl(fileID: string): string | null {
      const meta = storage.lookup(fileID)
      return meta ? publicUrl(meta.path) : null
    },

    sendFile(req: IncomingMessage, res: ServerResponse, fileID: string, opts: { personal?: boolean } = {}): boolean {
      const meta = storage.lookup(fileID)
      if (!meta) return false
      sendObject(storage, req, res, meta, `${ROUTE}${BUCKET}/${encodePath(meta.path)}`, opts.personal === true)
      return true
    },

    async close() {
      await storage.idle()
    },
  }
}

/** The H5 gateway's upload (already parsed from multipart): validate, then store; errors as HTTP statuses. */
async function saveUpload(storage: StorageSemantics, cloudPath: string, body: Buffer, contentType?: string): Promise<{ fileID: string }> {
  const problem = cloudPathProblem(cloudPath)
  if (problem) throw new HttpError(400, 'INVALID_PARAM', problem)
  if (!Buffer.isBuffer(body)) throw new HttpError(400, 'INVALID_PARAM', 'file body must be bytes')
  if (body.length > MAX_FILE_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', `file larger than ${MAX_FILE_BYTES} bytes`)
  const meta = await storage.save(cloudPath, body, contentType)
  return { fileID: meta.fileID }
}
