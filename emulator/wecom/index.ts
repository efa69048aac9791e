/**
 * A fake WeCom (企业微信) for the local CloudBase. Functions reach it over HTTP at the emulator's own
 * address (`WECOM_API_BASE`, passed to every function with the corp's id, secret, callback token and
 * EncodingAESKey: `env()`), and tests and tools drive it through loopback routes:
 *
 * - `GET|POST /cgi-bin/<path>`: the qyapi paths (./api.ts); every call lands in the outbox;
 * - `GET /wecom/outbox`: those calls (and the callbacks sent), oldest first;
 * - `POST /wecom/simulate/add-contact { userId, externalUserId, unionid, state?, half?, name? }`:
 *   a customer adds staff member `userId`: the contact is registered (externalcontact/get answers its
 *   UNIONID) and the encrypted, signed callback is POSTed to `/wecom/callback` as WeCom would;
 * - `POST /wecom/simulate/remove-contact { userId, externalUserId, changeType? }`: the customer
 *   (`del_follow_user`, default) or the staff member (`del_external_contact`) ends the contact;
 * - `POST /wecom/simulate/verify-url`: WeCom's URL check (GET with an encrypted echostr);
 * - `POST /wecom/simulate/expire-token`: the current access token expires now (functions must renew it);
 * - `GET /wecom/qr/<configId>.png`: a contact-me code's QR image.
 *
 * Callbacks are built with the official `@wecom/crypto`, exactly as WeCom signs and encrypts them.
 */
import { randomBytes } from 'crypto'
import type { IncomingMessage, ServerResponse } from 'http'
import path from 'path'
import QRCode from 'qrcode'
import { encrypt, getSignature } from '@wecom/crypto'
import { LOCAL_APPID } from '../functions'
import { HttpError, isLoopback, readBody, readParams, sendJson } from '../gateway/http-util'
import { Outbox } from '../openapi/outbox'
import type { EmulatorInfo } from '../service'
import { answerApi } from './api'
import { loadCorpConfig, loadState, saveState, type WecomCorpConfig, type WecomState } from './state'

export interface WecomService {
  /** What every function gets in its environment (the real ones are set in the CloudBase console). */
  env(): Record<string, string>
  config(): WecomCorpConfig
  route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>
  close(): Promise<void>
}

/** The local routes this service answers (the server applies its loopback guard to them). */
export const WECOM_LOCAL_ROUTE = /^\/(cgi-bin\/[\w/]+|wecom\/(outbox|simulate\/[\w-]+|qr\/[\w-]+\.png))$/

const CHANGE_TYPES = ['del_follow_user', 'del_external_contact'] as const

