/** `coupon_writeoffs`: one row per coupon used at the till or in an order (undone rows keep `undone`). */
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export interface WriteOffDoc {
  _id: string
  requestId: string | null
  couponId: string
  code: string
  name: string
  memberId: string
  memberNo: string
  staffOpenid: string
  storeId: string
  purchaseId: string | null
  orderFen: number | null
  discountFen: number
  at: Date
  undone: { at: Date; by: string; reason: string } | null
}

export const writeOffs = collectionHandle<WriteOffDoc>('coupon_writeoffs')

/** a coupon written off inside a purchase: one per purchase and coupon */
export const writeOffIdIn = (purchaseId: string, couponId: string) => derivedId('wo', purchaseId, couponId)
/** a write-off on its own at the till: one per staff member and requestId */
export const tillWriteOffId = (staffOpenid: string, requestId: string) => derivedId('wo', staffOpenid, requestId)
