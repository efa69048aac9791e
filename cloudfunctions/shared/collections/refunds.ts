/** `refunds`: one row per refund of a purchase (written by shared/purchases.ts refundPurchaseIn). */
import type { PurchaseView } from '../../../types/staff'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface RefundDoc {
  _id: string
  requestId: string
  purchaseId: string
  storeId: string
  staffOpenid: string
  memberId: string
  memberNo: string
  amountFen: number
  pointsReversed: number
  shortfall: number
  reason: string | null
  balanceAfter: number
  /** the purchase as this refund left it: a replay answers exactly what the first call did */
  purchaseAfter: PurchaseView
  createdAt: Date
}

export const refunds = collectionHandle<RefundDoc>('refunds')

/** The till's refund: one per staff member and requestId. */
export const tillRefundId = (staffOpenid: string, requestId: string) => derivedId('ref', staffOpenid, requestId)
/** An order refund: one per source and refund id. */
export const orderRefundId = (source: string, refundId: string) => derivedId('ref', 'order', source, refundId)
