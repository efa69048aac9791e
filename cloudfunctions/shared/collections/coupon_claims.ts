/** `coupon_claims/<templateId>:<openid>`: how many coupons of a template a member got (the per-member limit). */
import { collectionHandle } from '../collection'

export interface CouponClaimDoc {
  _id: string
  templateId: string
  memberId: string
  count: number
  updatedAt: Date
}

export const couponClaims = collectionHandle<CouponClaimDoc>('coupon_claims')

export const claimId = (templateId: string, memberId: string) => `${templateId}:${memberId}`
