/**
 * The WeChat server APIs the local CloudBase answers, in WeChat's own JSON (snake_case; the SDK
 * converts to camelCase for the caller). Everything is deterministic and offline: no message
 * leaves the machine, phone numbers and open data are derived from the code / cloudID.
 */
import { createHash } from 'crypto'
import QRCode from 'qrcode'
import type { Outbox } from './outbox'

export const DEFAULT_APPID = 'wx0000000000local'

/** WeChat's JSON answer: `errcode` 0 (or absent) is success. */
export type WxJson = { errcode?: number; errmsg?: string } & Record<string, unknown>

export interface CallContext {
  /** `cloud.openapi({ appid })`'s appid, else the caller's (WX_API_TOKEN), else DEFAULT_APPID */
  appid: string
  caller?: { openid?: string; function?: string }
  outbox: Outbox
}

/** A binary answer (an image): sent with its content type, which the SDK hands back as `{ contentType, buffer }`. */
export class WxBinary {
  constructor(
    readonly contentType: string,
    readonly buffer: Buffer,
  ) {}
}

type Handler = (data: Record<string, unknown>, ctx: CallContext) => Promise<WxJson | WxBinary>

/** WeChat error codes used below. */
export const WX_ERR = {
  INVALID_OPENID: 40003,
  INVALID_CODE: 40029,
  INVALID_TEMPLATE_ID: 40037,
  ARGUMENT_INVALID: 47003,
  INVALID_SCENE: 40169,
  INVALID_PAGE: 41030,
  INVALID_ARGS: 40097,
  RISKY_CONTENT: 87014,
  /** functions: "function has no permission to call this API" (what an unlisted API gets on CloudBase) */
  NO_PERMISSION: -604101,
} as const

const ok = (extra: Record<string, unknown> = {}): WxJson => ({ errcode: 0, errmsg: 'ok', ...extra })
const fail = (errcode: number, errmsg: string): WxJson => ({ errcode, errmsg })

const snakeToCamel = (key: string) => key.replace(/_[a-z]/g, m => m[1].toUpperCase())
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)
const hasCjk = (s: string) => /[\u3400-\u9fff\uf900-\ufaff]/.test(s)
const charCount = (s: string) => Array.from(s).length

function digest(seed: string): Buffer {
  return createHash('sha256').update(seed).digest()
}

/** 138 + 8 digits from a hash of the seed: the same code always yields the same phone number. */
export function fakePhoneNumber(seed: string): string {
  const n = digest(`phone:${seed}`).readBigUInt64BE(0) % 100_000_000n
  return `138${n.toString().padStart(8, '0')}`
}

const watermark = (appid: string) => ({ timestamp: Math.floor(Date.now() / 1000), appid })

/**
 * Subscribe-message template values, checked by keyword type (the key without its number) like
 * WeChat does; a value WeChat would reject fails here too (errcode 47003).
 */
function checkTemplateValue(key: string, value: string): string | null {
  const type = key.replace(/\d+$/, '')
  const len = charCount(value)
  if (len === 0) return 'is empty'
  switch (type) {
    case 'thing':
      return len <= 20 ? null : 'invalid (thing: at most 20 characters)'
    case 'number':
      return len <= 32 && /^[+-]?\d+(\.\d+)?$/.test(value) ? null : 'invalid (number: at most 32 digits, may have decimals)'
    case 'letter':
      return len <= 32 && /^[A-Za-z]+$/.test(value) ? null : 'invalid (letter: at most 32 letters)'
    case 'symbol':
      return len <= 5 ? null : 'invalid (symbol: at most 5 symbols)'
    case 'character_string':
      return len <= 32 && !hasCjk(value) ? null : 'invalid (character_string: at most 32 letters, digits or symbols)'
    case 'phrase':
      return len <= 5 && /^[\u4e00-\u9fa5]+$/.test(value) ? null : 'invalid (phrase: at most 5 Chinese characters)'
    case 'name':
      return len <= (hasCjk(value) ? 10 : 20) ? null : 'invalid (name: at most 10 Chinese or 20 other characters)'
    case 'phone_number':
      return len <= 17 && /^[\d+\-() ]+$/.test(value) ? null : 'invalid (phone_number: at most 17 digits or symbols)'
    case 'car_number':
      return len <= 8 ? null : 'invalid (car_number: at most 8 characters)'
    case 'amount':
      return /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(value) ? null : 'invalid (amount: a currency symbol and at most 10 digits)'
    case 'time':
    case 'date':
      return len <= 40 && /\d/.test(value) ? null : `invalid (${type}: a date/time such as 2024-01-01 08:00)`
    default:
      return len <= 200 ? null : 'invalid (at most 200 characters)'
  }
}

