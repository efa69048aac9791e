import { z } from 'zod'
import { NpsMemberActions, type NpsOutputs } from './nps'
import { EMPTY_STATS, MemberStatsSchema, STAGES, VALUE_LAYERS } from './analytics'
import { TierStateSchema, type TierProgress } from './tiers'
import { CheckinStateSchema, type CheckinCalendar, type CheckinResult } from './checkin'
import { templateId, type CouponView, type OfferView } from './coupons'
import type { LedgerItem, PointsSummary } from './points'
import { clientRequestId } from './request-id'
import { TrackEventSchema, type RecommendationView } from './products'
import { ReminderMemberActions, type ReminderPreferencesView } from './reminders'
import { TASK_IDS, type InviteSummary, type TaskView } from './tasks'
import type { CallerRoles } from './console'
import { ConsentMemberActions, type ConsentOutputs, type PrivacyState } from './consent'
import { BirthdayMemberActions, type BirthdayOutputs } from './birthday'
import { WecomMemberActions, type WecomOutputs } from './wecom'

export const GENDERS = ['male', 'female', 'unknown'] as const

/** A cloud storage file id as the SDK returns it (cloud://env.bucket/path). */
export const cloudFileId = z
  .string()
  .regex(/^cloud:\/\/[^\s/]+\/\S+$/, '必须是云存储文件 ID（cloud://…）')
  .max(512)

/** YYYY-MM-DD, a real calendar date, not in the future is checked in the domain (needs "now"). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(s => {
    const [y, m, d] = s.split('-').map(Number)
    const dt = new Date(Date.UTC(y, m - 1, d))
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
  }, '不是有效日期')

export const nickname = z
  .string()
  .transform(s => s.trim())
  .pipe(z.string().min(1, '昵称不能为空').max(20, '昵称最多 20 个字'))

/** At most this many events per `track` call, and TRACK_CALLS_PER_MINUTE calls per member per minute. */
export const TRACK_BATCH_MAX = 50
export const TRACK_CALLS_PER_MINUTE = 20

export { clientRequestId } from './request-id'

/** Mainland mobile number, 11 digits. */
export const phoneNumber = z.string().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号')

/** The 10-digit member number printed on the member code (not the OPENID, which never leaves the server). */
export const memberNo = z.string().regex(/^\d{10}$/, '会员号为 10 位数字')

const PointBatchSchema = z.object({
  batchId: z.string(),
  earnedAt: z.date(),
  expiresAt: z.date(),
  remaining: z.number().int(),
  sourceType: z.enum(['purchase', 'refund', 'admin', 'expiry', 'checkin', 'task', 'exchange', 'import', 'birthday']),
  sourceId: z.string(),
})

/** A member as stored in `members`; `_id` is the member's OPENID so sign-up is unique by construction. */
export const MemberSchema = z.object({
  _id: z.string(),
  openid: z.string(),
  memberNo: z.string(),
  nickname: z.string(),
  avatarFileId: z.string().nullable(),
  birthday: z.string().nullable(),
  gender: z.enum(GENDERS),
  phone: z.string().nullable().default(null),
  points: z.number().int(),
  pointBatches: z.array(PointBatchSchema).default([]),
  /** bumps when the member's code key is rotated: old keys stop working */
  codeKeyVersion: z.number().int().min(1).default(1),
  /** 'deleted' after `deleteMyAccount`: personal data erased, sign-in refused (absent = active) */
  status: z.enum(['active', 'deleted']).optional(),
  deletedAt: z.date().nullable().optional(),
  /** check-in calendar state (see types/checkin.ts); null before the first check-in */
  checkin: CheckinStateSchema.nullable().default(null),
  /** the tier that applies now (earned, or an admin's manual tier): what audiences and segments match */
  tierId: z.string().optional(),
  tier: TierStateSchema.nullable().default(null),
  /** growth value (成长值) per Shanghai month, see domain/tiers.ts */
  growth: z.record(z.string(), z.number()).default({}),
  stats: MemberStatsSchema.default(EMPTY_STATS),
  stage: z.enum(STAGES).default('new'),
  /** the last purchase, or joining for members who never bought: what time-caused stage changes compare */
  recencyAt: z.date().optional(),
  rfm: z
    .object({ r: z.number(), f: z.number(), m: z.number(), score: z.number(), layer: z.enum(VALUE_LAYERS) })
    .nullable()
    .default(null),
  valueLayer: z.enum(VALUE_LAYERS).default('none'),
  churn: z
    .object({
      risk: z.number().min(0).max(1),
      pAlive: z.number().min(0).max(1),
      expectedPurchases: z.number().min(0),
      clvFen: z.number().min(0),
      reasons: z.array(z.string()),
      scoredAt: z.date(),
    })
    .nullable()
    .default(null),
  /** tags = manual tags (admins) ∪ rule tags (the daily job) */
  tags: z.array(z.string()).default([]),
  manualTags: z.array(z.string()).default([]),
  ruleTags: z.array(z.string()).default([]),
  /** the saved segments the member is in (shared/segments.ts): kept by the daily job and a new rule's pass */
  segmentIds: z.array(z.string()).default([]),
  /** the OPENID of the member whose invitation this member signed up through (set once, at sign-up) */
  invitedBy: z.string().nullable().default(null),
  /** task id → when its reward was credited */
  taskRewards: z.record(z.string(), z.date()).default({}),
  firstPurchaseAt: z.date().nullable().default(null),
  /** the last coupon claim: an engagement signal for churn risk */
  lastClaimAt: z.date().nullable().default(null),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastLoginAt: z.date(),
})
export type Member = z.infer<typeof MemberSchema>

