/**
 * Daily rollups (domain/report-rollup.ts): a range's rollups, each made from one day's rows, give the
 * same sections as the rules applied to the rows themselves (new members, repurchase, cohorts,
 * reminders and their follow-ups), around Shanghai midnights and the range's ends.
 */
import fc from 'fast-check'
import { buildReport, daysOf, rangeBounds, type DayRange, type PurchaseRow, type ReminderLogRow } from '../../domain/report'
import { addToSnapshot, memberKey, packKeys, reportInputFromRollups, rollupDay, splitByDay, unpackKeys } from '../../domain/report-rollup'
import { EDGE_RANGE, edgeInstant, MEMBER_IDS, memberRow, purchaseRow, reportByRow } from './report-by-row'

const RANGE: DayRange = EDGE_RANGE
const NOW = new Date('2026-03-20T04:00:00Z')
const TIERS = [{ tierId: 'base', name: '普通' }]

/** The rows' report input, rule by rule (as domain/report.ts defines the sections). */
function byRow(members: Array<{ _id: string; createdAt: Date }>, purchases: PurchaseRow[], sends: ReminderLogRow[]) {
  const { start, end } = rangeBounds(RANGE)
  const inRange = (at: Date) => at >= start && at < end
  return { ...reportByRow(members, purchases, RANGE), reminders: sends.filter(s => inRange(s.sentAt)), followUps: purchases }
}

const send = fc.record({ memberId: fc.constantFrom(...MEMBER_IDS), kind: fc.constantFrom('win_back', 'birthday'), sentAt: edgeInstant, status: fc.constantFrom('sent', 'sent', 'failed') })

test('property: the rollups of the days give the sections the rows give', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(memberRow, { selector: m => m._id }),
      fc.array(purchaseRow, { maxLength: 40 }),
      fc.array(send, { maxLength: 12 }),
      fc.constantFrom(1, 7, 30),
      (members, raw, rawSends, followUpDays) => {
        const purchases = raw.map((p, i) => ({ _id: `p${i}`, ...p }))
        const sends = rawSends.map((s, i) => ({ _id: `s${i}`, ...s }))
        // every day the rows touch, rolled up one day at a time
        const all = daysOf({ from: '2026-01-09', to: '2026-03-07' })
        const days = splitByDay(all, {
          purchases,
          refunds: [],
          joined: members,
          checkins: [],
          ledger: [],
          coupons: [],
          sends,
          nps: [],
          writeOffs: [],
        }).map(rollupDay)
        const base = {
          range: RANGE,
          now: NOW,
          followUpDays,
          tiers: TIERS,
          stageTier: [],
          buyers: [],
          scored: [],
          templates: [],
          coupons: [],
          lapsed: [],
          checkins: [],
          ledger: [],
          nps: [],
          stores: [],
        }
        const fromRollups = buildReport(reportInputFromRollups({ range: RANGE, now: NOW, followUpDays, tiers: TIERS, snapshot: [], days, templates: [], stores: [] }))
        const fromRows = buildReport({ ...base, ...byRow(members, purchases, sends) })
        expect(fromRollups.newMembers).toEqual(fromRows.newMembers)
        expect(fromRollups.repurchase).toEqual(fromRows.repurchase)
        expect(fromRollups.cohorts).toEqual(fromRows.cohorts)
        expect(fromRollups.reminders).toEqual(fromRows.reminders)
      },
    ),
    { numRuns: 150 },
  )
})

test('member keys are stable, exact 53-bit integers, and differ between members', () => {
  expect(memberKey('o_abc')).toBe(memberKey('o_abc'))
  expect(memberKey('o_abc')).not.toBe(memberKey('o_abd'))
  const keys = new Set(Array.from({ length: 50_000 }, (_x, i) => memberKey(`o_member_${i}`)))
  expect(keys.size).toBe(50_000)
  for (const k of keys) expect(Number.isSafeInteger(k) && k >= 0).toBe(true)
})

test('packed key lists give back the keys, sorted; lists stored before packing still read', () => {
  fc.assert(
    fc.property(fc.array(fc.maxSafeNat()), keys => {
      const packed = packKeys(keys)
      expect(packed).toMatch(/^[A-Za-z0-9_-]*$/)
      expect(packed.length).toBe(9 * keys.length)
      expect(unpackKeys(packed)).toEqual([...keys].sort((a, b) => a - b))
    }),
  )
  const ids = ['o_abc', 'oXyZ_0123456789abcdefghijklmnop']
  const before = ids.map(id => memberKey(id).toString(36)) // how rollups stored keys before packing
  expect(unpackKeys(before)).toEqual(ids.map(memberKey))
  expect(unpackKeys(packKeys([Number.MAX_SAFE_INTEGER, 0]))).toEqual([0, Number.MAX_SAFE_INTEGER])
  // a damaged list gives no keys rather than wrong ones
  expect(unpackKeys('AAAA')).toEqual([])
  expect(unpackKeys('AAAAAAAA*')).toEqual([])
  expect(unpackKeys(undefined)).toEqual([])
})

test('the snapshot sums members by stage × tier, deleted ones left out, pages in any order', () => {
  const a = [
    { stage: 'active', tierId: 'gold', points: 10, stats: { purchases: 2, spendFen: 5_000 }, churn: { clvFen: 1_000, risk: 0.5 } },
    { stage: 'active', tierId: 'gold', points: 5, stats: { purchases: 0, spendFen: 0 } },
  ]
  const b = [
    { stage: 'new', tierId: null, points: 1 },
    { stage: 'active', tierId: 'gold', status: 'deleted', points: 99, stats: { purchases: 9, spendFen: 9 } },
  ]
  const one = addToSnapshot(addToSnapshot([], a), b)
  const other = addToSnapshot(addToSnapshot([], b), a)
  const sort = (rows: typeof one) => [...rows].sort((x, y) => String(x.stage).localeCompare(String(y.stage)))
  expect(sort(one)).toEqual(sort(other))
  expect(sort(one)).toEqual([
    { stage: 'active', tierId: 'gold', n: 2, spendFen: 5_000, buyers: 1, buyerSpendFen: 5_000, scored: 1, scoredSpendFen: 5_000, clvFen: 1_000, risk: 0.5, points: 15 },
    { stage: 'new', tierId: null, n: 1, spendFen: 0, buyers: 0, buyerSpendFen: 0, scored: 0, scoredSpendFen: 0, clvFen: 0, risk: 0, points: 1 },
  ])
})
