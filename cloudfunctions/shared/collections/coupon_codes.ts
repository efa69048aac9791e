/** `coupon_codes`: imported partner codes `<templateId>:<code>` and each template's pool counter `<templateId>` (types/import.ts). */
import type { CouponCodeDoc, CouponCodePoolDoc } from '../../../types/import'
import { collectionHandle, type CollectionHandle } from '../collection'

export type { CouponCodeDoc, CouponCodePoolDoc }
export { codeDocId, codePoolId } from '../../../types/import'

export const couponCodes = collectionHandle<CouponCodeDoc>('coupon_codes')
/** the same collection, read at a pool counter's id */
export const codePools = couponCodes as unknown as CollectionHandle<CouponCodePoolDoc>
