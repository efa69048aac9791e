/**
 * The report's groupings done by the database: plain MongoDB aggregation pipelines (pure data; the
 * range gives the instants), which cloudfunctions/admin/report.ts sends through `aggregate()`. The
 * function then reads a few hundred grouped rows instead of every purchase and every new member, so
 * its time, memory and round trips no longer grow with the brand (test/domain/report.test.ts runs
 * them through mingo, the emulator's engine, against the per-row definitions).
 *
 * Shanghai days and months use the fixed offset +08:00: Asia/Shanghai has had no daylight saving
 * time since 1991 (domain/time.ts). Only stages and operators CloudBase documents are used: match,
 * project, group, lookup, unwind; $dateToString, $cond, $ifNull, $subtract, $gte, $size, $sum, $addToSet.
 */
import { rangeBounds, type DayRange } from './report'

export type Stage = Record<string, unknown>

const OFFSET = '+08:00'
const dayOf = (date: string) => ({ $dateToString: { date, format: '%Y-%m-%d', timezone: OFFSET } })
const monthOf = (date: string) => ({ $dateToString: { date, format: '%Y-%m', timezone: OFFSET } })

/** Purchases in the range that count (`counts` in domain/report.ts: not fully refunded), with `net` = paid − refunded. */
function countingPurchases(range: DayRange, match: Record<string, unknown> = {}): Stage[] {
  const { start, end } = rangeBounds(range)
  return [
    { $match: { ...match, createdAt: { $gte: start, $lt: end }, status: { $ne: 'refunded' } } },
    { $project: { memberId: 1, createdAt: 1, net: { $subtract: ['$amountFen', { $ifNull: ['$refundedFen', 0] }] } } },
    { $match: { net: { $gt: 0 } } },
  ]
}

/** On `members`: members who joined in the range per Shanghai day → `{ day, n }` (JoinedDayRow). */
export function joinedByDayPipeline(range: DayRange): Stage[] {
  const { start, end } = rangeBounds(range)
  return [{ $match: { createdAt: { $gte: start, $lt: end } } }, { $group: { _id: dayOf('$createdAt'), n: { $sum: 1 } } }, { $project: { _id: 0, day: '$_id', n: 1 } }]
}

/**
 * On `purchases`: buyers by the number of Shanghai days they bought on in the range (5 = five or
 * more), with their counting purchases and net sales → `{ days, buyers, purchases, salesFen }` (BuyerDaysRow).
 * Grouped by member first (one group per buyer, holding their days), not by member × day.
 */
export function buyerDaysPipeline(range: DayRange, match: Record<string, unknown> = {}): Stage[] {
  const days = { $size: '$days' }
  return [
    ...countingPurchases(range, match),
    { $group: { _id: '$memberId', days: { $addToSet: dayOf('$createdAt') }, purchases: { $sum: 1 }, salesFen: { $sum: '$net' } } },
    { $group: { _id: { $cond: [{ $gte: [days, 5] }, 5, days] }, buyers: { $sum: 1 }, purchases: { $sum: '$purchases' }, salesFen: { $sum: '$salesFen' } } },
    { $project: { _id: 0, days: '$_id', buyers: 1, purchases: 1, salesFen: 1 } },
  ]
}

/**
 * On `purchases`: members who joined in the range and bought in it, by join month (cohort) and a
 * Shanghai month they bought in → `{ cohort, month, members }` (CohortActiveRow). The join month comes
 * from the member (`$lookup` by `_id`, once per buyer).
 */
export function cohortPipeline(range: DayRange): Stage[] {
  const { start, end } = rangeBounds(range)
  return [
    ...countingPurchases(range),
    { $group: { _id: '$memberId', months: { $addToSet: monthOf('$createdAt') } } },
    { $lookup: { from: 'members', localField: '_id', foreignField: '_id', as: 'member' } },
    { $unwind: '$member' },
    { $match: { 'member.createdAt': { $gte: start, $lt: end } } },
    { $project: { months: 1, cohort: monthOf('$member.createdAt') } },
    { $unwind: '$months' },
    { $group: { _id: { cohort: '$cohort', month: '$months' }, members: { $sum: 1 } } },
    { $project: { _id: 0, cohort: '$_id.cohort', month: '$_id.month', members: 1 } },
  ]
}

/**
 * On `purchases` (optionally one store's, `match`): per Shanghai day of the range, the counting
 * purchases' net sales and distinct buyers → `{ day, salesFen, purchases, buyers }` (the console's trend charts).
 */
export function dailySalesPipeline(range: DayRange, match: Record<string, unknown> = {}): Stage[] {
  return [
    ...countingPurchases(range, match),
    { $group: { _id: dayOf('$createdAt'), salesFen: { $sum: '$net' }, purchases: { $sum: 1 }, buyers: { $addToSet: '$memberId' } } },
    { $project: { _id: 0, day: '$_id', salesFen: 1, purchases: 1, buyers: { $size: '$buyers' } } },
  ]
}

/** On `purchases`: the distinct members who ever bought in the store → `{ n }` (one row, none without purchases). */
export function storeBuyersPipeline(storeId: string): Stage[] {
  return [{ $match: { storeId } }, { $group: { _id: '$memberId' } }, { $group: { _id: null, n: { $sum: 1 } } }, { $project: { _id: 0, n: 1 } }]
}

/**
 * On `purchases`: members who joined in the range and bought in the store in the range (the store's
 * new members) → `{ n }` (one row, none when there are none). The join date comes from the member ($lookup by `_id`).
 */
export function storeNewMembersPipeline(range: DayRange, storeId: string): Stage[] {
  const { start, end } = rangeBounds(range)
  return [
    { $match: { storeId, createdAt: { $gte: start, $lt: end } } },
    { $group: { _id: '$memberId' } },
    { $lookup: { from: 'members', localField: '_id', foreignField: '_id', as: 'member' } },
    { $unwind: '$member' },
    { $match: { 'member.createdAt': { $gte: start, $lt: end } } },
    { $group: { _id: null, n: { $sum: 1 } } },
    { $project: { _id: 0, n: 1 } },
  ]
}
