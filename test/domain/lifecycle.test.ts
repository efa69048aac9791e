import fc from 'fast-check'
import { DEFAULT_LIFECYCLE as cfg, EMPTY_STATS, type MemberStats, type Stage } from '../../types/analytics'
import { cutPoints, dayCutoff, purchases12m, recencyAt, rfmOf, ruleTags, stageOf, timeTransitions, withPurchase, withRefund } from '../../domain/lifecycle'

const at = (iso: string) => new Date(iso)
const bought = (times: string[], stats: MemberStats = EMPTY_STATS, paidFen = 10_000) => times.reduce((s, t) => withPurchase(s, { paidFen, orderFen: paidFen, at: at(t), usedCoupon: false }), stats)

describe('stage boundaries in Shanghai days', () => {
  const joined = at('2025-01-01T00:00:00Z')
  // last purchase at 23:50 Shanghai on 2026-01-01 (15:50 UTC)
  const member = { createdAt: joined, stats: bought(['2026-01-01T15:50:00Z']) }
  test('sleeping from the 90th Shanghai day after the purchase day, not the 90th 24-hour period', () => {
    // 2026-04-01 is day 90 after 2026-01-01; 23:59:59 Shanghai on 03-31 is still day 89
    expect(stageOf(member, cfg, at('2026-03-31T15:59:59Z'))).toBe('active')
    expect(stageOf(member, cfg, at('2026-03-31T16:00:00Z'))).toBe('sleeping')
  })
  test('churned from day 180', () => {
    expect(stageOf(member, cfg, at('2026-06-29T15:59:59Z'))).toBe('sleeping')
    expect(stageOf(member, cfg, at('2026-06-29T16:00:00Z'))).toBe('churned')
  })
  test('new: joined recently, or no purchase yet (until sleeping); loyal: tenure and 6 purchases in 12 months', () => {
    const now = at('2026-11-23T04:00:00Z')
    expect(stageOf({ createdAt: at('2026-11-10T00:00:00Z'), stats: bought(['2026-11-11T00:00:00Z']) }, cfg, now)).toBe('new')
    expect(stageOf({ createdAt: at('2026-09-10T00:00:00Z'), stats: EMPTY_STATS }, cfg, now)).toBe('new')
    expect(stageOf({ createdAt: at('2026-08-01T00:00:00Z'), stats: EMPTY_STATS }, cfg, now)).toBe('sleeping')
    const six = bought(['2026-01-05', '2026-03-05', '2026-05-05', '2026-07-05', '2026-09-05', '2026-11-05'].map(d => `${d}T04:00:00Z`))
    expect(purchases12m(six, now)).toBe(6)
    expect(stageOf({ createdAt: joined, stats: six }, cfg, now)).toBe('loyal')
    expect(stageOf({ createdAt: at('2026-01-01T00:00:00Z'), stats: six }, cfg, now)).toBe('active')
  })
})

describe('time transitions as set-based conditions', () => {
  /** What the job does: one conditional update per transition, in order, on the stored stage. */
  function applyTransitions(stage: Stage, m: { createdAt: Date; stats: MemberStats }, now: Date): Stage {
    for (const t of timeTransitions(cfg, now)) {
      const value = t.field === 'recencyAt' ? recencyAt(m) : m.createdAt
      if (t.from.includes(stage) && value < t.before && (!t.purchased || m.stats.lastPurchaseAt)) stage = t.to
    }
    return stage
  }
  test('property: from the stage at any earlier time, the conditions give the stage now (active and loyal count as one)', () => {
    const day = 86_400_000
    const start = at('2024-01-01T00:00:00Z').getTime()
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 700 * 24 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 300 * 24 }),
        fc.integer({ min: 0, max: 300 * 24 }),
        (joinDay, purchaseHours, h1, h2) => {
          const createdAt = new Date(start + joinDay * day)
          const purchases = purchaseHours.map(h => new Date(createdAt.getTime() + h * 3_600_000)).sort((a, b) => a.getTime() - b.getTime())
          const t0 = new Date(Math.max(createdAt.getTime(), purchases.at(-1)?.getTime() ?? 0) + h1 * 3_600_000)
          const t1 = new Date(t0.getTime() + h2 * 3_600_000)
          const m = { createdAt, stats: purchases.reduce((s, p) => withPurchase(s, { paidFen: 100, orderFen: 100, at: p, usedCoupon: false }), EMPTY_STATS) }
          const loyalAsActive = (s: Stage) => (s === 'loyal' ? 'active' : s)
          expect(loyalAsActive(applyTransitions(stageOf(m, cfg, t0), m, t1))).toBe(loyalAsActive(stageOf(m, cfg, t1)))
        },
      ),
    )
  })
  test('dayCutoff is the start of a Shanghai day', () => {
    expect(dayCutoff(at('2026-11-23T04:00:00Z'), 1).toISOString()).toBe('2026-11-22T16:00:00.000Z')
    expect(dayCutoff(at('2026-11-23T04:00:00Z'), 90).toISOString()).toBe('2026-08-25T16:00:00.000Z')
  })
})

