/**
 * The WeCom server API (qyapi), from the `wecom` function only: configuration from environment
 * variables, the access token cached per warm instance (gettoken once per 7200 s, as WeCom asks),
 * and one retry with a fresh token when WeCom says the cached one is invalid or expired.
 */
import http from 'http'
import https from 'https'
import { TOKEN_REFRESH_MARGIN_SECONDS } from '../../types/wecom'
import { AppError } from '../../types/result'

export interface WecomConfig {
  corpId: string
  secret: string
  token: string
  aesKey: string
  apiBase: string
  /** the mini-program of the welcome card (associated with the corp in 企业微信管理后台) */
  miniprogramAppId: string | null
  /** the card's picture (a media_id from media/upload); without it the welcome message is text only */
  welcomePicMediaId: string | null
}

export const DEFAULT_API_BASE = 'https://qyapi.weixin.qq.com'

/** A variable left unset at deploy may arrive empty or as its `{{env.NAME}}` placeholder: both mean unset. */
const setting = (value: string | undefined): string | undefined => (value && !value.startsWith('{{') ? value : undefined)

/** The configuration, or INTERNAL naming what is missing (logged). */
export function wecomConfig(): WecomConfig {
  const env = {
    corpId: setting(process.env.WECOM_CORP_ID),
    secret: setting(process.env.WECOM_CORP_SECRET),
    token: setting(process.env.WECOM_CALLBACK_TOKEN),
    aesKey: setting(process.env.WECOM_ENCODING_AES_KEY),
  }
  const missing = Object.entries({ WECOM_CORP_ID: env.corpId, WECOM_CORP_SECRET: env.secret, WECOM_CALLBACK_TOKEN: env.token, WECOM_ENCODING_AES_KEY: env.aesKey })
    .filter(([, v]) => !v)
    .map(([k]) => k)
  if (missing.length) {
    console.error(`[wecom] not configured: set ${missing.join(', ')} on the wecom function (README: WeCom)`)
    throw new AppError('INTERNAL', '企业微信未配置，请联系管理员')
  }
  return {
    corpId: env.corpId!,
    secret: env.secret!,
    token: env.token!,
    aesKey: env.aesKey!,
    apiBase: (setting(process.env.WECOM_API_BASE) ?? DEFAULT_API_BASE).replace(/\/+$/, ''),
    miniprogramAppId: setting(process.env.WECOM_MINIPROGRAM_APPID) ?? null,
    welcomePicMediaId: setting(process.env.WECOM_WELCOME_PIC_MEDIA_ID) ?? null,
  }
}

/** WeCom's errcodes for a token that is no longer good: get a new one and try once more. */
const TOKEN_ERRORS = new Set([40014, 42001])

/** WeCom answers within a second or two; the callback must be answered within 5 s. */
const REQUEST_TIMEOUT_MS = 3000

let cached: { key: string; token: string; expiresAt: number } | null = null

export class WecomApiError extends Error {
  constructor(
    readonly path: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeCom ${path}: ${errcode} ${errmsg}`)
  }
}

/** GET, or POST with a JSON body; node's http(s) rather than fetch, which CloudBase's Node.js 16 lacks. */
function request(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const target = new URL(url)
  const data = body === undefined ? null : Buffer.from(JSON.stringify(body))
  const send = target.protocol === 'https:' ? https.request : http.request
  return new Promise((resolve, reject) => {
    const req = send(target, { method: data ? 'POST' : 'GET', headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {}, timeout: REQUEST_TIMEOUT_MS }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`WeCom ${target.pathname}: HTTP ${res.statusCode}`))
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        } catch {
          reject(new Error(`WeCom ${target.pathname}: the answer is not JSON`))
        }
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`WeCom ${target.pathname}: no answer within ${REQUEST_TIMEOUT_MS} ms`)))
    req.on('error', reject)
    req.end(data ?? undefined)
  })
}

async function accessToken(config: WecomConfig, now: Date, fresh: boolean): Promise<string> {
  const key = `${config.apiBase}|${config.corpId}|${config.secret}`
  if (!fresh && cached && cached.key === key && cached.expiresAt > now.getTime()) return cached.token
  const url = `${config.apiBase}/cgi-bin/gettoken?corpid=${encodeURIComponent(config.corpId)}&corpsecret=${encodeURIComponent(config.secret)}`
  const answer = await request(url)
  if (answer.errcode !== 0 || typeof answer.access_token !== 'string') throw new WecomApiError('gettoken', Number(answer.errcode), String(answer.errmsg ?? ''))
  const seconds = Number(answer.expires_in) || 7200
  cached = { key, token: answer.access_token, expiresAt: now.getTime() + (seconds - TOKEN_REFRESH_MARGIN_SECONDS) * 1000 }
  return cached.token
}

/**
 * One API call: `path` under /cgi-bin/ (e.g. `externalcontact/get`), `query` besides the token, and a
 * JSON `body` for POST. Answers WeCom's JSON when errcode is 0, else throws WecomApiError.
 */
export async function wecomApi<T = Record<string, unknown>>(config: WecomConfig, now: Date, path: string, opts: { query?: Record<string, string>; body?: unknown } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken(config, now, attempt > 0)
    const query = new URLSearchParams({ access_token: token, ...opts.query })
    const answer = await request(`${config.apiBase}/cgi-bin/${path}?${query}`, opts.body)
    const errcode = Number(answer.errcode ?? 0)
    if (errcode === 0) return answer as T
    if (attempt === 0 && TOKEN_ERRORS.has(errcode)) continue
    throw new WecomApiError(path, errcode, String(answer.errmsg ?? ''))
  }
}
