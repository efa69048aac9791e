import { z } from 'zod'

const isoInstant = z.iso.datetime({ offset: true })

/**
 * cash: valueFen off · percent: percentOff % off, at most capFen · threshold (满减): valueFen off
 * when the order reaches minSpendFen · gift: an item handed over at the till · makeup_card: pays
 * for one make-up check-in (not usable at the till).
 */
export const COUPON_TYPES = ['cash', 'percent', 'threshold', 'gift', 'makeup_card'] as const
export type CouponType = (typeof COUPON_TYPES)[number]

/** How a coupon can reach a member. */
export const COUPON_CHANNELS = ['claim_center', 'admin', 'welcome', 'birthday', 'points_mall'] as const
export type CouponChannel = (typeof COUPON_CHANNELS)[number]

export const templateId = z.string().regex(/^[a-z0-9][\w-]{1,39}$/, 'templateId 为 2–40 位小写字母、数字、_ 或 -')

/** 12 digits, shown as a QR code on the coupon detail and scanned (or typed) at the till. */
export const couponCode = z.string().regex(/^\d{12}$/, '券码为 12 位数字')

export const AudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('tiers'), tierIds: z.array(z.string().min(1).max(32)).min(1).max(20) }).strict(),
  /** members having at least one of the tags */
  z.object({ kind: z.literal('tags'), tags: z.array(z.string().min(1).max(32)).min(1).max(20) }).strict(),
  /** members of a saved segment at the time they claim or are issued */
  z.object({ kind: z.literal('segment'), segmentId: z.string().regex(/^[a-z0-9][\w-]{1,39}$/) }).strict(),
])
export type Audience = z.infer<typeof AudienceSchema>

export const ValiditySchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('fixed'), start: isoInstant, end: isoInstant })
    .strict()
    .refine(v => v.start < v.end, '结束时间必须晚于开始时间'),
  /** valid from the claim until the end of the Nth Shanghai day after it */
  z.object({ kind: z.literal('relative'), days: z.number().int().min(1).max(3650) }).strict(),
])
export type Validity = z.infer<typeof ValiditySchema>

const money = z.number().int().min(1).max(100_000_000)

/** What an admin sends to create or update a template (`admin.upsertCouponTemplate`). */
export const CouponTemplateInputSchema = z
  .object({
    templateId,
    name: z.string().min(1).max(30),
    description: z.string().max(200).optional(),
    type: z.enum(COUPON_TYPES),
    valueFen: money.optional(),
    percentOff: z.number().int().min(1).max(99).optional(),
    capFen: money.optional(),
    minSpendFen: z.number().int().min(0).max(100_000_000).default(0),
    giftName: z.string().min(1).max(30).optional(),
    validity: ValiditySchema,
    /** null: unlimited */
    totalStock: z.number().int().min(0).max(10_000_000).nullable(),
    perMemberLimit: z.number().int().min(1).max(100).default(1),
    audience: AudienceSchema.default({ kind: 'all' }),
    channels: z.array(z.enum(COUPON_CHANNELS)).min(1),
    /** price in the points mall (required with the points_mall channel) */
    pointsPrice: z.number().int().min(1).max(10_000_000).optional(),
    /** may be used together with other stackable coupons on one purchase */
    stackable: z.boolean().default(false),
  })
  .strict()
  .superRefine((t, ctx) => {
    const need = (ok: boolean, path: string, message: string) => ok || ctx.addIssue({ code: 'custom', path: [path], message })
    if (t.type === 'cash' || t.type === 'threshold') need(t.valueFen !== undefined, 'valueFen', '现金券和满减券需要 valueFen')
    if (t.type === 'threshold') need(t.minSpendFen > (t.valueFen ?? 0), 'minSpendFen', '满减券的门槛必须大于减免金额')
    if (t.type === 'percent') need(t.percentOff !== undefined, 'percentOff', '折扣券需要 percentOff')
    if (t.type === 'gift') need(t.giftName !== undefined, 'giftName', '礼品券需要 giftName')
    if (t.channels.includes('points_mall')) need(t.pointsPrice !== undefined, 'pointsPrice', '积分商城的券需要 pointsPrice')
  })
