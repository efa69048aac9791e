import type { StaffOutputs } from '../../../types/staff'
import type { Result } from '../../../types/result'
import type { PurchaseLine } from '../../../types/points'
import { callFunction } from './cloud'

type Out<K extends keyof StaffOutputs> = Promise<Result<StaffOutputs[K]>>

/** Which member a till action is for: a scanned member code, or a member number found by phone. */
export type TillMemberRef = { code: string } | { memberNo: string }

/** The `staff` cloud function's actions (contracts in types/staff.ts). A consumer gets PERMISSION_DENIED. */
export const staffApi = {
  me(): Out<'me'> {
    return callFunction('staff', { action: 'me' })
  },
  /** The staff member's own WeCom 「联系我」 code (made on first use; FAILED_PRECONDITION without a WeCom account). */
  myContactWay(): Out<'myContactWay'> {
    return callFunction('staff', { action: 'myContactWay' })
  },
  verifyCode(code: string): Out<'verifyCode'> {
    return callFunction('staff', { action: 'verifyCode', code })
  },
  findMemberByPhone(phone: string): Out<'findMemberByPhone'> {
    return callFunction('staff', { action: 'findMemberByPhone', phone })
  },
  /**
   * `requestId`: one per purchase submission, reused on retry: the same id never awards twice.
   * `amountFen` is the order total before coupons; `couponCodes`: one non-stackable coupon, or
   * stackable ones (points are earned on what is paid after them). `lines`: what was bought; with
   * lines `amountFen` is at most their total (less: a discount given at the till).
   */
  recordPurchase(input: { requestId: string; member: TillMemberRef; amountFen: number; couponCodes?: string[]; lines?: PurchaseLine[] }): Out<'recordPurchase'> {
    const event: Record<string, unknown> = { action: 'recordPurchase', requestId: input.requestId, member: input.member, amountFen: input.amountFen }
    if (input.lines?.length) event.lines = input.lines
    if (input.couponCodes?.length) event.couponCodes = input.couponCodes
    return callFunction('staff', event)
  },
  /** `amountFen` omitted: refund what is left of the purchase. */
  refundPurchase(input: { requestId: string; purchaseId: string; amountFen?: number; reason?: string }): Out<'refundPurchase'> {
    const event: Record<string, unknown> = { action: 'refundPurchase', requestId: input.requestId, purchaseId: input.purchaseId }
    if (input.amountFen !== undefined) event.amountFen = input.amountFen
    if (input.reason) event.reason = input.reason
    return callFunction('staff', event)
  },
  /** The member's coupons usable at the till now (and the member, as verifyCode gives it). */
  memberCoupons(member: TillMemberRef): Out<'memberCoupons'> {
    return callFunction('staff', { action: 'memberCoupons', member })
  },
  /**
   * A coupon written off on its own. `requestId`: one per write-off, reused on retry (never written
   * off twice); `orderFen` checks a minimum spend.
   */
  writeOffCoupon(input: { requestId: string; member: TillMemberRef; couponCode: string; orderFen?: number }): Out<'writeOffCoupon'> {
    const event: Record<string, unknown> = { action: 'writeOffCoupon', requestId: input.requestId, member: input.member, couponCode: input.couponCode }
    if (input.orderFen !== undefined) event.orderFen = input.orderFen
    return callFunction('staff', event)
  },
  /** Undoes a stand-alone write-off of this store within UNDO_WINDOW_MINUTES (types/staff.ts); `reason` is required. */
  undoWriteOff(input: { writeOffId: string; reason: string }): Out<'undoWriteOff'> {
    return callFunction('staff', { action: 'undoWriteOff', writeOffId: input.writeOffId, reason: input.reason })
  },
  /** On-sale products by name or exact code, optionally of one category (at most 50), and the categories. */
  tillCatalog(input: { query?: string; category?: string; limit?: number } = {}): Out<'tillCatalog'> {
    const event: Record<string, unknown> = { action: 'tillCatalog' }
    if (input.query) event.query = input.query
    if (input.category) event.category = input.category
    if (input.limit) event.limit = input.limit
    return callFunction('staff', event)
  },
  /** The store's most-sold products of the last 30 days (the catalog's first ones before any sale). */
  tillQuickKeys(): Out<'tillQuickKeys'> {
    return callFunction('staff', { action: 'tillQuickKeys' })
  },
  /** The on-sale product a scanned or typed barcode (or productId) names; NOT_FOUND otherwise. */
  productByCode(code: string): Out<'productByCode'> {
    return callFunction('staff', { action: 'productByCode', code })
  },
  today(): Out<'today'> {
    return callFunction('staff', { action: 'today' })
  },
  /** 回访任务: the store's follow-ups of detractors' NPS answers, newest first. */
  followUps(status: 'open' | 'closed', limit = 50): Out<'followUps'> {
    return callFunction('staff', { action: 'followUps', status, limit })
  },
  /** 完成回访, once; `note` (2–200 characters) says what the call or visit found. */
  closeFollowUp(followUpId: string, note: string): Out<'closeFollowUp'> {
    return callFunction('staff', { action: 'closeFollowUp', followUpId, note })
  },
}
