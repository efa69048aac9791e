import { z } from 'zod'
import { isoDate } from './member'
import { daysInclusive, REPORT_MAX_DAYS } from './report'

/**
 * 渠道码 and sign-up attribution. A channel (`channels`) is a store's, a staff member's or a
 * campaign's mini-program code (`wxacode.getUnlimited` with scene `c=<channelId>`); the first
 * sign-in through it records the channel, store and staff on the new member (`signups`, first touch).
 */
export const CHANNEL_KINDS = ['store', 'staff', 'campaign'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]
export const CHANNEL_KIND_LABELS: Record<ChannelKind, string> = { store: '门店码', staff: '店员码', campaign: '活动码' }

/** The `signups.channelId` of members whose first touch was a staff member's WeCom contact-me code (no `channels` doc). */
export const WECOM_CHANNEL_ID = 'wecom'
export const WECOM_CHANNEL_NAME = '企业微信「联系我」'

/** `c` + 12 hex (domain/attribution.ts channelIdFor): the scene `c=<id>` stays far below WeChat's 32 characters. */
export const channelId = z.string().regex(/^c[0-9a-f]{12}$/, 'channelId 为 c 加 12 位十六进制')

/** How long the poster's download link works. */
export const CHANNEL_LINK_SECONDS = 600

const storeId = z.string().regex(/^[\w-]{1,32}$/, 'storeId 为 1–32 位字母数字')

export const CreateChannelCodeSchema = z
  .object({
    action: z.literal('createChannelCode'),
    kind: z.enum(CHANNEL_KINDS),
    /** store: required; staff: taken from the staff row; campaign: optional (the store the posters hang in) */
    storeId: storeId.optional(),
    staffOpenid: z.string().min(1).max(64).optional(),
    campaignId: z
      .string()
      .regex(/^[a-z0-9][\w-]{1,39}$/, 'campaignId 为 2–40 位小写字母、数字、_ 或 -')
      .optional(),
    /** printed under the code, e.g. 徐汇店 · 陈一鸣 */
    name: z.string().trim().min(1, '请填写名称').max(30, '名称最多 30 个字'),
    /** the page the code opens (no leading slash) */
    page: z
      .string()
      .regex(/^pages\/[\w/-]{1,80}$/, 'page 为 pages/… 页面路径（不带 /）')
      .default('pages/index/index'),
  })
  .strict()
  .refine(e => e.kind !== 'store' || e.storeId, { message: '门店码需要 storeId', path: ['storeId'] })
  .refine(e => e.kind !== 'staff' || e.staffOpenid, { message: '店员码需要 staffOpenid', path: ['staffOpenid'] })
  .refine(e => e.kind !== 'campaign' || e.campaignId, { message: '活动码需要 campaignId', path: ['campaignId'] })
  .refine(e => e.kind === 'staff' || !e.staffOpenid, { message: '只有店员码有 staffOpenid', path: ['staffOpenid'] })

export const AttributionAdminActions = {
  createChannelCode: CreateChannelCodeSchema,
  listChannels: z.object({ action: z.literal('listChannels') }).strict(),
  /** Shanghai days, both included, at most REPORT_MAX_DAYS: members who joined then, and their first 90 days */
  attributionReport: z
    .object({ action: z.literal('attributionReport'), from: isoDate, to: isoDate })
    .strict()
    .refine(e => e.from <= e.to, { message: 'from 不能晚于 to', path: ['to'] })
    .refine(e => daysInclusive(e.from, e.to) <= REPORT_MAX_DAYS, { message: `日期范围最多 ${REPORT_MAX_DAYS} 天`, path: ['to'] }),
}

export interface ChannelDoc {
  _id: string
  kind: ChannelKind
  name: string
  storeId: string | null
  staffOpenid: string | null
  campaignId: string | null
  scene: string
  page: string
  /** the code PNG in cloud storage (exports/: read through a short-lived link only) */
  fileId: string
  createdAt: Date
  updatedAt: Date
  createdBy: string
}

/** One member's first touch (`signups`, `_id` = the member's OPENID), written once at sign-up. */
export interface SignupDoc {
  _id: string
  memberId: string
  channelId: string
  kind: ChannelKind
  storeId: string | null
  staffOpenid: string | null
  campaignId: string | null
  at: Date
}

export interface ChannelView {
  channelId: string
  kind: ChannelKind
  name: string
  storeId: string | null
  storeName: string | null
  /** the staff member's name (never their OPENID) */
  staffName: string | null
  campaignId: string | null
  scene: string
  page: string
  createdAt: string
}

/** New members of one group and what they paid in their first 90 days (net of refunds). */
export interface AttributionRow {
  key: string
  name: string
  newMembers: number
  /** members who paid something (net of refunds) within their first 90 days */
  buyers: number
  value90Fen: number
  /** value90Fen / newMembers (fen, rounded) */
  avgValue90Fen: number
  /** members whose 90 days have not ended yet: their value is so far */
  openWindows: number
}

export interface AttributionReport {
  from: string
  to: string
  /** every member who joined in the range, attributed or not */
  joined: number
  attributed: number
  byChannel: Array<AttributionRow & { kind: ChannelKind }>
  byStore: AttributionRow[]
  byStaff: AttributionRow[]
}

export interface AttributionOutputs {
  createChannelCode: { channel: ChannelView; created: boolean; fileId: string; url: string; expiresAt: string }
  /** each with a link to its code image, valid for CHANNEL_LINK_SECONDS (to print it again) */
  listChannels: { channels: Array<ChannelView & { url: string | null }>; expiresAt: string }
  attributionReport: AttributionReport
}
