/** `coupon_templates`: what a coupon is, its stock and its channels (types/coupons.ts). */
import type { CouponTemplate } from '../../../types/coupons'
import { collectionHandle } from '../collection'

export type { CouponTemplate }

export const couponTemplates = collectionHandle<CouponTemplate>('coupon_templates')
