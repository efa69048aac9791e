/** Writes what domain/activity.ts decides, inside the caller's transaction, and hands out tier-upgrade coupons. */
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import type { TierDef } from '../../types/tiers'
import { _ } from './cloud'
import { couponIdFor } from './collections/coupons'
import { members } from './collections/members'
import { issueCouponIn } from './coupons'
import type { Transaction } from './sdk-types'

/**
 * An update replaces these object fields whole: a plain object in `update` is merged key by key
 * (CloudBase flattens it), which would keep growth months that left the window.
 */
const WHOLE = new Set(['growth', 'stats', 'tier', 'checkin', 'rfm', 'churn'])

export function wholeFields(patch: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, WHOLE.has(k) && v !== null && typeof v === 'object' ? _.set(v) : v]))
}

export async function writeAnalytics(t: Transaction, member: Member, patch: Partial<Member>, upgradedTo: TierDef | null, now: Date): Promise<void> {
  await members
    .in(t)
    .doc(member._id)
    .update({ data: wholeFields({ ...patch, updatedAt: now }) })
  if (!upgradedTo) return
  const upgraded = { ...member, ...patch }
  for (const templateId of upgradedTo.benefits.upgradeCouponTemplateIds) {
    try {
      // one coupon per reaching the tier (a member who drops and climbs again earns it again)
      const couponId = couponIdFor.tier(member._id, upgradedTo.tierId, (patch.tier?.since ?? now).toISOString(), templateId)
      await issueCouponIn(t, { templateId, member: upgraded, channel: 'admin', couponId, now })
    } catch (err) {
      // issueCouponIn checks before it writes: a missing or exhausted template costs the member the coupon, not the purchase
      if (!(err instanceof AppError)) throw err
      console.warn(`[tiers] upgrade coupon ${templateId} not issued to ${member.memberNo}: ${err.code}`)
    }
  }
}