const subscribeMessageSend: Handler = async (data, ctx) => {
  const { touser, template_id: templateId, page, miniprogram_state: state, lang } = data
  if (typeof touser !== 'string' || !touser.trim()) return fail(WX_ERR.INVALID_OPENID, 'invalid openid')
  if (typeof templateId !== 'string' || !templateId.trim()) return fail(WX_ERR.INVALID_TEMPLATE_ID, 'invalid template_id')
  if (page !== undefined && typeof page !== 'string') return fail(WX_ERR.ARGUMENT_INVALID, 'argument invalid! page invalid')
  if (state !== undefined && !['developer', 'trial', 'formal'].includes(String(state))) {
    return fail(WX_ERR.ARGUMENT_INVALID, 'argument invalid! miniprogram_state invalid')
  }
  if (lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(String(lang))) {
    return fail(WX_ERR.ARGUMENT_INVALID, 'argument invalid! lang invalid')
  }
  if (!isRecord(data.data) || Object.keys(data.data).length === 0) return fail(WX_ERR.ARGUMENT_INVALID, 'argument invalid! data is empty')
  for (const [key, item] of Object.entries(data.data)) {
    const value = isRecord(item) ? item.value : undefined
    if (typeof value !== 'string' && typeof value !== 'number') return fail(WX_ERR.ARGUMENT_INVALID, `argument invalid! data.${key}.value is empty`)
    const problem = checkTemplateValue(key, String(value))
    if (problem) return fail(WX_ERR.ARGUMENT_INVALID, `argument invalid! data.${key}.value ${problem}`)
  }
  const payload: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(data)) payload[snakeToCamel(key)] = value
  const msg = await ctx.outbox.append({
    api: 'subscribeMessage.send',
    appid: ctx.appid,
    payload,
    ...(ctx.caller ? { caller: ctx.caller } : {}),
  })
  console.log(`[openapi] subscribeMessage.send → ${touser} template ${templateId} (outbox ${msg.id})`)
  return ok()
}

const getPhoneNumber: Handler = async (data, ctx) => {
  const code = data.code
  // codes starting with "invalid" let tests exercise WeChat's failure answer
  if (typeof code !== 'string' || !code.trim() || /^invalid/i.test(code)) return fail(WX_ERR.INVALID_CODE, 'invalid code')
  const phone = fakePhoneNumber(code)
  return ok({ phone_info: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark: watermark(ctx.appid) } })
}

/** Content security (v1 and v2): everything passes, except text containing the marker `[risky]`. */
const msgSecCheck: Handler = async data => {
  const content = typeof data.content === 'string' ? data.content : ''
  if (!content) return fail(WX_ERR.ARGUMENT_INVALID, 'argument invalid! content is empty')
  const risky = content.includes('[risky]')
  const traceId = digest(`trace:${content}`).toString('hex').slice(0, 24)
  if (String(data.version) !== '2') return risky ? fail(WX_ERR.RISKY_CONTENT, 'risky content') : ok()
  const result = risky ? { suggest: 'risky', label: 21000 } : { suggest: 'pass', label: 100 }
  return ok({ result, detail: [{ strategy: 'content_model', errcode: 0, ...result, prob: 90 }], trace_id: traceId })
}

