/**
 * WeCom (企业微信) rules, pure: the flat XML of callbacks, which events link or unlink, the state of
 * a contact-me code, what a link changes on the member, the welcome message. See docs/wecom.md.
 */
import { sha256 } from 'js-sha256'
import type { MemberAdvisor, WecomCallbackEvent } from '../types/wecom'
import { CONTACT_STATE_MAX } from '../types/wecom'

/** The fields of a flat WeCom XML document (`<xml><A><![CDATA[x]]></A><B>1</B></xml>`); nested elements are skipped. */
export function parseXml(xml: string): Record<string, string> {
  const body = /<xml>([\s\S]*)<\/xml>/.exec(xml)?.[1]
  if (body === undefined) return {}
  const out: Record<string, string> = {}
  // a value is text, or one or more CDATA sections (a `]]>` inside the text splits it in two)
  for (const m of body.matchAll(/<([A-Za-z_]\w*)>((?:<!\[CDATA\[[\s\S]*?\]\]>)+|[^<]*)<\/\1>/g)) {
    out[m[1]] = m[2].startsWith('<![CDATA[') ? [...m[2].matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map(c => c[1]).join('') : unescapeXml(m[2])
  }
  return out
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

/** A flat XML document as WeCom writes it: strings in CDATA, numbers bare. */
export function toXml(fields: Record<string, string | number>): string {
  const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`)
    .join('')}</xml>`
}

/**
 * The event a decrypted callback carries. Only 客户变更 (`change_external_contact`) matters here:
 * add (also 免验证 half adds) links, removal by either side unlinks; anything else is ignored.
 * `key` names the event: WeCom retries a callback with the same fields, and a retry is a no-op.
 */
export function callbackEvent(f: Record<string, string>): WecomCallbackEvent {
  if (f.MsgType !== 'event' || f.Event !== 'change_external_contact') return { kind: 'ignore', reason: `event ${f.Event ?? f.MsgType ?? '(none)'}` }
  const wecomUserId = f.UserID ?? ''
  const externalUserId = f.ExternalUserID ?? ''
  if (!wecomUserId || !externalUserId) return { kind: 'ignore', reason: 'no UserID or ExternalUserID' }
  const createTime = Number(f.CreateTime) || 0
  const key = `${f.ChangeType}:${wecomUserId}:${createTime}`
  switch (f.ChangeType) {
    case 'add_external_contact':
    case 'add_half_external_contact':
      return { kind: 'add', half: f.ChangeType === 'add_half_external_contact', wecomUserId, externalUserId, state: f.State || null, welcomeCode: f.WelcomeCode || null, key, createTime }
    case 'del_external_contact':
    case 'del_follow_user':
      return { kind: 'remove', changeType: f.ChangeType, wecomUserId, externalUserId, key, createTime }
    default:
      return { kind: 'ignore', reason: `change ${f.ChangeType ?? '(none)'}` }
  }
}

/**
 * The `state` of a staff member's contact-me code: `ad` + 24 hex of a hash of store and staff (26
 * characters, under WeCom's 30). It names both (the staff row keeps it, indexed); a staff member
 * who moves store gets a new code.
 */
export function contactState(storeId: string, staffId: string): string {
  const state = `ad${sha256(`contact-way:${storeId}:${staffId}`).slice(0, 24)}`
  if (state.length > CONTACT_STATE_MAX) throw new Error('state too long')
  return state
}

/** The advisor a link records: the staff member behind the WeCom account that holds the contact. */
export function advisorOf(args: { staffId: string; wecomUserId: string; storeId: string | null; externalUserId: string; at: Date }): MemberAdvisor {
  return { staffId: args.staffId, wecomUserId: args.wecomUserId, storeId: args.storeId, externalUserId: args.externalUserId, since: args.at }
}

/** Whether a removal of `externalUserId` by/for `wecomUserId` ends this advisor (another staff's contact leaves it). */
export function removalEndsAdvisor(advisor: MemberAdvisor | null | undefined, externalUserId: string, wecomUserId: string): boolean {
  return !!advisor && advisor.externalUserId === externalUserId && advisor.wecomUserId === wecomUserId
}

/** The welcome message's text (WeCom shows it with the mini-program card). */
export function welcomeText(args: { staffName: string | null; storeName: string | null; linked: boolean }): string {
  const who = [args.storeName, args.staffName].filter(Boolean).join(' · ') || '您的专属顾问'
  return args.linked ? `您好，我是${who}，以后由我为您服务。会员权益、积分和券都在小程序里～` : `您好，我是${who}。点开下方小程序注册会员，积分、券和生日礼都在这里～`
}
