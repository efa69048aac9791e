import { z } from 'zod'
import { MAX_COUPONS_PER_PURCHASE } from '../domain/coupon-math'
import { couponCode, type CouponView, type WriteOffView } from './coupons'
import { clientRequestId as requestId, memberNo, phoneNumber } from './member'
import { PurchaseLineSchema } from './points'
import { NpsStaffActions, type NpsOutputs } from './nps'

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
      /** the order total before coupons; points are earned on what is paid after them */
      amountFen: z.number().int().min(1).max(100_000_000),
      lines: z.array(PurchaseLineSchema).max(200).optional(),
      /** coupons of this member written off with the purchase: one non-stackable coupon, or stackable ones */
      couponCodes: z.array(couponCode).max(MAX_COUPONS_PER_PURCHASE).optional(),
    })
    .strict()
    .refine(e => !e.lines?.length || e.lines.reduce((s, l) => s + l.priceFen * l.quantity, 0) === e.amountFen, {
      message: '明细金额合计必须等于消费金额',
      path: ['lines'],
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
  followUps: NpsOutputs['followUps']
  closeFollowUp: NpsOutputs['closeFollowUp']
}
