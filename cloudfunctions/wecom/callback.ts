/**
 * WeCom's callback (API 接收事件), reached through CloudBase's HTTP access service at
 * `/wecom/callback` (deploy/http-routes.ts). GET is the URL check (decrypt `echostr` and answer it);
 * POST is an event. Both are signed (`msg_signature` = sha1 of the sorted token, timestamp, nonce and
 * ciphertext) and AES-encrypted with the EncodingAESKey, checked and opened with the official
 * `@wecom/crypto`. A bad signature, a ciphertext that does not open or another corp's message is
 * refused with 403 and changes nothing. Events are idempotent: WeCom retries a callback it got no
 * answer to within 5 s.
 */
import { timingSafeEqual } from 'crypto'
import { decrypt, getSignature } from '@wecom/crypto'
import { z } from 'zod'
import type { WecomCallbackEvent, WecomContactDoc } from '../../types/wecom'
import { callbackEvent, parseXml, welcomeText } from '../../domain/wecom'
import { audit, auditIn } from '../shared/audit'
import { wecomContacts } from '../shared/collections/wecom_contacts'
import { currentTime } from '../shared/handler'
import { isDeleted, members } from '../shared/members'
import { findById } from '../shared/query'
import { getInTransaction, transact } from '../shared/transaction'
import { WECOM_ACTOR, linkIn, staffRows, memberIdByUnionid, putContactIn, staffByState, staffByWecomUser, unlinkIn, type WecomStaffDoc } from '../shared/wecom-link'
import { WecomApiError, wecomApi, wecomConfig, type WecomConfig } from './api'
import { stores } from '../shared/collections/stores'

export interface HttpAnswer {
  statusCode: number
  headers: Record<string, string>
  body: string
}

export const HttpEventSchema = z.object({
  path: z.string(),
  httpMethod: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  queryStringParameters: z.record(z.string(), z.string()).nullable().default({}),
  body: z.string().nullable().default(''),
  isBase64Encoded: z.boolean().default(false),
})
export type HttpEvent = z.infer<typeof HttpEventSchema>

/** Why a callback was refused: the `reason` of the 403 answer. */
export type RefusalReason = 'signature' | 'decrypt' | 'corp' | 'malformed'

const text = (statusCode: number, body: string): HttpAnswer => ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body })
const json = (statusCode: number, payload: unknown): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(payload),
})

export const refuse = (reason: RefusalReason, message: string) => json(403, { ok: false, code: 'PERMISSION_DENIED', reason, message })

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The plaintext of a signed ciphertext, or the reason it is refused. */
function open(config: WecomConfig, query: Record<string, string>, ciphertext: string): { message: string } | { refused: HttpAnswer } {
  const { msg_signature: signature = '', timestamp = '', nonce = '' } = query
  if (!signature || !timestamp || !nonce || !ciphertext) return { refused: refuse('malformed', '缺少 msg_signature、timestamp、nonce 或密文') }
  if (!sameText(getSignature(config.token, timestamp, nonce, ciphertext), signature)) return { refused: refuse('signature', '签名校验失败') }
  let opened: { message: string; id: string }
  try {
    opened = decrypt(config.aesKey, ciphertext)
  } catch {
    return { refused: refuse('decrypt', '解密失败') }
  }
  // the receiveid in the plaintext is the corp the message is for
  if (opened.id !== config.corpId) return { refused: refuse('corp', '不是本企业的消息') }
  return { message: opened.message }
}

export async function handleCallback(event: HttpEvent): Promise<HttpAnswer> {
  const config = wecomConfig()
  const query = event.queryStringParameters ?? {}
  const method = event.httpMethod.toUpperCase()
  if (method === 'GET') {
    // 验证 URL: WeCom saves the URL only when we answer the decrypted echostr
    const opened = open(config, query, query.echostr ?? '')
    return 'refused' in opened ? opened.refused : text(200, opened.message)
  }
  if (method !== 'POST') return json(405, { ok: false, code: 'INVALID_ARGUMENT', message: '只支持 GET（验证 URL）和 POST（事件）' })
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')
  const opened = open(config, query, parseXml(raw).Encrypt ?? '')
  if ('refused' in opened) return opened.refused
  const now = currentTime()
  const ev = callbackEvent(parseXml(opened.message))
  if (ev.kind === 'add') await onAdd(config, ev, now)
  else if (ev.kind === 'remove') await onRemove(ev, now)
  // WeCom wants an answer within 5 s; any 200 body is taken as received
  return text(200, 'success')
}

/** The `CreateTime` a contact's last applied event carried (its key ends with it). */
const lastEventTime = (contact: WecomContactDoc | null) => (contact ? Number(contact.lastEvent.split(':').pop()) || 0 : 0)

/** The staff member behind the add: the WeCom account that holds the contact, else the code's state. */
async function staffOf(ev: Extract<WecomCallbackEvent, { kind: 'add' }>): Promise<{ staff: WecomStaffDoc | null; storeId: string | null }> {
  const [byUser, byState] = await Promise.all([staffByWecomUser(ev.wecomUserId), ev.state ? staffByState(ev.state) : Promise.resolve(null)])
  const staff = byUser ?? byState
  // the code's store when the code is this staff member's; else the staff member's store now
  const storeId = byState && staff && byState._id === staff._id ? (byState.contactWay?.storeId ?? staff.storeId) : (staff?.storeId ?? null)
  return { staff, storeId }
}

/** WeCom's errcode for an external user id that is no (longer a) customer contact of the corp. */
const NOT_EXTERNAL_CONTACT = 84061

