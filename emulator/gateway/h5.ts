/**
 * The H5 client's gateway: serves the built H5 app and lets the browser call functions as a local
 * demo user. Sign-in is a signed token naming an OPENID (HMAC with a per-data-dir secret), so a
 * session survives emulator restarts and a token cannot be forged by editing it.
 *
 * Files follow CloudBase storage security rules for personal folders: a user writes only under
 * `<kind>/<own openid>/…`; a file under `<kind>/<openid>/…` is read only by that user (session token
 * as `Authorization: Bearer`, or the same token in the `gw_session` cookie the gateway sets, which
 * is what an <img src="/gateway/file?…"> carries) or through a signed link valid ≤ 10 minutes
 * (`POST /gateway/tempFileURL`). Other files (fewer than three path segments) are public.
 */
import crypto from 'crypto'
import fs from 'fs'
import path from 'path'
import type { IncomingMessage, ServerResponse } from 'http'
import type { EmulatorInfo, TcbService } from '../service'
import type { FunctionsService } from '../functions'
import { parseFileId, type StorageService } from '../storage'
import { HttpError, readMultipart, readParams, sendJson } from './http-util'
import { invokeAndSend } from './loopback'

/** A demo identity's UNIONID, as WeChat gives one when the mini-program is bound to an open platform account (WeCom links by it: docs/wecom.md). */
export const demoUnionid = (openid: string) => `uni_${openid}`

interface Identity {
  openid: string
  label: string
  createdAt: string
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
}

