import fc from 'fast-check'
import { DEFAULT_TIER_LADDER as ladder, TierLadderSchema, type TierState } from '../../types/tiers'
import { addGrowth, afterActivity, atReview, effectiveTierId, growthInWindow, purchaseGrowth, qualifyingTier, tierProgress } from '../../domain/tiers'

const at = (iso: string) => new Date(iso)
const state = (overrides: Partial<TierState> = {}): TierState => ({
  tierId: 'silver',
  since: at('2026-01-10T02:00:00Z'),
  reviewAt: at('2027-01-10T02:00:00Z'),
  downgradeAt: null,
  manual: null,
  ...overrides,
})

describe('growth window', () => {
  test('Shanghai months: a purchase at 23:30 Shanghai on Nov 30 counts in November, and leaves the window after 12 months', () => {
    const nov30 = at('2026-11-30T15:30:00Z') // 23:30 Shanghai
    const b = addGrowth({}, 500, ladder, nov30)
    expect(b).toEqual({ '2026-11': 500 })
    expect(growthInWindow(b, ladder, at('2027-10-31T15:59:59Z'))).toBe(500) // still Oct 31 in Shanghai
    expect(growthInWindow(b, ladder, at('2027-10-31T16:00:00Z'))).toBe(0) // Nov 1, 2027 Shanghai
  })
  test('old buckets are pruned on write; refunds subtract; never negative', () => {
    const b = addGrowth({ '2020-01': 999, '2026-11': 100 }, -300, ladder, at('2026-11-23T00:00:00Z'))
    expect(b).toEqual({ '2026-11': -200 })
    expect(growthInWindow(b, ladder, at('2026-11-23T00:00:00Z'))).toBe(0)
    expect(purchaseGrowth(ladder, 12_345)).toBe(123)
  })
})

describe('upgrade and review', () => {
  const now = at('2026-06-01T00:00:00Z')
  test('upgrade at the threshold, in the same call, to the highest tier reached', () => {
    expect(afterActivity(null, ladder, 999, now).upgradedTo).toBeNull()
    const r = afterActivity(null, ladder, 1000, now)
    expect(r.upgradedTo?.tierId).toBe('silver')
    expect(r.state).toMatchObject({ tierId: 'silver', since: now, reviewAt: at('2027-06-01T00:00:00Z') })
    expect(afterActivity(r.state, ladder, 10_000, now).upgradedTo?.tierId).toBe('black')
  })
  test('no downgrade mid-period, whatever the growth', () => {
    const s = state()
    expect(atReview(s, ladder, 0, at('2026-12-31T00:00:00Z'))).toEqual({ state: s, downgradedTo: null })
    expect(afterActivity(s, ladder, 0, at('2026-12-31T00:00:00Z')).state).toEqual(s)
  })
  test('review: qualifying extends by a period from the review date', () => {
    const r = atReview(state(), ladder, 1500, at('2027-01-12T00:00:00Z'))
    expect(r).toEqual({ state: state({ reviewAt: at('2028-01-10T02:00:00Z') }), downgradedTo: null })
  })
  test('review: short schedules a downgrade after the grace period; recovering cancels it; otherwise it applies', () => {
    const reviewed = atReview(state(), ladder, 200, at('2027-01-10T03:00:00Z'))
    expect(reviewed.downgradedTo).toBeNull()
    expect(reviewed.state.downgradeAt).toEqual(at('2027-02-09T02:00:00Z'))
    expect(afterActivity(reviewed.state, ladder, 1000, at('2027-01-20T00:00:00Z')).state.downgradeAt).toBeNull()
    expect(atReview(reviewed.state, ladder, 200, at('2027-02-09T01:59:59Z')).downgradedTo).toBeNull()
    const applied = atReview(reviewed.state, ladder, 200, at('2027-02-09T02:00:00Z'))
    expect(applied.downgradedTo?.tierId).toBe('base')
    expect(applied.state).toMatchObject({ tierId: 'base', downgradeAt: null })
  })
  test('a job that missed days applies the grace from the review date, not from the late run', () => {
    expect(atReview(state(), ladder, 0, at('2027-03-01T00:00:00Z')).downgradedTo?.tierId).toBe('base')
  })
  test('property: never downgraded before reviewAt; the tier reached always qualifies at upgrade', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 364 }), (g1, g2, days) => {
        const up = afterActivity(null, ladder, g1, now)
        expect(g1).toBeGreaterThanOrEqual(ladder.tiers.find(t => t.tierId === up.state.tierId)!.threshold)
        const before = new Date(up.state.reviewAt.getTime() - (days + 1) * 86_400_000)
        expect(atReview(up.state, ladder, g2, before).downgradedTo).toBeNull()
      }),
    )
  })
})

describe('manual tiers', () => {
  const now = at('2026-06-01T00:00:00Z')
  const manual = (mode: 'floor' | 'override', tierId: string, until: Date | null = null) => ({ tierId, mode, until, reason: '大客户', by: 'console', at: now })
  test('override fixes the tier; floor keeps at least it; both end at `until`', () => {
    expect(effectiveTierId(state({ manual: manual('override', 'base') }), ladder, now)).toBe('base')
    expect(effectiveTierId(state({ manual: manual('floor', 'gold') }), ladder, now)).toBe('gold')
    expect(effectiveTierId(state({ tierId: 'black', manual: manual('floor', 'gold') }), ladder, now)).toBe('black')
    expect(effectiveTierId(state({ manual: manual('override', 'black', now) }), ladder, now)).toBe('silver')
  })
  test('the progress card shows the effective tier, its perks and the way to the next', () => {
    const p = tierProgress(state(), ladder, 2000, now)
    expect(p).toMatchObject({ tierId: 'silver', name: '银卡会员', pointsMultiplier: 1.2, next: { tierId: 'gold', missing: 1000 }, ratio: 0.5 })
    expect(tierProgress(state({ tierId: 'black' }), ladder, 12_000, now)).toMatchObject({ title: '首席体验官', next: null, ratio: 1 })
  })
})

test('ladder validation: first threshold 0, strictly increasing, unique ids', () => {
  expect(TierLadderSchema.safeParse(ladder).success).toBe(true)
  const bad = [
    { ...ladder, tiers: ladder.tiers.map((t, i) => (i === 0 ? { ...t, threshold: 5 } : t)) },
    { ...ladder, tiers: [ladder.tiers[0], ladder.tiers[2], ladder.tiers[1]] },
    { ...ladder, tiers: [ladder.tiers[0], { ...ladder.tiers[1], tierId: 'base' }] },
  ]
  for (const l of bad) expect(TierLadderSchema.safeParse(l).success).toBe(false)
  expect(qualifyingTier(ladder, 2999).tierId).toBe('silver')
})
