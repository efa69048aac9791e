/**
 * What a purchase, a refund or a check-in does to a member's analytics: purchase stats, growth
 * value, tier (upgrade in the same call) and lifecycle stage. Pure; the shell writes the patch in the
 * same transaction as the points.
 */
import type { LifecycleConfig } from '../types/analytics'
import type { Member } from '../types/member'
import type { PurchaseLine } from '../types/points'
import type { TierDef, TierLadder } from '../types/tiers'
import { recencyAt, stageOf, withPurchase, withRefund } from './lifecycle'
import { addGrowth, afterActivity, effectiveTierId, growthInWindow, purchaseGrowth } from './tiers'

type AnalyticsPatch = Pick<Member, 'growth' | 'tier' | 'tierId'> & Partial<Pick<Member, 'stats' | 'stage' | 'recencyAt' | 'firstPurchaseAt'>>

function growBy(member: Member, amount: number, ladder: TierLadder, now: Date, at = now): { patch: AnalyticsPatch; upgradedTo: TierDef | null } {
  const growth = addGrowth(member.growth, amount, ladder, now, at)
  const { state, upgradedTo } = afterActivity(member.tier, ladder, growthInWindow(growth, ladder, now), at)
  return { patch: { growth, tier: state, tierId: effectiveTierId(state, ladder, now) }, upgradedTo }
}

/**
 * A purchase made at `p.at` (default now). An older purchase (an order a shop sends late, history
 * imported later) counts in its own month: its growth only while that month is in the window, and a
 * tier it lifts the member to is held from the purchase's time (so a review comes when it would have).
 */
export function afterPurchase(
  member: Member,
  p: { paidFen: number; orderFen: number; lines?: PurchaseLine[]; usedCoupon: boolean; at?: Date },
  ladder: TierLadder,
  lifecycle: LifecycleConfig,
  now: Date,
): { patch: AnalyticsPatch; upgradedTo: TierDef | null } {
  const at = p.at && p.at < now ? p.at : now
  const stats = withPurchase(member.stats, { ...p, at })
  const grown = growBy(member, purchaseGrowth(ladder, p.paidFen), ladder, now, at)
  const firstPurchaseAt = member.firstPurchaseAt && member.firstPurchaseAt <= at ? member.firstPurchaseAt : at
  const patch: AnalyticsPatch = {
    ...grown.patch,
    stats,
    recencyAt: recencyAt({ createdAt: member.createdAt, stats }),
    stage: stageOf({ createdAt: member.createdAt, stats }, lifecycle, now),
    firstPurchaseAt,
  }
  return { patch, upgradedTo: grown.upgradedTo }
}

/** A refund lowers spend and growth; the tier only moves down at its review. */
export function afterRefund(member: Member, refundedFen: number, purchaseAt: Date, ladder: TierLadder, now: Date): Pick<Member, 'stats' | 'growth'> {
  return { stats: withRefund(member.stats, refundedFen, purchaseAt), growth: addGrowth(member.growth, -purchaseGrowth(ladder, refundedFen), ladder, now) }
}

export function afterCheckin(member: Member, ladder: TierLadder, now: Date): { patch: AnalyticsPatch; upgradedTo: TierDef | null } {
  return growBy(member, ladder.growth.perCheckin, ladder, now)
}