export type CouponTemplateInput = z.infer<typeof CouponTemplateInputSchema>

/** A template as stored in `coupon_templates` (`_id` = templateId). */
export type CouponTemplate = CouponTemplateInput & {
  _id: string
  status: 'active' | 'paused'
  /** what is left to issue (null: unlimited); `issued + stock == totalStock` */
  stock: number | null
  issued: number
  /**
   * Partner codes (coupon_codes) were imported for it: each issue hands one out. `false` (a template
   * made since this field): none, so an issue skips reading the code pool; absent (stored before): read.
   */
  codePool?: boolean
  createdAt: Date
  updatedAt: Date
}

/** A template as the `admin` function answers it (upsert, status change, listing). */
export type CouponTemplateView = Omit<CouponTemplate, '_id' | 'createdAt' | 'updatedAt' | 'codePool'> & {
  templateId: string
  /** e.g. "满100减20" (domain/coupons.ts describeCoupon) */
  summary: string
  createdAt: string
  updatedAt: string
}

/** A row of `admin.listCouponTemplates`: the template and how many of its coupons were written off. */
export type CouponTemplateRow = CouponTemplateView & {
  /** coupons of the template used at the till (issued − used − expired are still with members) */
  used: number
}

export const COUPON_STATES = ['available', 'used', 'expired'] as const
export type CouponState = (typeof COUPON_STATES)[number]

/** A coupon as stored in `coupons`: the template's terms are copied at issue, so later template edits never change it. */
export interface CouponDoc {
  _id: string
  code: string
  templateId: string
  memberId: string
  memberNo: string
  name: string
  type: CouponType
  valueFen: number | null
  percentOff: number | null
  capFen: number | null
  minSpendFen: number
  giftName: string | null
  stackable: boolean
  validFrom: Date
  validUntil: Date
  channel: CouponChannel
  /** 'available' until written off; the expiry job marks lapsed ones 'expired' for reports (readers compute it from validUntil anyway) */
  status: CouponState
  issuedAt: Date
  usedAt: Date | null
  writeOffId: string | null
  /** a partner's exchange code from the template's imported pool (admin.importCouponCodes), taken at issue */
  externalCode?: string | null
}

/** What a member (or the till) sees of a coupon; `state` is computed at read time. */
export interface CouponView {
  couponId: string
  code: string
  templateId: string
  name: string
  type: CouponType
  /** e.g. "满100减20", "8.5折 最高减30元", "礼品：帆布袋" */
  summary: string
  valueFen: number | null
  percentOff: number | null
  capFen: number | null
  minSpendFen: number
  giftName: string | null
  stackable: boolean
  validFrom: string
  validUntil: string
  state: CouponState
  /** available but its window has not started */
  notYetValid: boolean
  issuedAt: string
  usedAt: string | null
  /** the partner's exchange code, for templates with imported codes (member views only) */
  externalCode?: string
}

/** A template as the claim center or the points mall lists it for one member. */
export interface OfferView {
  templateId: string
  name: string
  type: CouponType
  summary: string
  description: string | null
  /** "领取后 30 天内有效" or "2026-12-01 至 2026-12-31" */
  validityText: string
  remaining: number | null
  perMemberLimit: number
  held: number
  pointsPrice: number | null
  canTake: boolean
  /** why not, when canTake is false (e.g. "已领完", "已达领取上限") */
  reason: string | null
}

/** A coupon write-off at the till (`coupon_writeoffs`). */
export interface WriteOffView {
  writeOffId: string
  couponId: string
  code: string
  memberNo: string
  name: string
  storeId: string
  purchaseId: string | null
  orderFen: number | null
  discountFen: number
  at: string
  undone: { at: string; reason: string } | null
}
