/**
 * The H5 client's gateway: serves the built H5 app and lets the browser call functions as a local
 * demo user. Sign-in is a signed token naming an OPENID (HMAC with a per-data-dir secret), so a
 * session survives emulator restarts and a token cannot be forged by editing it.
 */
import crypto from 'crypto'
import fs from 'fs'
import path from 'path'
import type { IncomingMessage, ServerResponse } from 'http'
import type { EmulatorInfo, TcbService } from '../service'
import type { FunctionsService } from '../functions'
import type { StorageService } from '../storage'
import { HttpError, readMultipart, readParams, sendJson } from './http-util'
import { invokeAndSend } from './loopback'

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

export function createH5Gateway(
  info: EmulatorInfo,
  deps: { functions: FunctionsService; storage: StorageService; database: TcbService; h5Dir: string | null },
) {
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
  const openidFrom = (req: IncomingMessage): string => {
    const m = /^Bearer\s+([\w-]+)\.([\w-]+)$/.exec(String(req.headers.authorization || ''))
    if (m) {
      const openid = Buffer.from(m[1], 'base64url').toString('utf8')
      const expected = Buffer.from(sign(openid))
      const given = Buffer.from(m[2])
      if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) return openid
    }
    throw new HttpError(401, 'UNAUTHENTICATED', '请先在本地登录页选择或创建体验用户')
  }

  /** Nicknames of signed-up members, read straight from the database service. */
  const nicknames = async (openids: string[]): Promise<Map<string, string>> => {
    const reply = await deps.database.handle('database.getDocument', {
      action: 'database.getDocument',
      collectionName: 'members',
      queryType: 'WHERE',
      query: JSON.stringify({ _id: { $in: openids } }),
      offset: 0,
      limit: 1000,
    }).catch(() => ({ data: { list: [] } }))
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
        sendJson(res, 200, { ok: true, data: { token: tokenFor(openid), openid } })
        return true
      }
      const fn = /^\/gateway\/functions\/([^/]+)$/.exec(p)
      if (fn && req.method === 'POST') {
        const openid = openidFrom(req)
        const event = await readParams(req)
        await invokeAndSend(res, deps.functions, decodeURIComponent(fn[1]), event, { openid, source: 'wx_client' })
        return true
      }
      if (p === '/gateway/upload' && req.method === 'POST') {
        const openid = openidFrom(req)
        const fields = await readMultipart(req)
        const file = fields.file
        const cloudPath = typeof fields.cloudPath === 'string' ? fields.cloudPath : ''
        if (!Buffer.isBuffer(file) || !cloudPath) throw new HttpError(400, 'INVALID_ARGUMENT', '需要 file 和 cloudPath')
        // a browser user may only write under their own folder, as security rules would require
        if (!cloudPath.split('/').includes(openid)) throw new HttpError(403, 'PERMISSION_DENIED', `cloudPath 必须包含当前用户目录 ${openid}`)
        const saved = await deps.storage.saveUpload(cloudPath, file, String(fields.file__mimeType || ''))
        sendJson(res, 200, { ok: true, data: saved })
        return true
      }
      if (p === '/gateway/file' && req.method === 'GET') {
        const target = deps.storage.downloadUrl(url.searchParams.get('fileID') ?? '')
        if (!target) throw new HttpError(404, 'NOT_FOUND', 'file not found')
        res.writeHead(302, { location: target })
        res.end()
        return true
      }
      if (req.method === 'GET' && !p.startsWith('/gateway/')) return serveStatic(res, url)
      return false
    },
  }
}
