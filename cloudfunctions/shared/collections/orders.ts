/**
 * `orders`: orders from a POS, an online shop or a history import; `_id` derived from (source,
 * orderId), so a resend finds the first receipt. Pending ones are keyed by `pendingKey`.
 */
import type { OrderMember } from '../../../types/orders'
import type { PointRules, PurchaseLine } from '../../../types/points'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface PendingRefund {
  refundId: string
  amountFen: number
  reason: string | null
  at: Date
}

export interface OrderDoc {
  _id: string
  source: string
  orderId: string
  contentHash: string
  via: 'api' | 'import'
  /** `api:<keyId>` or `import:<batchId>`: the ledger's operator */
  actor: string
  /** history: no referral reward, no tier-upgrade coupons, points only when awardPoints */
  history: boolean
  awardPoints: boolean
  /** when it was bought */
  orderedAt: Date
  storeId: string
  /** who it was for, as sent; `{ erased: true }` once that member deleted the account (PIPL) */
  member: OrderMember | { erased: true }
  /** `phone:<phone>` or `ext:<externalId>` while pending, else null */
  pendingKey: string | null
  amountFen: number
  lines: PurchaseLine[]
  couponCodes: string[]
  /** the point rules when it arrived, applied when a pending order is credited later */
  pointRules: PointRules | null
  status: 'pending' | 'credited'
  memberId: string | null
  memberNo: string | null
  purchaseId: string | null
  pointsEarned: number
  balance: number | null
  /** refunds received while pending: applied right after the crediting */
  pendingRefunds: PendingRefund[]
  receivedAt: Date
  creditedAt: Date | null
  updatedAt: Date
}

export const orders = collectionHandle<OrderDoc>('orders')

export const orderDocId = (source: string, orderId: string) => derivedId('ord', source, orderId)
