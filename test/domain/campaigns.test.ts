/** Holdout assignment and the lift figures of a campaign. */
import fc from 'fast-check'
import { campaignGroup, liftReport, normalCdf } from '../../domain/campaigns'

describe('campaignGroup', () => {
  test('the same campaign and member always land in the same group; a holdout member stays held out at a larger share', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 49 }), (campaignId, memberId, pct) => {
        const group = campaignGroup(campaignId, memberId, pct)
        expect(campaignGroup(campaignId, memberId, pct)).toBe(group)
        if (group === 'holdout') expect(campaignGroup(campaignId, memberId, pct + 1)).toBe('holdout')
      }),
    )
  })

  test('holds out close to the share asked for, and a different campaign draws a different holdout', () => {
    const ids = Array.from({ length: 20_000 }, (_x, i) => `o_member_${i}`)
    const held = ids.filter(id => campaignGroup('spring', id, 10) === 'holdout')
    expect(held.length / ids.length).toBeGreaterThan(0.09)
    expect(held.length / ids.length).toBeLessThan(0.11)
    const other = new Set(ids.filter(id => campaignGroup('autumn', id, 10) === 'holdout'))
    const overlap = held.filter(id => other.has(id)).length
    // independent draws overlap by about 10 % of 10 %
    expect(overlap / ids.length).toBeLessThan(0.02)
  })
})

describe('liftReport', () => {
  test('a treated group converting at 20 % against a holdout at 10 %', () => {
    const r = liftReport({ members: 900, buyers: 180, purchases: 250, spendFen: 1_800_000 }, { members: 100, buyers: 10, purchases: 12, spendFen: 150_000 })
    expect(r.treated.conversion).toBeCloseTo(0.2, 10)
    expect(r.holdout.conversion).toBeCloseTo(0.1, 10)
    expect(r.conversionDiff).toBeCloseTo(0.1, 10)
    expect(r.relativeLift).toBeCloseTo(1, 10)
    // se = sqrt(.2·.8/900 + .1·.9/100) = 0.0328295
    expect(r.conversionDiff95![0]).toBeCloseTo(0.1 - 1.96 * 0.0328295, 5)
    expect(r.conversionDiff95![1]).toBeCloseTo(0.1 + 1.96 * 0.0328295, 5)
    // pooled z = 0.1 / sqrt(.19·.81·(1/900 + 1/100)) = 2.41825 → two-sided p 0.01560
    expect(r.pValue!).toBeCloseTo(0.0156, 4)
    expect(r.incrementalBuyers).toBeCloseTo(90, 8)
    expect(r.incrementalSpendFen).toBe(450_000)
    expect(r.treated.spendPerMemberFen).toBe(2000)
  })

  test('no holdout buyers: no relative lift; an empty group: no interval and no p-value', () => {
    const none = liftReport({ members: 50, buyers: 5, purchases: 5, spendFen: 5000 }, { members: 5, buyers: 0, purchases: 0, spendFen: 0 })
    expect(none.relativeLift).toBeNull()
    expect(none.conversionDiff).toBeCloseTo(0.1, 10)
    expect(none.pValue).not.toBeNull()
    const empty = liftReport({ members: 50, buyers: 5, purchases: 5, spendFen: 5000 }, { members: 0, buyers: 0, purchases: 0, spendFen: 0 })
    expect(empty.conversionDiff95).toBeNull()
    expect(empty.pValue).toBeNull()
    expect(empty.incrementalBuyers).toBe(0)
    expect(liftReport({ members: 10, buyers: 0, purchases: 0, spendFen: 0 }, { members: 10, buyers: 0, purchases: 0, spendFen: 0 }).pValue).toBe(1)
  })

  test('normalCdf matches the table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4)
    expect(normalCdf(-1.6449)).toBeCloseTo(0.05, 4)
    expect(normalCdf(3)).toBeCloseTo(0.99865, 5)
  })
})