describe('stats', () => {
  test('purchase days count distinct Shanghai days; refunds lower spend, not visits', () => {
    // 23:00 and 23:30 UTC on Nov 22 are both Nov 23 in Shanghai; 16:30 UTC on Nov 23 is Nov 24
    const s = bought(['2026-11-22T23:00:00Z', '2026-11-22T23:30:00Z', '2026-11-23T16:30:00Z'])
    expect(s).toMatchObject({ purchases: 3, purchaseDays: 2, spendFen: 30_000, lastPurchaseDay: '2026-11-24' })
    expect(withRefund(s, 4_000, at('2026-11-23T16:30:00Z'))).toMatchObject({ purchases: 3, spendFen: 26_000, months: { '2026-11': { n: 3, fen: 26_000 } } })
  })
  test('category spend in the paid share; promotion-sensitive and preference tags', () => {
    let s = EMPTY_STATS
    for (let i = 0; i < 4; i++) {
      s = withPurchase(s, { paidFen: 8_000, orderFen: 10_000, at: at(`2026-11-0${i + 1}T04:00:00Z`), usedCoupon: i < 2, lines: [{ productId: 'p', category: 'tea', quantity: 1, priceFen: 10_000 }] })
    }
    expect(s.categoryFen).toEqual({ tea: 32_000 })
    expect(ruleTags({ stage: 'active', stats: s, rfm: null, churnRisk: 0.1 }, cfg).sort()).toEqual(['促销敏感型', '偏好:tea'])
    expect(ruleTags({ stage: 'new', stats: EMPTY_STATS, rfm: { r: 5, f: 5, m: 5, score: 15, layer: 'high' }, churnRisk: 0.9 }, cfg).sort()).toEqual(['新客', '流失预警', '高价值会员'].sort())
  })
})

describe('late purchases (orders sent late, history imported later)', () => {
  const times = ['2025-06-01T04:00:00Z', '2026-02-10T04:00:00Z', '2026-05-03T04:00:00Z', '2026-11-20T04:00:00Z', '2026-11-20T06:00:00Z']
  test('first and last purchase, spend and counts do not depend on the order purchases arrive in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(times, { minLength: 1 }), picked => {
        const inOrder = bought([...picked].sort())
        const shuffled = bought(picked)
        for (const key of ['purchases', 'spendFen', 'firstPurchaseAt', 'lastPurchaseAt', 'lastPurchaseDay', 'firstDayFen'] as const) {
          expect(shuffled[key]).toEqual(inOrder[key])
        }
        expect(shuffled.months).toEqual(inOrder.months)
      }),
    )
  })
  test('a purchase older than 12 months before the latest leaves the month window alone', () => {
    const s = bought(['2026-11-20T04:00:00Z', '2025-06-01T04:00:00Z'])
    expect(s.months).toEqual({ '2026-11': { n: 1, fen: 10_000 } })
    expect(s).toMatchObject({ purchases: 2, spendFen: 20_000, firstDayFen: 10_000, purchaseDays: 2 })
    expect(s.firstPurchaseAt).toEqual(at('2025-06-01T04:00:00Z'))
  })
})

describe('RFM', () => {
  test('quintile cut points and scores; recent scores high', () => {
    expect(cutPoints([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([3, 5, 7, 9])
    const now = at('2026-11-23T04:00:00Z')
    const cuts = { recencyDays: [7, 30, 90, 180], frequency: [2, 3, 5, 8], monetaryFen: [10_000, 30_000, 60_000, 100_000] }
    const best = bought(Array.from({ length: 10 }, (_x, i) => `2026-11-${String(10 + i).padStart(2, '0')}T04:00:00Z`))
    expect(rfmOf(best, cuts, now)).toEqual({ r: 5, f: 5, m: 5, score: 15, layer: 'high' })
    const once = bought(['2026-03-01T04:00:00Z'], EMPTY_STATS, 5_000)
    expect(rfmOf(once, cuts, now)).toEqual({ r: 1, f: 1, m: 1, score: 3, layer: 'low' })
    expect(rfmOf(EMPTY_STATS, cuts, now)).toBeNull()
  })
})