async function externalContact(config: WecomConfig, now: Date, externalUserId: string): Promise<{ external_contact?: { unionid?: string } } | null> {
  try {
    return await wecomApi<{ external_contact?: { unionid?: string } }>(config, now, 'externalcontact/get', { query: { external_userid: externalUserId } })
  } catch (err) {
    if (err instanceof WecomApiError && err.errcode === NOT_EXTERNAL_CONTACT) {
      console.warn('[wecom] add event for a contact WeCom does not know', externalUserId)
      return null
    }
    throw err
  }
}

async function onAdd(config: WecomConfig, ev: Extract<WecomCallbackEvent, { kind: 'add' }>, now: Date): Promise<void> {
  const before = await findById(wecomContacts, ev.externalUserId)
  if (before?.lastEvent !== ev.key && lastEventTime(before) <= ev.createTime) {
    // the callback carries no UNIONID: WeCom tells it on externalcontact/get
    const info = await externalContact(config, now, ev.externalUserId)
    // WeCom no longer knows the contact (removed again at once): nothing to link, nothing to retry
    if (!info) return
    const unionid = info.external_contact?.unionid || null
    const [{ staff, storeId }, memberId] = await Promise.all([staffOf(ev), unionid ? memberIdByUnionid(unionid) : Promise.resolve(null)])
    await transact(async t => {
      const current = await getInTransaction(t, wecomContacts, ev.externalUserId)
      if (current?.lastEvent === ev.key || lastEventTime(current) > ev.createTime) return
      let contact: WecomContactDoc = {
        _id: ev.externalUserId,
        externalUserId: ev.externalUserId,
        unionid,
        wecomUserId: ev.wecomUserId,
        staffId: staff?._id ?? null,
        storeId,
        state: ev.state,
        memberId: null,
        status: 'active',
        lastEvent: ev.key,
        addedAt: now,
        linkedAt: null,
        removedAt: null,
        welcomeSent: current?.welcomeSent ?? null,
        updatedAt: now,
      }
      const memberDoc = memberId ? await getInTransaction(t, members, memberId) : null
      if (memberDoc && !isDeleted(memberDoc)) contact = await linkIn(t, contact, memberDoc, now)
      else {
        await auditIn(t, {
          actor: WECOM_ACTOR,
          action: 'wecomContactAdded',
          target: ev.externalUserId,
          after: { wecomUserId: ev.wecomUserId, staffId: contact.staffId, storeId, hasUnionid: !!unionid, waitsForSignIn: true },
          storeId,
          at: now,
        })
      }
      await putContactIn(t, contact)
    })
  }
  if (ev.welcomeCode) await sendWelcome(config, ev, now)
}

/** The welcome message with the mini-program card, once per welcome code (WeCom accepts each code once, within 20 s). */
async function sendWelcome(config: WecomConfig, ev: Extract<WecomCallbackEvent, { kind: 'add' }>, now: Date): Promise<void> {
  const contact = await findById(wecomContacts, ev.externalUserId)
  if (!contact || contact.welcomeSent === ev.welcomeCode) return
  const [staff, store] = await Promise.all([
    contact.staffId ? findById(staffRows, contact.staffId) : Promise.resolve(null),
    contact.storeId ? findById(stores, contact.storeId) : Promise.resolve(null),
  ])
  const body: Record<string, unknown> = {
    welcome_code: ev.welcomeCode,
    text: { content: welcomeText({ staffName: staff?.name ?? null, storeName: store?.name ?? null, linked: !!contact.memberId }) },
  }
  if (config.miniprogramAppId && config.welcomePicMediaId) {
    // WeCom wants the page path with a .html suffix
    body.attachments = [
      { msgtype: 'miniprogram', miniprogram: { title: '会员中心 · 积分与权益', pic_media_id: config.welcomePicMediaId, appid: config.miniprogramAppId, page: 'pages/index/index.html' } },
    ]
  } else {
    console.warn('[wecom] WECOM_MINIPROGRAM_APPID or WECOM_WELCOME_PIC_MEDIA_ID is not set: the welcome message goes without the mini-program card')
  }
  try {
    await wecomApi(config, now, 'externalcontact/send_welcome_msg', { body })
  } catch (err) {
    // a used or expired welcome code (a retry after the first send, a callback over 20 s late): nothing to redo
    console.warn('[wecom] welcome message not sent', ev.externalUserId, String(err))
    return
  }
  await wecomContacts.doc(ev.externalUserId).update({ data: { welcomeSent: ev.welcomeCode, updatedAt: now } })
  await audit({
    actor: WECOM_ACTOR,
    action: 'wecomWelcome',
    target: contact.memberId ?? ev.externalUserId,
    after: { externalUserId: ev.externalUserId, card: !!body.attachments },
    storeId: contact.storeId,
    at: now,
  })
}

async function onRemove(ev: Extract<WecomCallbackEvent, { kind: 'remove' }>, now: Date): Promise<void> {
  await transact(async t => {
    const current = await getInTransaction(t, wecomContacts, ev.externalUserId)
    // unknown, already applied, older than what we have, or another staff member's contact: nothing to undo
    if (!current || current.lastEvent === ev.key || lastEventTime(current) > ev.createTime || current.wecomUserId !== ev.wecomUserId || current.status !== 'active') return
    await unlinkIn(t, current, now)
    if (!current.memberId) {
      await auditIn(t, { actor: WECOM_ACTOR, action: 'wecomContactRemoved', target: ev.externalUserId, after: { changeType: ev.changeType }, storeId: current.storeId, at: now })
    }
    // memberId stays: the row is still the member's (their export and deletion find it)
    await putContactIn(t, { ...current, status: 'removed', removedAt: now, lastEvent: ev.key, updatedAt: now })
  })
}