export async function createWecomService(info: EmulatorInfo): Promise<WecomService> {
  const dir = path.join(info.dataDir, 'wecom')
  const corp = loadCorpConfig(dir)
  const state: WecomState = loadState(dir)
  const outbox = Outbox.load(dir)
  const callbackUrl = `${info.baseUrl}/wecom/callback`

  /** Each simulated event one second after the last at least: a re-add is never mistaken for a retry of the first add. */
  const nextCreateTime = () => (state.lastCreateTime = Math.max(Math.floor(Date.now() / 1000), state.lastCreateTime + 1))

  /** POSTs (or GETs) a signed, encrypted message to the callback route, as WeCom does; answers what came back. */
  async function sendCallback(plain: string, method: 'POST' | 'GET') {
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = randomBytes(8).toString('hex')
    const ciphertext = encrypt(corp.aesKey, plain, corp.corpId)
    const signature = getSignature(corp.token, timestamp, nonce, ciphertext)
    const query = new URLSearchParams({ msg_signature: signature, timestamp, nonce, ...(method === 'GET' ? { echostr: ciphertext } : {}) })
    const body = method === 'POST' ? `<xml><ToUserName><![CDATA[${corp.corpId}]]></ToUserName><Encrypt><![CDATA[${ciphertext}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>` : ''
    const res = await fetch(`${callbackUrl}?${query}`, method === 'POST' ? { method, headers: { 'content-type': 'text/xml' }, body } : {})
    return { status: res.status, body: await res.text(), request: { method, url: `/wecom/callback?${query}`, query: Object.fromEntries(query), body } }
  }

  const eventXml = (fields: Record<string, string | number>) =>
    `<xml>${Object.entries(fields)
      .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : `<![CDATA[${v}]]>`}</${k}>`)
      .join('')}</xml>`

  /** A 客户变更 (change_external_contact) event through the callback, recorded in the outbox first. */
  async function sendChange(changeType: string, userId: string, externalUserId: string, createTime: number, extra: Record<string, string>) {
    const plain = eventXml({
      ToUserName: corp.corpId,
      FromUserName: 'sys',
      CreateTime: createTime,
      MsgType: 'event',
      Event: 'change_external_contact',
      ChangeType: changeType,
      UserID: userId,
      ExternalUserID: externalUserId,
      ...extra,
    })
    await outbox.append({ api: `callback/${changeType}`, payload: { event: plain } })
    return { event: plain, callback: await sendCallback(plain, 'POST') }
  }

  async function simulate(name: string, params: Record<string, unknown>): Promise<unknown> {
    const text = (key: string, required = true) => {
      const v = params[key]
      if (v === undefined && !required) return ''
      if (typeof v !== 'string' || (required && !v.trim())) throw new HttpError(400, 'INVALID_ARGUMENT', `${key} must be a non-empty string`)
      return v.trim()
    }
    if (name === 'add-contact') {
      const userId = text('userId')
      const externalUserId = text('externalUserId')
      const unionid = text('unionid', false) || null
      const stateParam = text('state', false) || null
      if (stateParam && stateParam.length > 30) throw new HttpError(400, 'INVALID_ARGUMENT', 'state is at most 30 characters')
      const createTime = nextCreateTime()
      const contact = (state.contacts[externalUserId] ??= { name: text('name', false) || `客户${externalUserId.slice(-4)}`, unionid, followUsers: [] })
      contact.unionid = unionid ?? contact.unionid
      contact.followUsers = [...contact.followUsers.filter(f => f.userId !== userId), { userId, state: stateParam, createTime }]
      const welcomeCode = randomBytes(16).toString('hex')
      state.welcomeCodes[welcomeCode] = { externalUserId, userId, issuedAt: new Date().toISOString(), usedAt: null }
      saveState(dir, state)
      const changeType = params.half === true ? 'add_half_external_contact' : 'add_external_contact'
      const sent = await sendChange(changeType, userId, externalUserId, createTime, { ...(stateParam ? { State: stateParam } : {}), WelcomeCode: welcomeCode })
      return { welcomeCode, ...sent }
    }
    if (name === 'remove-contact') {
      const userId = text('userId')
      const externalUserId = text('externalUserId')
      const changeType = (text('changeType', false) || 'del_follow_user') as (typeof CHANGE_TYPES)[number]
      if (!CHANGE_TYPES.includes(changeType)) throw new HttpError(400, 'INVALID_ARGUMENT', `changeType is one of ${CHANGE_TYPES.join(', ')}`)
      const contact = state.contacts[externalUserId]
      if (contact) contact.followUsers = contact.followUsers.filter(f => f.userId !== userId)
      const createTime = nextCreateTime()
      saveState(dir, state)
      return sendChange(changeType, userId, externalUserId, createTime, {})
    }
    if (name === 'verify-url') {
      const echo = randomBytes(9).toString('hex')
      const callback = await sendCallback(echo, 'GET')
      return { verified: callback.status === 200 && callback.body === echo, expected: echo, callback }
    }
    if (name === 'expire-token') {
      const had = !!state.token
      if (state.token) state.token.expiresAt = Date.now()
      saveState(dir, state)
      return { expired: had }
    }
    throw new HttpError(404, 'NOT_FOUND', `no simulation ${name} (add-contact, remove-contact, verify-url, expire-token)`)
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const apiPath = url.pathname.slice('/cgi-bin/'.length)
    let body: Record<string, unknown> = {}
    if (req.method === 'POST') {
      const raw = (await readBody(req)).toString('utf8')
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {}
      } catch {
        return sendJson(res, 200, { errcode: 47001, errmsg: 'data format error' })
      }
    }
    const { answer, changed } = answerApi(corp, state, { path: apiPath, query: url.searchParams, body, now: new Date(), baseUrl: info.baseUrl })
    if (changed) saveState(dir, state)
    // the token is not worth keeping in the outbox; which one was used is (an invalid one shows)
    const query = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, k === 'access_token' || k === 'corpsecret' ? `${v.slice(0, 6)}…` : v]))
    await outbox.append({ api: apiPath, payload: { method: req.method, query, body, answer } })
    sendJson(res, 200, answer)
  }

  return {
    env: () => ({
      WECOM_CORP_ID: corp.corpId,
      WECOM_CORP_SECRET: corp.secret,
      WECOM_CALLBACK_TOKEN: corp.token,
      WECOM_ENCODING_AES_KEY: corp.aesKey,
      WECOM_API_BASE: info.baseUrl,
      WECOM_MINIPROGRAM_APPID: LOCAL_APPID,
      WECOM_WELCOME_PIC_MEDIA_ID: 'local-welcome-card',
    }),
    config: () => ({ ...corp }),
    async route(req, res, url) {
      if (!WECOM_LOCAL_ROUTE.test(url.pathname)) return false
      if (!isLoopback(req)) throw new HttpError(403, 'PERMISSION_DENIED', 'loopback only')
      if (url.pathname.startsWith('/cgi-bin/')) {
        if (req.method !== 'GET' && req.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'GET or POST')
        await api(req, res, url)
        return true
      }
      if (url.pathname === '/wecom/outbox' && req.method === 'GET') {
        sendJson(res, 200, outbox.list())
        return true
      }
      const sim = /^\/wecom\/simulate\/([\w-]+)$/.exec(url.pathname)
      if (sim && req.method === 'POST') {
        sendJson(res, 200, await simulate(sim[1], await readParams(req)))
        return true
      }
      const qr = /^\/wecom\/qr\/([\w-]+)\.png$/.exec(url.pathname)
      if (qr && req.method === 'GET') {
        if (!state.contactWays[qr[1]]) throw new HttpError(404, 'NOT_FOUND', `no contact-me code ${qr[1]}`)
        const png = await QRCode.toBuffer(`https://work.weixin.qq.com/ca/local/${qr[1]}`, { margin: 1, width: 360 })
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'max-age=3600' })
        res.end(png)
        return true
      }
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} ${url.pathname}`)
    },
    close: () => outbox.close(),
  }
}
