/** `coupons`: issued coupons (types/coupons.ts CouponDoc); issuing and writing off live in shared/coupons.ts. */
import { sha256 } from 'js-sha256'
import type { CouponDoc } from '../../../types/coupons'
import { _ } from '../cloud'
import { collectionHandle } from '../collection'
import { derivedId } from '../ids'

export type { CouponDoc }

export const coupons = collectionHandle<CouponDoc>('coupons')

/** A coupon's id is derived from what issued it, so a retry of the cause finds the coupon instead of issuing another. */
export const couponIdFor = {
  claim: (openid: string, templateId: string, requestId: string) => derivedId('cpn', 'claim', openid, templateId, requestId),
  mall: (openid: string, templateId: string, requestId: string) => derivedId('cpn', 'mall', openid, templateId, requestId),
  welcome: (memberId: string, templateId: string) => derivedId('cpn', 'welcome', memberId, templateId),
  task: (openid: string, taskId: string) => derivedId('cpn', 'task', openid, taskId),
  /** one per reaching the tier (`since`: when it was reached) */
  tier: (memberId: string, tierId: string, since: string, templateId: string) => derivedId('cpn', 'tier', memberId, tierId, since, templateId),
  /** `role`: 'invite' (the inviter's) or 'invited' (the invitee's) */
  referral: (role: string, inviteeId: string) => derivedId('cpn', role, inviteeId),
  reminder: (memberId: string, requestId: string) => derivedId('cpn', 'reminder', memberId, requestId),
  admin: (templateId: string, requestId: string, memberId: string) => derivedId('cpn', 'admin', templateId, requestId, memberId),
  campaign: (campaignId: string, memberId: string) => derivedId('cpn', 'campaign', campaignId, memberId),
  /** the birthday gift's coupon: one per member and birthday year */
  birthday: (openid: string, year: number) => derivedId('cpn', 'birthday', openid, String(year)),
}

/** The 12-digit code shown on the coupon: derived from its id, unique enough within one member's coupons (the till looks codes up per member). */
export function couponCodeFor(couponId: string): string {
  return (BigInt(`0x${sha256(couponId).slice(0, 15)}`) % 1_000_000_000_000n).toString().padStart(12, '0')
}

/** Readers decide `expired` from validUntil; these are the coupons of one state, for lists and counts. */
export function couponsInState(memberId: string, state: 'available' | 'used' | 'expired', now: Date) {
  if (state === 'available') return coupons.where({ memberId, status: 'available', validUntil: _.gt(now) }).orderBy('validUntil', 'asc')
  if (state === 'used') return coupons.where({ memberId, status: 'used' }).orderBy('usedAt', 'desc')
  return coupons
    .where(
      _.or([
        { memberId, status: 'expired' },
        { memberId, status: 'available', validUntil: _.lte(now) },
      ]),
    )
    .orderBy('validUntil', 'desc')
}