/**
 * What the daily `tiers` job recomputes from the rest of the member: a stored value of one of these
 * that fails validation is dropped on reading (its default: null, [], 'new', 'none'), logged, and
 * written afresh by the next run; it never stops the member from using the app. Everything else
 * (points, batches, stats, growth, tier, …) is the record itself and stays strictly validated.
 */
export const DERIVED_MEMBER_FIELDS = ['churn', 'rfm', 'valueLayer', 'stage', 'tags', 'ruleTags', 'segmentIds'] as const
export type DerivedMemberField = (typeof DERIVED_MEMBER_FIELDS)[number]

/** The profile a member sees about themselves (dates as ISO strings: what crosses the wire). */
export type MemberProfile = Omit<
  Member,
  | 'createdAt'
  | 'updatedAt'
  | 'lastLoginAt'
  | 'pointBatches'
  | 'codeKeyVersion'
  | 'status'
  | 'deletedAt'
  | 'checkin'
  | 'invitedBy'
  | 'taskRewards'
  | 'firstPurchaseAt'
  | 'lastClaimAt'
  | 'tierId'
  | 'tier'
  | 'growth'
  | 'stats'
  | 'stage'
  | 'recencyAt'
  | 'rfm'
  | 'valueLayer'
  | 'churn'
  | 'tags'
  | 'manualTags'
  | 'ruleTags'
  | 'segmentIds'
> & {
  createdAt: string
  updatedAt: string
  lastLoginAt: string
}

export const ProfilePatchSchema = z
  .object({
    nickname: nickname.optional(),
    avatarFileId: cloudFileId.nullable().optional(),
    birthday: isoDate.nullable().optional(),
    gender: z.enum(GENDERS).optional(),
  })
  .strict()
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>

