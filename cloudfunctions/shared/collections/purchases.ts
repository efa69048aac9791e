/** `purchases`: what members bought, from the till, the orders API and history imports (written by shared/purchases.ts). */
import type { PurchaseLine } from '../../../types/points'
import type { PurchaseView } from '../../../types/staff'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface PurchaseDoc {
  _id: string
  /** the till's requestId; for an order, its orderId */
  requestId: string
  storeId: string
  /** who recorded it: a staff OPENID, `api:<keyId>` for the orders API, `import:<batchId>` for history */
  staffOpenid: string
  memberId: string
  memberNo: string
  /** what was paid, after coupons: points and refunds are based on it */
  amountFen: number
  /** the order total before coupons (absent on purchases recorded before coupons existed) */
  orderFen?: number
  discountFen?: number
  couponCodes?: string[]
  lines: PurchaseLine[]
  pointsEarned: number
  batchId: string | null
  refundedFen: number
  pointsReversed: number
  pointsShortfall: number
  status: PurchaseView['status']
  balanceAfter: number
  /** for orders from a POS, a shop or an import: where it came from and its id there */
  source?: string
  orderId?: string
  /** when it was bought (for an order sent late or imported: the order's time, not the receipt's) */
  createdAt: Date
  updatedAt: Date
}

export const purchases = collectionHandle<PurchaseDoc>('purchases')

/** The till's purchase: one per staff member and requestId. */
export const tillPurchaseId = (staffOpenid: string, requestId: string) => derivedId('pur', staffOpenid, requestId)
/** An order's purchase: one per source and order id. */
export const orderPurchaseId = (source: string, orderId: string) => derivedId('pur', 'order', source, orderId)

/** The member's purchases (memberId + createdAt is indexed); callers add the order, paging and fields. */
export const purchasesOf = (memberId: string) => purchases.where({ memberId })

export function purchaseView(p: PurchaseDoc): PurchaseView {
  return {
    purchaseId: p._id,
    memberNo: p.memberNo,
    storeId: p.storeId,
    amountFen: p.amountFen,
    orderFen: p.orderFen ?? p.amountFen,
    discountFen: p.discountFen ?? 0,
    couponCodes: p.couponCodes ?? [],
    refundedFen: p.refundedFen,
    pointsEarned: p.pointsEarned,
    pointsReversed: p.pointsReversed,
    status: p.status,
    createdAt: new Date(p.createdAt).toISOString(),
  }
}
