/** NPS: who is asked, how scores count, the table by store and Shanghai month. */
import fc from 'fast-check'
import { npsAsk, npsCategory, npsScore, npsTable } from '../../domain/nps'

const DAY = 86_400_000
const now = new Date('2026-11-23T10:00:00+08:00')
const purchase = (daysAgo: number, status = 'completed') => ({ purchaseId: 'p1', storeId: 's1', createdAt: new Date(now.getTime() - daysAgo * DAY), status })

describe('npsAsk', () => {
  test('asks about a kept purchase of the last 7 days, unless opted out or asked within 90 days', () => {
    expect(npsAsk({ optOut: false, askedAt: null, lastPurchase: purchase(1), now })).toEqual({ ask: true, purchaseId: 'p1', storeId: 's1' })
    expect(npsAsk({ optOut: false, askedAt: null, lastPurchase: purchase(7), now }).ask).toBe(true)
    expect(npsAsk({ optOut: false, askedAt: null, lastPurchase: purchase(7.01), now })).toEqual({ ask: false, reason: 'no_recent_purchase' })
    expect(npsAsk({ optOut: false, askedAt: null, lastPurchase: purchase(1, 'refunded'), now })).toEqual({ ask: false, reason: 'no_recent_purchase' })
    expect(npsAsk({ optOut: false, askedAt: null, lastPurchase: null, now })).toEqual({ ask: false, reason: 'no_recent_purchase' })
    expect(npsAsk({ optOut: true, askedAt: null, lastPurchase: purchase(1), now })).toEqual({ ask: false, reason: 'opted_out' })
    expect(npsAsk({ optOut: false, askedAt: new Date(now.getTime() - 89.9 * DAY), lastPurchase: purchase(1), now })).toEqual({ ask: false, reason: 'asked_recently' })
    expect(npsAsk({ optOut: false, askedAt: new Date(now.getTime() - 90 * DAY), lastPurchase: purchase(1), now }).ask).toBe(true)
  })

  test('never asks twice within 90 days, whatever the purchases', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 89.99, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }), (askedDaysAgo, boughtDaysAgo) => {
        expect(npsAsk({ optOut: false, askedAt: new Date(now.getTime() - askedDaysAgo * DAY), lastPurchase: purchase(boughtDaysAgo), now }).ask).toBe(false)
      }),
    )
  })
})

test('categories and the score', () => {
  expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter'])
  expect(npsScore(5, 2, 10)).toBe(30)
  expect(npsScore(1, 2, 3)).toBe(-33.3)
  expect(npsScore(0, 0, 0)).toBe(0)
})

test('the table groups by store and Shanghai month (an answer at 16:30 UTC on Oct 31 is November 1 in Shanghai)', () => {
  const { rows, total } = npsTable([
    { storeId: 'b', score: 10, at: new Date('2026-10-31T23:30:00Z') },
    { storeId: 'b', score: 3, at: new Date('2026-11-02T10:00:00+08:00') },
    { storeId: 'a', score: 9, at: new Date('2026-10-31T16:30:00Z') },
    { storeId: 'a', score: 8, at: new Date('2026-10-10T15:00:00+08:00') },
  ])
  expect(rows).toEqual([
    { storeId: 'a', month: '2026-10', responses: 1, promoters: 0, passives: 1, detractors: 0, nps: 0 },
    { storeId: 'a', month: '2026-11', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 },
    { storeId: 'b', month: '2026-11', responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 },
  ])
  expect(total).toEqual({ responses: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 })
})