/** The `member` function's actions: `{ action, ...input }` → output. */
export const MemberEvents = z.discriminatedUnion('action', [
  /** `inviteCode`: the inviter's member number from a shared card; it links only a member created by this call */
  /**
   * `scene`: a channel code's scene from the launch options (decoded or not); it attributes only a member
   * created by this call, and one that names no channel is ignored (domain/attribution.ts parseScene)
   */
  z.object({ action: z.literal('login'), inviteCode: memberNo.optional(), scene: z.string().max(128).optional() }).strict(),
  z.object({ action: z.literal('getProfile') }).strict(),
  z.object({ action: z.literal('updateProfile'), patch: ProfilePatchSchema }).strict(),
  z.object({ action: z.literal('getPoints') }).strict(),
  z.object({ action: z.literal('pointsHistory'), offset: z.number().int().min(0).max(100_000).default(0), limit: z.number().int().min(1).max(50).default(20) }).strict(),
  /** 消费记录: the caller's purchases (till, orders API, imported history), newest first */
  z.object({ action: z.literal('myPurchases'), offset: z.number().int().min(0).max(100_000).default(0), limit: z.number().int().min(1).max(50).default(20) }).strict(),
  z.object({ action: z.literal('getCodeKey') }).strict(),
  z.object({ action: z.literal('requestPhoneCode'), phone: phoneNumber }).strict(),
  z.object({ action: z.literal('bindPhone'), wxCode: z.string().min(1).max(256) }).strict(),
  z.object({ action: z.literal('bindPhoneBySms'), phone: phoneNumber, smsCode: z.string().regex(/^\d{6}$/, '验证码为 6 位数字') }).strict(),
  z.object({ action: z.literal('exportMyData') }).strict(),
  z.object({ action: z.literal('deleteMyAccount'), confirm: z.literal(true) }).strict(),
  z.object({ action: z.literal('checkIn') }).strict(),
  z.object({ action: z.literal('checkinCalendar') }).strict(),
  z.object({ action: z.literal('makeUpCheckin'), day: isoDate, payWith: z.enum(['points', 'card']) }).strict(),
  z.object({ action: z.literal('claimCenter') }).strict(),
  z.object({ action: z.literal('claimCoupon'), templateId, requestId: clientRequestId }).strict(),
  z
    .object({
      action: z.literal('myCoupons'),
      state: z.enum(['available', 'used', 'expired']),
      offset: z.number().int().min(0).max(100_000).default(0),
      limit: z.number().int().min(1).max(50).default(20),
    })
    .strict(),
  z.object({ action: z.literal('couponDetail'), couponId: z.string().min(1).max(64) }).strict(),
  z.object({ action: z.literal('pointsMall') }).strict(),
  z.object({ action: z.literal('exchangeCoupon'), templateId, requestId: clientRequestId }).strict(),
  z.object({ action: z.literal('tasks') }).strict(),
  z.object({ action: z.literal('claimTaskReward'), taskId: z.enum(TASK_IDS) }).strict(),
  z.object({ action: z.literal('myInvites') }).strict(),
  z.object({ action: z.literal('myTier') }).strict(),
  /** views and clicks, batched by the client; `requestId` makes a resend harmless */
  z.object({ action: z.literal('track'), requestId: clientRequestId, events: z.array(TrackEventSchema).min(1).max(TRACK_BATCH_MAX) }).strict(),
  ...Object.values(ReminderMemberActions),
  ...Object.values(NpsMemberActions),
  ...Object.values(ConsentMemberActions),
  ...Object.values(BirthdayMemberActions),
  ...Object.values(WecomMemberActions),
  z.object({ action: z.literal('recommendations'), limit: z.number().int().min(1).max(20).default(10) }).strict(),
])
export type MemberEvent = z.infer<typeof MemberEvents>

/** Where a purchase came from, as the member reads it: the till, the orders API (a POS or an online shop), or imported history. */
export type PurchaseChannel = '门店' | '线上/POS' | '历史订单'

/** 消费记录: one of the member's own purchases (never the serving staff's identity). */
export interface MyPurchaseView {
  purchaseId: string
  /** when it was bought (ISO); for imported history that may be years ago */
  at: string
  /** the store's name, else its id (an online shop's orders count for a store named after their source) */
  storeName: string
  /** what was paid (after coupons and discounts) */
  amountFen: number
  /** the order total before coupons */
  orderFen: number
  discountFen: number
  refundedFen: number
  status: 'completed' | 'partially_refunded' | 'refunded'
  pointsEarned: number
  pointsReversed: number
  /** title: the line's own, else the product's, else its productId */
  lines: Array<{ title: string; quantity: number; priceFen: number }>
  channel: PurchaseChannel
}

/** One exported record: the row's own fields (dates as ISO strings), without other people's ids. */
export type ExportRow = Record<string, unknown>

/** exportMyData's sections read row by row from a collection that names the member (see domain/privacy.ts). */
export const EXPORT_ROW_SECTIONS = [
  'purchases',
  'refunds',
  'checkins',
  'roles',
  'phones',
  'phoneCodes',
  'imports',
  'codeUses',
  'couponClaims',
  'couponWriteOffs',
  'couponCodes',
  'invites',
  'inviteRewardCounts',
  'npsAnswers',
  'npsSettings',
  'followUps',
  'subscriptions',
  'reminders',
  'events',
  'rateLimits',
  'campaigns',
  'audit',
  'wecomContacts',
  'signup',
  'birthdayGifts',
  'careTasks',
] as const
export type ExportRowSection = (typeof EXPORT_ROW_SECTIONS)[number]

/** Every section of the export: the member doc's three, the ones with their own view, and the row sections. */
export type ExportSection = 'member' | 'derived' | 'pointBatches' | 'ledger' | 'coupons' | 'orders' | ExportRowSection

/** A stored shape as it crosses the wire: dates become ISO strings. */
export type Wire<T> = T extends Date ? string : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T

/** The member doc's fields beyond the profile, exported as `derived` (and erased in part, see domain/privacy.ts). */
export const DERIVED_EXPORT_FIELDS = [
  'tierId',
  'tier',
  'growth',
  'stats',
  'stage',
  'recencyAt',
  'rfm',
  'valueLayer',
  'churn',
  'tags',
  'manualTags',
  'ruleTags',
  'segmentIds',
  'checkin',
  'taskRewards',
  'firstPurchaseAt',
  'lastClaimAt',
] as const

