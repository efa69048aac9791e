/**
 * Tier rules: pure functions, time passed in (see types/tiers.ts for the ladder).
 * - Growth is kept in Shanghai calendar-month buckets; the window is the current month and the
 *   `windowMonths − 1` before it (monthly granularity: a purchase leaves the window at a month end).
 * - Upgrade: as soon as growth reaches a higher tier's threshold, in the call that added the growth.
 * - Review: `reviewMonths` after reaching the tier. Still qualifying → another period. Short → a
 *   downgrade is scheduled `graceDays` later; growth recovering before then cancels it; otherwise the
 *   member moves to the tier the growth qualifies for. Never a downgrade between reviews.
 * - A manual tier by an admin: `override` fixes the tier, `floor` keeps the member at least there,
 *   until `until`. The earned tier keeps being tracked underneath.
 */
import dayjs from 'dayjs'
import type { TierDef, TierLadder, TierProgress, TierState } from '../types/tiers'
import { addMonths as shiftMonth, shanghaiMonth } from './time'

export type GrowthBuckets = Record<string, number>

const monthOf = shanghaiMonth
const firstMonthInWindow = (ladder: TierLadder, now: Date) => shiftMonth(shanghaiMonth(now), -(ladder.windowMonths - 1))

/**
 * Adds growth (negative for a refund) to the bucket of the month of `at` (default now) and drops
 * months that left the window; growth of a month already outside the window is not kept.
 */
export function addGrowth(buckets: GrowthBuckets, amount: number, ladder: TierLadder, now: Date, at = now): GrowthBuckets {
  const first = firstMonthInWindow(ladder, now)
  const month = monthOf(at)
  const kept = Object.fromEntries(Object.entries(buckets).filter(([m]) => m >= first))
  return month < first ? kept : { ...kept, [month]: (kept[month] ?? 0) + amount }
}

export function growthInWindow(buckets: GrowthBuckets, ladder: TierLadder, now: Date): number {
  const first = firstMonthInWindow(ladder, now)
  return Math.max(0, Math.floor(Object.entries(buckets).reduce((s, [m, v]) => (m >= first ? s + v : s), 0)))
}

/** Growth a purchase paying `paidFen` earns. */
export const purchaseGrowth = (ladder: TierLadder, paidFen: number) => Math.floor((paidFen / 100) * ladder.growth.perYuan)

const rank = (ladder: TierLadder, tierId: string) =>
  Math.max(
    0,
    ladder.tiers.findIndex(t => t.tierId === tierId),
  )
export const tierDef = (ladder: TierLadder, tierId: string): TierDef => ladder.tiers[rank(ladder, tierId)]

export function qualifyingTier(ladder: TierLadder, growth: number): TierDef {
  return [...ladder.tiers].reverse().find(t => growth >= t.threshold) ?? ladder.tiers[0]
}

const addMonths = (at: Date, n: number) => dayjs(at).add(n, 'month').toDate()

function fresh(tierId: string, ladder: TierLadder, now: Date, manual: TierState['manual'] = null): TierState {
  return { tierId, since: now, reviewAt: addMonths(now, ladder.reviewMonths), downgradeAt: null, manual }
}

/** After growth changed (a purchase, a check-in): upgrade now if it crosses a threshold; a recovery cancels a scheduled downgrade. */
export function afterActivity(state: TierState | null, ladder: TierLadder, growth: number, now: Date): { state: TierState; upgradedTo: TierDef | null } {
  const current = state ?? fresh(ladder.tiers[0].tierId, ladder, now)
  const target = qualifyingTier(ladder, growth)
  if (rank(ladder, target.tierId) > rank(ladder, current.tierId)) return { state: fresh(target.tierId, ladder, now, current.manual), upgradedTo: target }
  if (current.downgradeAt && growth >= tierDef(ladder, current.tierId).threshold) return { state: { ...current, downgradeAt: null }, upgradedTo: null }
  return { state: current, upgradedTo: null }
}

/** The daily review: extends, schedules or applies a downgrade (see the header). */
export function atReview(state: TierState, ladder: TierLadder, growth: number, now: Date): { state: TierState; downgradedTo: TierDef | null } {
  const qualifies = growth >= tierDef(ladder, state.tierId).threshold
  if (state.downgradeAt) {
    if (qualifies) return { state: { ...state, downgradeAt: null }, downgradedTo: null }
    if (now < state.downgradeAt) return { state, downgradedTo: null }
    const target = qualifyingTier(ladder, growth)
    return { state: fresh(target.tierId, ladder, now, state.manual), downgradedTo: target }
  }
  if (now < state.reviewAt) return { state, downgradedTo: null }
  if (qualifies) {
    // another period, counted from the previous review date (a late job run does not shift it)
    let reviewAt = state.reviewAt
    while (reviewAt <= now) reviewAt = addMonths(reviewAt, ladder.reviewMonths)
    return { state: { ...state, reviewAt }, downgradedTo: null }
  }
  const downgradeAt = dayjs(state.reviewAt).add(ladder.graceDays, 'day').toDate()
  return atReview({ ...state, downgradeAt }, ladder, growth, now)
}

/** The tier that applies: the earned one, unless an active manual tier overrides or floors it. */
export function effectiveTierId(state: TierState | null, ladder: TierLadder, now: Date): string {
  const earned = state?.tierId ?? ladder.tiers[0].tierId
  const manual = state?.manual
  if (!manual || (manual.until && manual.until <= now)) return earned
  if (manual.mode === 'override') return manual.tierId
  return rank(ladder, manual.tierId) > rank(ladder, earned) ? manual.tierId : earned
}

export function tierMultiplier(ladder: TierLadder, state: TierState | null, now: Date): number {
  return tierDef(ladder, effectiveTierId(state, ladder, now)).benefits.pointsMultiplier
}

/** The member page's tier card. */
export function tierProgress(state: TierState | null, ladder: TierLadder, growth: number, now: Date): TierProgress {
  const tier = tierDef(ladder, effectiveTierId(state, ladder, now))
  const next = ladder.tiers[rank(ladder, tier.tierId) + 1] ?? null
  const floor = tier.threshold
  return {
    tierId: tier.tierId,
    name: tier.name,
    title: tier.benefits.title ?? null,
    perks: tier.benefits.perks,
    pointsMultiplier: tier.benefits.pointsMultiplier,
    threshold: tier.threshold,
    growth,
    next: next ? { tierId: next.tierId, name: next.name, threshold: next.threshold, missing: Math.max(0, next.threshold - growth) } : null,
    ratio: next ? Math.min(1, Math.max(0, (growth - floor) / (next.threshold - floor))) : 1,
    reviewAt: state ? state.reviewAt.toISOString() : null,
    downgradeAt: state?.downgradeAt ? state.downgradeAt.toISOString() : null,
  }
}
