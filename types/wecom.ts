import { z } from 'zod'
import { PushCareTemplatesEvent } from './care-tasks'

/**
 * WeCom (企业微信) 专属顾问: a staff member's 「联系我」 code, the customer contacts WeCom reports by
 * callback (`wecom_contacts`), and the member's advisor. See docs/wecom.md.
 */

/** A WeCom member account (成员 UserID): letters, digits, `_`, `-`, `.`, `@`, 1–64 chars. */
export const wecomUserId = z.string().regex(/^[\w.@-]{1,64}$/, '企业微信 UserID 为 1–64 位字母、数字或 _-.@')

/** `state` of a contact-me code: WeCom allows at most 30 characters. */
export const CONTACT_STATE_MAX = 30

/** The WeCom access token lives 7200 s; a warm instance reuses it until this many seconds before the end. */
export const TOKEN_REFRESH_MARGIN_SECONDS = 300

/** `members.advisor`: the staff member the member added on WeCom (the last one, while the contact lasts). */
export const MemberAdvisorSchema = z.object({
  staffId: z.string(),
  wecomUserId: z.string(),
  storeId: z.string().nullable(),
  externalUserId: z.string(),
  since: z.date(),
})
export type MemberAdvisor = z.infer<typeof MemberAdvisorSchema>

/** `staff.contactWay`: the staff member's 「联系我」 code, created on demand (externalcontact/add_contact_way). */
export interface ContactWay {
  configId: string
  qrCode: string
  state: string
  wecomUserId: string
  storeId: string
  createdAt: Date
}

/**
 * `wecom_contacts/<externalUserId>`: a customer contact as WeCom reported it. `memberId` is null
 * until a member with the same UNIONID exists (linked at their first sign-in), and after removal.
 */
export interface WecomContactDoc {
  _id: string
  externalUserId: string
  /** from externalcontact/get; null when WeCom gives none (the corp has no bound 开放平台 account) */
  unionid: string | null
  /** the staff member's WeCom UserID that added (or was added by) the customer */
  wecomUserId: string
  staffId: string | null
  storeId: string | null
  state: string | null
  memberId: string | null
  status: 'active' | 'removed'
  /** the last event applied, `<ChangeType>:<UserID>:<CreateTime>`: a retried callback is a no-op */
  lastEvent: string
  addedAt: Date
  linkedAt: Date | null
  removedAt: Date | null
  /** the welcome code a welcome message was sent with (single use) */
  welcomeSent: string | null
  /** the member tags last set on the contact in WeCom (syncTags), and when */
  wecomTags?: string[]
  wecomTagsAt?: Date
  updatedAt: Date
}

/** A callback event the function acts on (domain/wecom.ts `callbackEvent`). */
export type WecomCallbackEvent =
  | { kind: 'add'; half: boolean; wecomUserId: string; externalUserId: string; state: string | null; welcomeCode: string | null; key: string; createTime: number }
  | { kind: 'remove'; changeType: 'del_external_contact' | 'del_follow_user'; wecomUserId: string; externalUserId: string; key: string; createTime: number }
  | { kind: 'ignore'; reason: string }

export const WecomStaffActions = {
  /** the caller's 「联系我」 code (created on first use): customers scan it to add them on WeCom */
  myContactWay: z.object({ action: z.literal('myContactWay') }).strict(),
}

export const WecomMemberActions = {
  /** 添加专属顾问: the member's advisor (or their store's staff) with the contact-me code, and whether they are linked */
  myAdvisor: z.object({ action: z.literal('myAdvisor') }).strict(),
}

/** `settings/<this>`: `rules.segmentIds`, the segments mirrored as WeCom tags (admin.setWecomTagSegments). */
export const WECOM_TAG_SEGMENTS = 'wecomTagSegments'
/** At most this many segments are mirrored. */
export const WECOM_TAG_SEGMENTS_MAX = 20
export const WecomTagSegmentsSchema = z.object({ segmentIds: z.array(z.string().min(1).max(64)).max(WECOM_TAG_SEGMENTS_MAX) }).strict()
export type WecomTagSegments = z.infer<typeof WecomTagSegmentsSchema>

export const WecomAdminActions = {
  /** the saved segments mirrored as WeCom corporate tags (named like the segment) on linked contacts; [] none */
  setWecomTagSegments: z.object({ action: z.literal('setWecomTagSegments'), segmentIds: z.array(z.string().min(1).max(64)).max(WECOM_TAG_SEGMENTS_MAX) }).strict(),
  /** maps a staff member to their WeCom UserID (null clears it); their contact-me code is made again on next use */
  setStaffWecomUser: z.object({ action: z.literal('setStaffWecomUser'), openid: z.string().min(1).max(64), wecomUserId: wecomUserId.nullable() }).strict(),
}

/** The `wecom` function's own actions (callers without an OPENID: other functions, the console). */
export const WecomEvents = z.discriminatedUnion('action', [
  /** the staff member's contact-me code: the stored one, or a new one (add_contact_way) */
  z.object({ action: z.literal('contactWay'), staffId: z.string().min(1).max(64) }).strict(),
  /** the day's tag mirroring, after the daily scoring job (timer every 10 minutes 04:00–07:59 Beijing time); resumes where it stopped */
  z.object({ action: z.literal('syncTags'), maxMarks: z.number().int().min(1).max(1000).optional() }).strict(),
  /** care tasks' message templates (add_msg_template) whose quiet hours are over (types/care-tasks.ts) */
  PushCareTemplatesEvent,
])
export type WecomEvent = z.infer<typeof WecomEvents>

export interface ContactWayView {
  staffName: string
  storeId: string
  storeName: string
  wecomUserId: string
  /** the QR code image URL WeCom made (scan to add) */
  qrCode: string
  configId: string
}

export interface WecomOutputs {
  contactWay: { contactWay: ContactWayView; created: boolean }
  myContactWay: { contactWay: ContactWayView }
  /** `linked`: the member's WeCom contact is linked (they have an advisor); `advisor`: whom to add, null when no store staff is on WeCom */
  myAdvisor: { linked: boolean; advisor: (ContactWayView & { isOwnAdvisor: boolean }) | null }
  setStaffWecomUser: { openid: string; wecomUserId: string | null; changed: boolean }
  setWecomTagSegments: { segmentIds: string[] }
  /** `waiting`: today's scoring job has not finished; `more`: call again (the timer does) */
  syncTags: { day: string; status: 'waiting' | 'running' | 'done'; contacts: number; marked: number; more: boolean }
}

/** What member 360 shows of the WeCom link. */
export interface WecomLinkView {
  advisor: { staffId: string; staffName: string | null; wecomUserId: string; storeId: string | null; since: string } | null
  /** `tags`: the corporate tags last synced to the contact (syncTags), `tagsSyncedAt` when */
  contacts: Array<{ externalUserId: string; wecomUserId: string; status: 'active' | 'removed'; linkedAt: string | null; removedAt: string | null; tags: string[]; tagsSyncedAt: string | null }>
}
