import fc from 'fast-check'
import type { CouponDoc } from '../../types/coupons'
import { applyCoupons, couponState, describeCoupon, inAudience, offerBlocker, validityWindow } from '../../domain/coupons'
import { shanghaiDay } from '../../domain/time'

const now = new Date('2026-11-23T04:00:00Z') // 12:00 Shanghai

function coupon(overrides: Partial<CouponDoc> = {}): CouponDoc {
  return {
    _id: 'c1',
    code: '123456789012',
    templateId: 't',
    memberId: 'm1',
    memberNo: '1000000001',
    name: '券',
    type: 'cash',
    valueFen: 1000,
    percentOff: null,
    capFen: null,
    minSpendFen: 0,
    giftName: null,
    stackable: false,
    validFrom: new Date('2026-11-01T00:00:00Z'),
    validUntil: new Date('2026-12-01T00:00:00Z'),
    channel: 'claim_center',
    status: 'available',
    issuedAt: new Date('2026-11-01T00:00:00Z'),
    usedAt: null,
    writeOffId: null,
    ...overrides,
  }
}

test('summaries read like a shop would write them', () => {
  expect(describeCoupon({ type: 'threshold', valueFen: 2000, minSpendFen: 10000 })).toBe('满100减20')
  expect(describeCoupon({ type: 'cash', valueFen: 550, minSpendFen: 0 })).toBe('5.5元现金券')
  expect(describeCoupon({ type: 'percent', percentOff: 15, capFen: 3000, minSpendFen: 0 })).toBe('8.5折 最高减30元')
  expect(describeCoupon({ type: 'percent', percentOff: 20, minSpendFen: 5000 })).toBe('满50享8折')
  expect(describeCoupon({ type: 'gift', giftName: '帆布袋', minSpendFen: 0 })).toBe('礼品：帆布袋')
})

test('"N days after the claim" ends at the end of the Nth Shanghai day, whatever the host zone', () => {
  // claimed at 23:30 Shanghai on 11-23 (15:30 UTC): valid through 11-24 Shanghai for 1 day
  const { validUntil } = validityWindow({ kind: 'relative', days: 1 }, new Date('2026-11-23T15:30:00Z'))
  expect(validUntil.toISOString()).toBe('2026-11-24T16:00:00.000Z')
  expect(shanghaiDay(new Date(validUntil.getTime() - 1))).toBe('2026-11-24')
})

test('state: used wins; past validUntil is expired even if stored available', () => {
  expect(couponState(coupon(), now)).toBe('available')
  expect(couponState(coupon({ validUntil: now }), now)).toBe('expired')
  expect(couponState(coupon({ status: 'used', validUntil: new Date(0) }), now)).toBe('used')
})

test('audience: tiers default to the base tier, tags match any', () => {
  expect(inAudience({ kind: 'all' }, {})).toBe(true)
  expect(inAudience({ kind: 'tiers', tierIds: ['base'] }, {})).toBe(true)
  expect(inAudience({ kind: 'tiers', tierIds: ['gold'] }, { tierId: 'silver' })).toBe(false)
  expect(inAudience({ kind: 'tags', tags: ['新客', 'VIP'] }, { tags: ['VIP'] })).toBe(true)
})

test('offer blockers in the order a member would want to hear them', () => {
  const t: any = { status: 'active', validity: { kind: 'relative', days: 3 }, stock: 1, perMemberLimit: 1, audience: { kind: 'all' } }
  expect(offerBlocker(t, 0, {}, now)).toBeNull()
  expect(offerBlocker({ ...t, status: 'paused' }, 0, {}, now)).toBe('已暂停发放')
  expect(offerBlocker({ ...t, stock: 0 }, 0, {}, now)).toBe('已领完')
  expect(offerBlocker(t, 1, {}, now)).toBe('已达领取上限')
  expect(offerBlocker({ ...t, validity: { kind: 'fixed', start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' } }, 0, {}, now)).toBe('活动已结束')
})

describe('applyCoupons', () => {
  test('threshold, percent with cap, and the checks', () => {
    expect(applyCoupons([coupon({ type: 'threshold', valueFen: 2000, minSpendFen: 10000 })], 'm1', 10000, now)).toEqual({ discounts: [2000], discountFen: 2000, paidFen: 8000 })
    expect(applyCoupons([coupon({ type: 'percent', valueFen: null, percentOff: 15, capFen: 1000 })], 'm1', 10001, now).discountFen).toBe(1000)
    expect(applyCoupons([coupon({ type: 'percent', valueFen: null, percentOff: 15 })], 'm1', 999, now).discountFen).toBe(149)
    expect(() => applyCoupons([coupon({ minSpendFen: 10000 })], 'm1', 9999, now)).toThrow(expect.objectContaining({ code: 'COUPON_NOT_APPLICABLE' }))
    expect(() => applyCoupons([coupon({ minSpendFen: 10000 })], 'm1', null, now)).toThrow(expect.objectContaining({ code: 'COUPON_NOT_APPLICABLE' }))
    expect(() => applyCoupons([coupon()], 'someone-else', 5000, now)).toThrow(expect.objectContaining({ code: 'COUPON_NOT_APPLICABLE' }))
    expect(() => applyCoupons([coupon({ status: 'used' })], 'm1', 5000, now)).toThrow(expect.objectContaining({ code: 'COUPON_USED' }))
    expect(() => applyCoupons([coupon({ validUntil: now })], 'm1', 5000, now)).toThrow(expect.objectContaining({ code: 'COUPON_EXPIRED' }))
    expect(() => applyCoupons([coupon({ validFrom: new Date(now.getTime() + 1) })], 'm1', 5000, now)).toThrow(expect.objectContaining({ code: 'COUPON_NOT_APPLICABLE' }))
    expect(() => applyCoupons([coupon({ type: 'makeup_card' })], 'm1', 5000, now)).toThrow(expect.objectContaining({ code: 'COUPON_NOT_APPLICABLE' }))
  })

  test('stacking: one non-stackable alone, or stackable ones together', () => {
    const a = coupon({ _id: 'a', stackable: true, valueFen: 300 })
    const b = coupon({ _id: 'b', stackable: true, valueFen: 500 })
    expect(applyCoupons([a, b], 'm1', 5000, now).discountFen).toBe(800)
    expect(() => applyCoupons([a, coupon({ _id: 'c' })], 'm1', 5000, now)).toThrow(expect.objectContaining({ code: 'COUPON_NOT_APPLICABLE' }))
    expect(() => applyCoupons([a, a], 'm1', 5000, now)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  test('property: the discount never exceeds the order and nothing is paid below zero', () => {
    const arbCoupon = fc.record({
      type: fc.constantFrom('cash' as const, 'percent' as const, 'threshold' as const),
      valueFen: fc.integer({ min: 1, max: 50_000 }),
      percentOff: fc.integer({ min: 1, max: 99 }),
      capFen: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
    })
    fc.assert(
      fc.property(fc.array(arbCoupon, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 1_000_000 }), (specs, orderFen) => {
        const list = specs.map((s, i) => coupon({ _id: `c${i}`, stackable: true, ...s, minSpendFen: 0 }))
        const { discounts, discountFen, paidFen } = applyCoupons(list, 'm1', orderFen, now)
        expect(discountFen).toBe(discounts.reduce((x, y) => x + y, 0))
        expect(discountFen).toBeLessThanOrEqual(orderFen)
        expect(paidFen).toBe(orderFen - discountFen)
        expect(discounts.every(d => Number.isInteger(d) && d >= 0)).toBe(true)
      }),
    )
  })
})
