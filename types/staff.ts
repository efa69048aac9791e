import { z } from 'zod'
import { memberNo, phoneNumber } from './member'
import { PurchaseLineSchema } from './points'

/** An 18-digit member code: 10-digit member number + 8-digit time-based one-time password. */
export const memberCode = z.string().regex(/^\d{18}$/, '会员码为 18 位数字')

/** A client-generated id that makes a write repeatable without effect (double taps, retries). */
export const requestId = z.string().regex(/^[\w-]{8,64}$/, 'requestId 为 8–64 位字母数字')

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
      amountFen: z.number().int().min(1).max(100_000_000),
      lines: z.array(PurchaseLineSchema).max(200).optional(),
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
  createdAt: string
}

export interface StaffOutputs {
  me: { name: string; storeId: string; storeName: string }
  verifyCode: { member: MemberAtTill }
  findMemberByPhone: { member: MemberAtTill }
  /** `replayed`: this requestId was seen before; the original result, nothing awarded twice */
  recordPurchase: { purchase: PurchaseView; pointsEarned: number; balance: number; replayed: boolean }
  refundPurchase: { purchase: PurchaseView; pointsReversed: number; shortfall: number; balance: number; replayed: boolean }
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
}
