import { z } from 'zod'
import { MAX_COUPONS_PER_PURCHASE } from './limits'
import { couponCode, type CouponView, type WriteOffView } from './coupons'
import { clientRequestId as requestId, memberNo, phoneNumber } from './member'
import { PurchaseLineSchema } from './points'
import { productCode } from './products'
import { NpsStaffActions, type NpsOutputs } from './nps'
import { WecomStaffActions, type WecomOutputs } from './wecom'
import { CareStaffActions, type CareOutputs } from './care-tasks'

/** At most this many products per tillCatalog answer. */
export const TILL_CATALOG_MAX = 50
/** Quick keys: the store's top sellers over this many days, at most QUICK_KEYS of them. */
export const QUICK_KEY_DAYS = 30
export const QUICK_KEYS = 12
/** …counted over at most this many of the store's latest purchases in those days (a busy store's recent sales). */
export const QUICK_KEY_SAMPLE = 2000

/**
 * Guessing member codes is throttled: at most this many failed code checks (invalid or expired) per
 * staff member, and per member number, in a fixed window of CODE_FAILS_WINDOW_MINUTES; beyond that
 * every code check is RATE_LIMITED until the window passes, even a right code. Genuine codes don't count.
 */
export const CODE_FAILS_PER_STAFF = 20
export const CODE_FAILS_PER_MEMBER = 10
export const CODE_FAILS_WINDOW_MINUTES = 10

/** An 18-digit member code: 10-digit member number + 8-digit time-based one-time password. */
export const memberCode = z.string().regex(/^\d{18}$/, '会员码为 18 位数字')

/** Which member a till action is for: a scanned code, or a member number found by phone. */
export const TillMember = z.union([z.object({ code: memberCode }).strict(), z.object({ memberNo }).strict()])

export const StaffEvents = z.discriminatedUnion('action', [
  z.object({ action: z.literal('me') }).strict(),
  z.object({ action: z.literal('verifyCode'), code: memberCode }).strict(),
  z.object({ action: z.literal('findMemberByPhone'), phone: phoneNumber }).strict(),
  z
    .object({
      action: z.literal('recordPurchase'),
      requestId,
      member: TillMember,
      /**
       * the order total before coupons; points are earned on what is paid after them. With lines: at
       * most their total — less is a discount given at the till (改价/优惠), and the lines then count
       * in the amount's share (points, category spend)
       */
      amountFen: z.number().int().min(1).max(100_000_000),
      lines: z.array(PurchaseLineSchema).max(200).optional(),
      /** coupons of this member written off with the purchase: one non-stackable coupon, or stackable ones */
      couponCodes: z.array(couponCode).max(MAX_COUPONS_PER_PURCHASE).optional(),
    })
    .strict()
    .refine(e => !e.lines?.length || e.amountFen <= e.lines.reduce((s, l) => s + l.priceFen * l.quantity, 0), {
      message: '消费金额不能高于明细合计',
      path: ['amountFen'],
    }),
  z
    .object({
      action: z.literal('refundPurchase'),
      requestId,
      purchaseId: z.string().min(1).max(128),
      /** omitted: refund what is left of the purchase */
      amountFen: z.number().int().min(1).max(100_000_000).optional(),
      reason: z.string().max(100).optional(),
    })
    .strict(),
  z.object({ action: z.literal('today') }).strict(),
  /** the member's coupons usable at the till now */
  z.object({ action: z.literal('memberCoupons'), member: TillMember }).strict(),
  /** a coupon written off on its own (a gift handed over, or a purchase rung up elsewhere); orderFen checks the minimum spend */
  z
    .object({
      action: z.literal('writeOffCoupon'),
      requestId,
      member: TillMember,
      couponCode,
      orderFen: z.number().int().min(1).max(100_000_000).optional(),
    })
    .strict(),
  /** undoes a stand-alone write-off of this store within UNDO_WINDOW_MINUTES (domain/coupon-math.ts); audited */
  z.object({ action: z.literal('undoWriteOff'), writeOffId: z.string().min(1).max(64), reason: z.string().min(2, '请写明撤销原因').max(100) }).strict(),
  ...Object.values(NpsStaffActions),
  ...Object.values(WecomStaffActions),
  ...Object.values(CareStaffActions),
  /** the catalog at the till: on-sale products by name (part of the title) or exact productId / barcode, optionally of one category; and the categories */
  z
    .object({
      action: z.literal('tillCatalog'),
      /** '' or omitted: the first products (of the category) */
      query: z.string().trim().max(40).optional(),
      category: z.string().min(1).max(40).optional(),
      limit: z.number().int().min(1).max(TILL_CATALOG_MAX).default(20),
    })
    .strict(),
  /** the store's most-sold products of its latest QUICK_KEY_SAMPLE purchases in the last QUICK_KEY_DAYS days (the catalog's first products before any sale) */
  z.object({ action: z.literal('tillQuickKeys') }).strict(),
  /** a scanned or typed code: the on-sale product with this barcode, else with this productId */
  z.object({ action: z.literal('productByCode'), code: productCode }).strict(),
])
export type StaffEvent = z.infer<typeof StaffEvents>

/** A member as staff see them at the till: no OPENID, phone masked. */
export interface MemberAtTill {
  memberNo: string
  nickname: string
  maskedPhone: string | null
  tierName: string
  points: number
  availableCoupons: number
}

/** A product as the till sells it. */
export interface ProductAtTill {
  productId: string
  title: string
  category: string
  priceFen: number
  barcode: string | null
}

export interface PurchaseView {
  purchaseId: string
  memberNo: string
  storeId: string
  amountFen: number
  refundedFen: number
  pointsEarned: number
  pointsReversed: number
  status: 'completed' | 'partially_refunded' | 'refunded'
  /** order total before coupons (amountFen is what was paid) */
  orderFen: number
  discountFen: number
  couponCodes: string[]
  createdAt: string
}

export interface StaffOutputs {
  me: { name: string; storeId: string; storeName: string }
  verifyCode: { member: MemberAtTill }
  findMemberByPhone: { member: MemberAtTill }
  /** `replayed`: this requestId was seen before; the original result, nothing awarded twice */
  /** `upgradedTo`: this purchase lifted the member to a higher tier */
  recordPurchase: { purchase: PurchaseView; pointsEarned: number; balance: number; replayed: boolean; upgradedTo?: { tierId: string; name: string } }
  refundPurchase: { purchase: PurchaseView; pointsReversed: number; shortfall: number; balance: number; replayed: boolean }
  memberCoupons: { member: MemberAtTill; coupons: CouponView[] }
  writeOffCoupon: { writeOff: WriteOffView; replayed: boolean }
  undoWriteOff: { writeOff: WriteOffView; coupon: CouponView }
  today: {
    storeId: string
    date: string
    purchases: number
    salesFen: number
    pointsAwarded: number
    refunds: number
    refundedFen: number
    recent: PurchaseView[]
  }
  tillCatalog: { products: ProductAtTill[]; categories: string[] }
  /** `source`: 'sales' — the store's top sellers, most sold first; 'catalog' — no sales yet, the catalog's first products */
  tillQuickKeys: { products: ProductAtTill[]; source: 'sales' | 'catalog' }
  productByCode: { product: ProductAtTill }
  followUps: NpsOutputs['followUps']
  closeFollowUp: NpsOutputs['closeFollowUp']
  myContactWay: WecomOutputs['myContactWay']
  myCareTasks: CareOutputs['myCareTasks']
  markCareTask: CareOutputs['markCareTask']
}