/**
 * What the member doc holds beyond the profile: tier, growth, stats, stage, RFM, churn and CLV with
 * their reasons, tags — and any other field stored on it (e.g. the privacy consent record).
 */
export type MemberDerivedExport = Wire<Pick<Member, (typeof DERIVED_EXPORT_FIELDS)[number]>> & Record<string, unknown>

export type MyDataExport = {
  exportedAt: string
  member: MemberProfile
  derived: MemberDerivedExport
  pointBatches: Array<{ batchId: string; earnedAt: string; expiresAt: string; remaining: number; sourceType: string }>
  ledger: LedgerItem[]
  coupons: CouponView[]
  /** orders from a POS, a shop or a history import credited to the member */
  orders: Array<{ source: string; orderId: string; orderedAt: string; storeId: string; amountFen: number; purchaseId: string | null; via: 'api' | 'import' }>
  /** the staff role, if any (also in `roles`) */
  staff: { storeId: string; name: string; active: boolean } | null
} & { [S in ExportRowSection]: ExportRow[] }

export interface MemberOutputs {
  /** `roles`: admin / store manager / staff, so the home page shows 管理 to operators (types/console.ts) */
  login: {
    member: MemberProfile
    created: boolean
    roles: CallerRoles
    /** the guide's current version and whether the member agreed to it (null: the guide could not be read); optional for clients older than it */ privacy?: PrivacyState | null
  }
  getProfile: { member: MemberProfile }
  updateProfile: { member: MemberProfile }
  getPoints: PointsSummary
  pointsHistory: { items: LedgerItem[]; hasMore: boolean }
  /** `total`: all of the member's purchases (for paging: more while offset + items < total) */
  myPurchases: { total: number; items: MyPurchaseView[] }
  /** the per-member code key, delivered to the member's own device once (TOTP-style, works offline) */
  getCodeKey: { memberNo: string; key: string; keyVersion: number; stepSeconds: number; /** the server's clock (ISO), to correct the device's */ serverTime: string }
  /** local/H5 only: a fake SMS; `devCode` is returned only when the function runs on the emulator */
  requestPhoneCode: { sent: true; expiresInSeconds: number; devCode?: string }
  bindPhone: { member: MemberProfile }
  bindPhoneBySms: { member: MemberProfile }
  /**
   * everything stored about the caller (PIPL), one section per way a collection names the member
   * (domain/privacy.ts declares which): never another person's identity (staff, inviter, invitees)
   */
  exportMyData: MyDataExport
  deleteMyAccount: { deleted: true }
  /** `credited: false` when today was already checked in (a double tap): nothing credited twice */
  checkIn: CheckinResult
  checkinCalendar: CheckinCalendar
  makeUpCheckin: { day: string; paidWith: 'points' | 'card'; cost: number; balance: number; calendar: CheckinCalendar }
  claimCenter: { offers: OfferView[] }
  /** `replayed`: this requestId already claimed; the same coupon, nothing issued twice */
  claimCoupon: { coupon: CouponView; replayed: boolean }
  myCoupons: { items: CouponView[]; hasMore: boolean; counts: Record<'available' | 'used' | 'expired', number> }
  couponDetail: { coupon: CouponView }
  pointsMall: { offers: OfferView[]; balance: number }
  exchangeCoupon: { coupon: CouponView; pointsSpent: number; balance: number; replayed: boolean }
  tasks: { tasks: TaskView[] }
  claimTaskReward: { task: TaskView; pointsAwarded: number; coupon: CouponView | null; balance: number }
  myInvites: InviteSummary
  myTier: TierProgress
  track: { accepted: number; replayed: boolean }
  /** Taro.requestSubscribeMessage's answers: one grant per accept; `replayed` for a resent report */
  reportSubscribe: ReminderPreferencesView & { replayed: boolean }
  reminderPreferences: ReminderPreferencesView
  setReminderPreference: ReminderPreferencesView
  recommendations: { items: RecommendationView[] }
  npsPrompt: NpsOutputs['npsPrompt']
  submitNps: NpsOutputs['submitNps']
  dismissNps: NpsOutputs['dismissNps']
  setNpsOptOut: NpsOutputs['setNpsOptOut']
  privacyPolicy: ConsentOutputs['privacyPolicy']
  agreePrivacy: ConsentOutputs['agreePrivacy']
  withdrawPrivacy: ConsentOutputs['withdrawPrivacy']
  birthdayGift: BirthdayOutputs['birthdayGift']
  claimBirthdayGift: BirthdayOutputs['claimBirthdayGift']
  myAdvisor: WecomOutputs['myAdvisor']
}
