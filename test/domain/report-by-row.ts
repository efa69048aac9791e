/**
 * The report's member and purchase sections computed one row at a time, as domain/report.ts defines
 * them, and generators of rows around the range's ends: what the database pipelines (report.test)
 * and the daily rollups (report-rollup.test) are compared with.
 */
import fc from 'fast-check'
import { counts, rangeBounds, type BuyerDaysRow, type DayRange, type PurchaseRow } from '../../domain/report'
import { shanghaiDay, shanghaiMonth } from '../../domain/time'

/** New members per day, buyers by the number of days they bought on (5+ together), cohort activity. */
export function reportByRow(members: Array<{ _id: string; createdAt: Date }>, purchases: PurchaseRow[], range: DayRange) {
  const { start, end } = rangeBounds(range)
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
  const days = new Map<number, BuyerDaysRow>()
  for (const b of bought.values()) {
    const d = Math.min(b.days.size, 5)
    const row = days.get(d) ?? { days: d, buyers: 0, purchases: 0, salesFen: 0 }
    days.set(d, { days: d, buyers: row.buyers + 1, purchases: row.purchases + b.purchases, salesFen: row.salesFen + b.salesFen })
  }
  return {
    joinedByDay: [...perDay].map(([day, n]) => ({ day, n })),
    buyerDays: [...days.values()],
    cohorts: [...active].map(([key, set]) => ({ cohort: key.split('|')[0], month: key.split('|')[1], members: set.size })),
  }
}

/** The range the generated rows are placed around: instants at its ends and at Shanghai midnights (16:00 UTC), and anywhere near. */
export const EDGE_RANGE: DayRange = { from: '2026-01-15', to: '2026-03-02' }
const edges = ['2026-01-14T15:59:59.999Z', '2026-01-14T16:00:00Z', '2026-01-31T15:59:59.999Z', '2026-01-31T16:00:00Z', '2026-03-02T15:59:59.999Z', '2026-03-02T16:00:00Z'].map(s => new Date(s))
export const edgeInstant = fc.oneof(fc.constantFrom(...edges), fc.date({ min: new Date('2026-01-10T00:00:00Z'), max: new Date('2026-03-06T00:00:00Z'), noInvalidDate: true }))
export const MEMBER_IDS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']
export const memberRow = fc.record({ _id: fc.constantFrom(...MEMBER_IDS), createdAt: edgeInstant })
/** A purchase row without its `_id` (some of a member without a doc). */
export const purchaseRow = fc.record({
  memberId: fc.constantFrom(...MEMBER_IDS, 'no-member-doc'),
  storeId: fc.constantFrom('s1', 's2', null),
  amountFen: fc.constantFrom(0, 100, 5_000),
  refundedFen: fc.constantFrom(0, 100, 5_000),
  status: fc.constantFrom('completed', 'partially_refunded', 'refunded'),
  createdAt: edgeInstant,
})
