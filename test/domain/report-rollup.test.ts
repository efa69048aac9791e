/**
 * Daily rollups (domain/report-rollup.ts): a range's rollups, each made from one day's rows, give the
 * same sections as the rules applied to the rows themselves (new members, repurchase, cohorts,
 * reminders and their follow-ups), around Shanghai midnights and the range's ends.
 */
import fc from 'fast-check'
import { buildReport, counts, daysOf, rangeBounds, type DayRange, type PurchaseRow, type ReminderLogRow } from '../../domain/report'
import { addToSnapshot, memberKey, reportInputFromRollups, rollupDay, splitByDay } from '../../domain/report-rollup'
import { shanghaiDay, shanghaiMonth } from '../../domain/time'

const RANGE: DayRange = { from: '2026-01-15', to: '2026-03-02' }
const NOW = new Date('2026-03-20T04:00:00Z')
const TIERS = [{ tierId: 'base', name: '普通' }]

/** The rows' report input, rule by rule (as domain/report.ts defines the sections). */
function byRow(members: Array<{ _id: string; createdAt: Date }>, purchases: PurchaseRow[], sends: ReminderLogRow[]) {
  const { start, end } = rangeBounds(RANGE)
  const inRange = (at: Date) => at >= start && at < end
  const joined = members.filter(m => inRange(m.createdAt))
  const perDay = new Map<string, number>()
  for (const m of joined) perDay.set(shanghaiDay(m.createdAt), (perDay.get(shanghaiDay(m.createdAt)) ?? 0) + 1)
  const bought = new Map<string, { days: Set<string>; purchases: number; salesFen: number }>()
  const cohortOf = new Map(joined.map(m => [m._id, shanghaiMonth(m.createdAt)]))
  const active = new Map<string, Set<string>>()
  for (const p of purchases.filter(x => counts(x) && inRange(x.createdAt))) {
    const b = bought.get(p.memberId) ?? { days: new Set<string>(), purchases: 0, salesFen: 0 }
    b.days.add(shanghaiDay(p.createdAt))
    b.purchases++
    b.salesFen += p.amountFen - (p.refundedFen ?? 0)
    bought.set(p.memberId, b)
    const cohort = cohortOf.get(p.memberId)
    if (cohort) active.set(`${cohort}|${shanghaiMonth(p.createdAt)}`, (active.get(`${cohort}|${shanghaiMonth(p.createdAt)}`) ?? new Set()).add(p.memberId))
  }
  const days = new Map<number, { days: number; buyers: number; purchases: number; salesFen: number }>()
  for (const b of bought.values()) {
    const d = Math.min(b.days.size, 5)
    const row = days.get(d) ?? { days: d, buyers: 0, purchases: 0, salesFen: 0 }
    days.set(d, { days: d, buyers: row.buyers + 1, purchases: row.purchases + b.purchases, salesFen: row.salesFen + b.salesFen })
  }
  return {
    joinedByDay: [...perDay].map(([day, n]) => ({ day, n })),
    buyerDays: [...days.values()],
    cohorts: [...active].map(([key, set]) => ({ cohort: key.split('|')[0], month: key.split('|')[1], members: set.size })),
    reminders: sends.filter(s => inRange(s.sentAt)),
    followUps: purchases,
  }
}

const edges = ['2026-01-14T15:59:59.999Z', '2026-01-14T16:00:00Z', '2026-01-31T15:59:59.999Z', '2026-01-31T16:00:00Z', '2026-03-02T15:59:59.999Z', '2026-03-02T16:00:00Z'].map(s => new Date(s))
const instant = fc.oneof(fc.constantFrom(...edges), fc.date({ min: new Date('2026-01-10T00:00:00Z'), max: new Date('2026-03-06T00:00:00Z'), noInvalidDate: true }))
const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']
const member = fc.record({ _id: fc.constantFrom(...ids), createdAt: instant })
const purchase = fc.record({
  memberId: fc.constantFrom(...ids, 'no-member-doc'),
  storeId: fc.constantFrom('s1', 's2', null),
  amountFen: fc.constantFrom(0, 100, 5_000),
  refundedFen: fc.constantFrom(0, 100, 5_000),
  status: fc.constantFrom('completed', 'partially_refunded', 'refunded'),
  createdAt: instant,
})
const send = fc.record({ memberId: fc.constantFrom(...ids), kind: fc.constantFrom('win_back', 'birthday'), sentAt: instant, status: fc.constantFrom('sent', 'sent', 'failed') })

test('property: the rollups of the days give the sections the rows give', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(member, { selector: m => m._id }),
      fc.array(purchase, { maxLength: 40 }),
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

test('member keys are stable, short, and differ between members', () => {
  expect(memberKey('o_abc')).toBe(memberKey('o_abc'))
  expect(memberKey('o_abc')).not.toBe(memberKey('o_abd'))
  expect(memberKey('oXyZ_0123456789abcdefghijklmnop').length).toBeLessThanOrEqual(11)
  const keys = new Set(Array.from({ length: 50_000 }, (_x, i) => memberKey(`o_member_${i}`)))
  expect(keys.size).toBe(50_000)
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
