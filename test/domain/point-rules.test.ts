import { promotionMultiplier, purchasePoints } from '../../domain/point-rules'
import { DEFAULT_POINT_RULES, PointRulesSchema, type PointRules } from '../../types/points'

const now = new Date('2026-11-11T04:00:00Z') // 12:00 on 11 Nov, Shanghai
const rules = (over: Partial<PointRules>): PointRules => ({ ...DEFAULT_POINT_RULES, ...over })

test('1 point per yuan, floored: ￥19.90 earns 19', () => {
  expect(purchasePoints({ amountFen: 1990, storeId: 's1' }, DEFAULT_POINT_RULES, now)).toBe(19)
  expect(purchasePoints({ amountFen: 1990, storeId: 's1' }, rules({ rounding: 'round' }), now)).toBe(20)
  expect(purchasePoints({ amountFen: 1901, storeId: 's1' }, rules({ rounding: 'ceil' }), now)).toBe(20)
})

test('store and category multipliers multiply; lines without a category count at 1×', () => {
  const r = rules({ storeMultipliers: { s1: 1.5 }, categoryMultipliers: { coffee: 2 } })
  const lines = [
    { productId: 'latte', category: 'coffee', quantity: 2, priceFen: 3000 },
    { productId: 'cup', quantity: 1, priceFen: 4000 },
  ]
  // (6000×2 + 4000) × 1.5 / 100 = 240
  expect(purchasePoints({ amountFen: 10_000, storeId: 's1', lines }, r, now)).toBe(240)
  expect(purchasePoints({ amountFen: 10_000, storeId: 's2', lines }, r, now)).toBe(160)
})

test('a multiplier like 1.1 does not lose a point to binary rounding', () => {
  expect(purchasePoints({ amountFen: 10_000, storeId: 's1' }, rules({ storeMultipliers: { s1: 1.1 } }), now)).toBe(110)
})

test('the largest active promotion applies, only in its window, store and categories', () => {
  const r = rules({
    promotions: [
      { name: '双十一', start: '2026-11-11T00:00:00+08:00', end: '2026-11-12T00:00:00+08:00', multiplier: 2 },
      { name: '咖啡三倍', start: '2026-11-01T00:00:00+08:00', end: '2026-12-01T00:00:00+08:00', multiplier: 3, categories: ['coffee'], storeIds: ['s1'] },
    ],
  })
  expect(promotionMultiplier(r, now, 's1')).toBe(2)
  expect(promotionMultiplier(r, now, 's1', 'coffee')).toBe(3)
  expect(promotionMultiplier(r, now, 's2', 'coffee')).toBe(2)
  expect(promotionMultiplier(r, new Date('2026-11-12T00:00:00+08:00'), 's2')).toBe(1)
  expect(purchasePoints({ amountFen: 5000, storeId: 's1' }, r, now)).toBe(100)
})

test('the tier multiplier hook scales the total', () => {
  expect(purchasePoints({ amountFen: 10_000, storeId: 's1' }, DEFAULT_POINT_RULES, now, 1.2)).toBe(120)
})

test('the rules schema rejects nonsense', () => {
  expect(PointRulesSchema.safeParse(DEFAULT_POINT_RULES).success).toBe(true)
  expect(PointRulesSchema.safeParse({ ...DEFAULT_POINT_RULES, pointsPerYuan: -1 }).success).toBe(false)
  expect(PointRulesSchema.safeParse({ ...DEFAULT_POINT_RULES, rounding: 'bankers' }).success).toBe(false)
  const backwards = { name: 'x', start: '2026-11-12T00:00:00+08:00', end: '2026-11-11T00:00:00+08:00', multiplier: 2 }
  expect(PointRulesSchema.safeParse({ ...DEFAULT_POINT_RULES, promotions: [backwards] }).success).toBe(false)
})

test('a discount or a shop surcharge scales each line to the amount actually paid', () => {
  const r = rules({ categoryMultipliers: { coffee: 2 } })
  const lines = [
    { productId: 'latte', category: 'coffee', quantity: 2, priceFen: 3000 },
    { productId: 'cup', quantity: 1, priceFen: 4000 },
  ]
  // weighted 16000 on lines worth 10000; paid 8000 → 16000 × 0.8 / 100 = 128
  expect(purchasePoints({ amountFen: 8_000, storeId: 's1', lines }, r, now)).toBe(128)
  // shipping on top of the lines: 12000 paid → 192
  expect(purchasePoints({ amountFen: 12_000, storeId: 's1', lines }, r, now)).toBe(192)
  // free lines: the amount counts without a category
  expect(purchasePoints({ amountFen: 500, storeId: 's1', lines: [{ productId: 'gift', quantity: 1, priceFen: 0 }] }, r, now)).toBe(5)
})