/** getUnlimited's scene: at most 32 visible characters of these (WeChat's documented set). */
const SCENE_CHARS = /^[\w!#$&'()*+,/:;=?@.~-]{1,32}$/

/**
 * 小程序码 without a limit (`wxacode.getUnlimited`): a real PNG — a QR code of `<page>?scene=<scene>`,
 * not WeChat's round code, but a scanner (or a test) reads back what it encodes. Checked like WeChat:
 * the scene (40169), the page (41030: no leading slash; `check_path` is not emulated, any page is
 * accepted) and the width (280–1280).
 */
const getUnlimited: Handler = async data => {
  const { scene, page, width } = data
  if (typeof scene !== 'string' || !SCENE_CHARS.test(scene)) return fail(WX_ERR.INVALID_SCENE, 'invalid length for scene, or the data is not json string')
  if (page !== undefined && (typeof page !== 'string' || !/^[\w-]+(\/[\w-]+)*$/.test(page))) return fail(WX_ERR.INVALID_PAGE, 'invalid page')
  if (width !== undefined && (typeof width !== 'number' || width < 280 || width > 1280)) return fail(WX_ERR.INVALID_ARGS, 'invalid args: width')
  const text = `${typeof page === 'string' ? page : 'pages/index/index'}?scene=${encodeURIComponent(scene)}`
  const png = await QRCode.toBuffer(text, { type: 'png', width: typeof width === 'number' ? width : 430, margin: 2, errorCorrectionLevel: 'M' })
  return new WxBinary('image/png', png)
}

export const OPEN_APIS: Record<string, Handler> = {
  'subscribeMessage.send': subscribeMessageSend,
  'wxacode.getUnlimited': getUnlimited,
  'phonenumber.getPhoneNumber': getPhoneNumber,
  'security.msgSecCheck': msgSecCheck,
}

export function notEmulated(api: string): WxJson {
  return fail(WX_ERR.NO_PERMISSION, `function has no permission to call this API: openapi.${api} is not emulated by the local CloudBase (emulated: ${Object.keys(OPEN_APIS).join(', ')}, getOpenData)`)
}

export async function callOpenApi(api: string, data: Record<string, unknown>, ctx: CallContext): Promise<WxJson | WxBinary> {
  const handler = Object.prototype.hasOwnProperty.call(OPEN_APIS, api) ? OPEN_APIS[api] : undefined
  return handler ? handler(data, ctx) : notEmulated(api)
}

/**
 * `cloud.getOpenData({ list })`: one JSON per cloudID, `{ cloudID, data }` or `{ cloudID, errCode, errMsg }`.
 *   - `local:<base64url JSON>` → that JSON as `data` (lets tests mint exact open data)
 *   - `werun:<anything>`       → 31 days of WeRun steps (`stepInfoList`)
 *   - `expired:<anything>`     → errCode -601006 cloudID expired
 *   - any other non-empty id   → a phone number derived from the cloudID (the getPhoneNumber button's data)
 */
export function openDataFor(cloudID: string, appid: string): Record<string, unknown> {
  const invalid = { cloudID, errCode: -601005, errMsg: 'invalid cloudID' }
  if (!cloudID || cloudID.length > 1024) return invalid
  if (cloudID.startsWith('expired:')) return { cloudID, errCode: -601006, errMsg: 'cloudID expired' }
  if (cloudID.startsWith('local:')) {
    try {
      const data: unknown = JSON.parse(Buffer.from(cloudID.slice('local:'.length), 'base64url').toString('utf8'))
      return isRecord(data) ? { cloudID, data } : invalid
    } catch {
      return invalid
    }
  }
  if (cloudID.startsWith('werun:')) {
    const day = 86_400
    // midnight China time (UTC+8), as WeRun reports days
    const today = Math.floor((Date.now() / 1000 + 8 * 3600) / day) * day - 8 * 3600
    const stepInfoList = Array.from({ length: 31 }, (_, i) => ({
      timestamp: today - (30 - i) * day,
      step: digest(`werun:${cloudID}:${i}`).readUInt32BE(0) % 20_000,
    }))
    return { cloudID, data: { stepInfoList, watermark: watermark(appid) } }
  }
  const phone = fakePhoneNumber(cloudID)
  return { cloudID, data: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86', watermark: watermark(appid) } }
}