export function createH5Gateway(info: EmulatorInfo, deps: { functions: FunctionsService; storage: StorageService; database: TcbService; h5Dir: string | null }) {
  const dir = path.join(info.dataDir, 'gateway')
  fs.mkdirSync(dir, { recursive: true })
  const secretFile = path.join(dir, 'secret')
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, crypto.randomBytes(32).toString('hex'), { mode: 0o600 })
  const secret = fs.readFileSync(secretFile, 'utf8').trim()
  const identitiesFile = path.join(dir, 'identities.json')

  const readIdentities = (): Identity[] => (fs.existsSync(identitiesFile) ? JSON.parse(fs.readFileSync(identitiesFile, 'utf8')) : [])
  const writeIdentities = (list: Identity[]) => {
    const tmp = `${identitiesFile}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(list, null, 2))
    fs.renameSync(tmp, identitiesFile)
  }
  const sign = (openid: string) => crypto.createHmac('sha256', secret).update(openid).digest('base64url')
  const tokenFor = (openid: string) => `${Buffer.from(openid).toString('base64url')}.${sign(openid)}`
  const safeEqual = (a: string, b: string) => {
    const x = Buffer.from(a)
    const y = Buffer.from(b)
    return x.length === y.length && crypto.timingSafeEqual(x, y)
  }
  /** The OPENID a token names, or null when it is malformed or its signature is wrong. */
  const openidOfToken = (token: string): string | null => {
    const m = /^([\w-]+)\.([\w-]+)$/.exec(token)
    if (!m) return null
    const openid = Buffer.from(m[1], 'base64url').toString('utf8')
    return safeEqual(sign(openid), m[2]) ? openid : null
  }
  const bearerOpenid = (req: IncomingMessage): string | null => {
    const m = /^Bearer\s+(\S+)$/.exec(String(req.headers.authorization || ''))
    return m ? openidOfToken(m[1]) : null
  }
  const openidFrom = (req: IncomingMessage): string => {
    const openid = bearerOpenid(req)
    if (openid) return openid
    throw new HttpError(401, 'UNAUTHENTICATED', '请先在本地登录页选择或创建体验用户')
  }
  /** Only GET /gateway/file reads this cookie (reads of one's own files; SameSite=Strict). */
  const COOKIE = 'gw_session'
  const sessionCookie = (token: string) => `${COOKIE}=${token}; Path=/gateway/file; HttpOnly; SameSite=Strict`
  const cookieOpenid = (req: IncomingMessage): string | null => {
    for (const part of String(req.headers.cookie || '').split(';')) {
      const [name, ...value] = part.trim().split('=')
      if (name === COOKIE) return openidOfToken(value.join('='))
    }
    return null
  }

  /** Personal files: `<kind>/<openid>/<name…>`; their owner, or null for a shared (public) file. */
  const ownerOf = (cloudPath: string): string | null => {
    const segs = cloudPath.split('/')
    return segs.length >= 3 ? segs[1] : null
  }
  const MAX_LINK_SECONDS = 600
  const linkSig = (fileID: string, expires: number) => crypto.createHmac('sha256', secret).update(`file\n${fileID}\n${expires}`).digest('base64url')
  const signedLink = (fileID: string, maxAge: number) => {
    const expires = Date.now() + maxAge * 1000
    return `/gateway/file?fileID=${encodeURIComponent(fileID)}&expires=${expires}&sig=${linkSig(fileID, expires)}`
  }
  const linkValid = (url: URL, fileID: string): boolean => {
    const expires = Number(url.searchParams.get('expires'))
    const sig = url.searchParams.get('sig') ?? ''
    if (!Number.isSafeInteger(expires) || !sig) return false
    const now = Date.now()
    if (expires < now || expires - now > MAX_LINK_SECONDS * 1000) return false
    return safeEqual(linkSig(fileID, expires), sig)
  }

  /** Nicknames of signed-up members, read straight from the database service. */
  const nicknames = async (openids: string[]): Promise<Map<string, string>> => {
    const reply = await deps.database
      .handle('database.getDocument', {
        action: 'database.getDocument',
        collectionName: 'members',
        queryType: 'WHERE',
        query: JSON.stringify({ _id: { $in: openids } }),
        offset: 0,
        limit: 1000,
      })
      .catch(() => ({ data: { list: [] } }))
    const list = ((reply as { data?: { list?: string[] } }).data?.list ?? []).map(s => (typeof s === 'string' ? JSON.parse(s) : s))
    return new Map(list.map((m: { _id: string; nickname?: string }) => [m._id, m.nickname ?? '']))
  }

  const serveStatic = (res: ServerResponse, url: URL): boolean => {
    if (!deps.h5Dir || !fs.existsSync(deps.h5Dir)) return false
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    const file = path.resolve(deps.h5Dir, `.${rel}`)
    if (!file.startsWith(path.resolve(deps.h5Dir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return false
    const body = fs.readFileSync(file)
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-cache' })
    res.end(body)
    return true
  }

  return {
    async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      const p = url.pathname
      if (p === '/gateway/users' && req.method === 'GET') {
        const identities = readIdentities()
        const names = await nicknames(identities.map(i => i.openid))
        sendJson(res, 200, { ok: true, data: identities.map(i => ({ openid: i.openid, nickname: names.get(i.openid) || i.label })) })
        return true
      }
      if (p === '/gateway/session' && req.method === 'POST') {
        const body = await readParams(req)
        const identities = readIdentities()
        let openid = typeof body.openid === 'string' ? body.openid.trim() : ''
        if (openid && !/^[\w-]{6,64}$/.test(openid)) throw new HttpError(400, 'INVALID_ARGUMENT', 'openid 格式不正确')
        if (!openid) openid = `o_local_${crypto.randomBytes(9).toString('base64url')}`
        if (!identities.some(i => i.openid === openid)) {
          const label = typeof body.label === 'string' && body.label.trim() ? body.label.trim().slice(0, 20) : `体验用户 ${identities.length + 1}`
          writeIdentities([...identities, { openid, label, createdAt: new Date().toISOString() }])
        }
        const token = tokenFor(openid)
        sendJson(res, 200, { ok: true, data: { token, openid } }, { 'set-cookie': sessionCookie(token) })
        return true
      }
      const fn = /^\/gateway\/functions\/([^/]+)$/.exec(p)
      if (fn && req.method === 'POST') {
        const openid = openidFrom(req)
        // sessions signed in before the cookie existed get it on their next call
        if (cookieOpenid(req) !== openid) res.setHeader('set-cookie', sessionCookie(tokenFor(openid)))
        const event = await readParams(req)
        await invokeAndSend(res, deps.functions, decodeURIComponent(fn[1]), event, { openid, unionid: demoUnionid(openid), source: 'wx_client' })
        return true
      }
      if (p === '/gateway/upload' && req.method === 'POST') {
        const openid = openidFrom(req)
        const fields = await readMultipart(req)
        const file = fields.file
        const cloudPath = typeof fields.cloudPath === 'string' ? fields.cloudPath : ''
        if (!Buffer.isBuffer(file) || !cloudPath) throw new HttpError(400, 'INVALID_ARGUMENT', '需要 file 和 cloudPath')
        // security rules: a user writes only under <kind>/<own openid>/ (the second segment, exactly)
        const segs = cloudPath.split('/')
        if (segs.length < 3 || segs[1] !== openid || !segs[0]) {
          throw new HttpError(403, 'PERMISSION_DENIED', `只能上传到自己的目录 <类别>/${openid}/…`)
        }
        const saved = await deps.storage.saveUpload(cloudPath, file, String(fields.file__mimeType || ''))
        sendJson(res, 200, { ok: true, data: saved })
        return true
      }
      if (p === '/gateway/tempFileURL' && req.method === 'POST') {
        const openid = openidFrom(req)
        const body = await readParams(req)
        if (!Array.isArray(body.fileList) || body.fileList.length > 50) throw new HttpError(400, 'INVALID_ARGUMENT', 'fileList 需要是最多 50 个 fileID 的数组')
        const maxAge = Math.min(MAX_LINK_SECONDS, typeof body.maxAge === 'number' && body.maxAge > 0 ? Math.floor(body.maxAge) : MAX_LINK_SECONDS)
        const data = body.fileList.map((item: unknown) => {
          const fileID = typeof item === 'string' ? item : ''
          const parsed = parseFileId(fileID)
          if (!parsed) return { fileID, tempFileURL: '', code: 'INVALID_PARAM' }
          const owner = ownerOf(parsed.path)
          if (owner !== null && owner !== openid) return { fileID, tempFileURL: '', code: 'PERMISSION_DENIED' }
          if (!deps.storage.downloadUrl(fileID)) return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST' }
          return { fileID, tempFileURL: signedLink(fileID, maxAge), code: 'SUCCESS', maxAge }
        })
        sendJson(res, 200, { ok: true, data })
        return true
      }
      if (p === '/gateway/file' && (req.method === 'GET' || req.method === 'HEAD')) {
        const fileID = url.searchParams.get('fileID') ?? ''
        const parsed = parseFileId(fileID)
        const owner = parsed ? ownerOf(parsed.path) : null
        if (owner !== null) {
          const allowed = url.searchParams.has('sig') ? linkValid(url, fileID) : (bearerOpenid(req) ?? cookieOpenid(req)) === owner
          if (!allowed) throw new HttpError(403, 'PERMISSION_DENIED', '只有文件的主人（或有效的临时链接）可以读取此文件')
        }
        if (!parsed || !deps.storage.sendFile(req, res, fileID, { personal: owner !== null })) throw new HttpError(404, 'NOT_FOUND', 'file not found')
        return true
      }
      if (req.method === 'GET' && !p.startsWith('/gateway/')) return serveStatic(res, url)
      return false
    },
  }
}
