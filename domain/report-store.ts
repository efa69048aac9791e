/**
 * One store's report groupings, done by the database: plain pipelines on `purchases` (pure data, like
 * domain/report-pipelines.ts) that cloudfunctions/admin/report.ts sends for a store manager's 报表.
 * Members do not belong to a store: a store's customers are the members who bought there, and only
 * purchases made there count. Each starts with `$match: { storeId, … }` (index storeId_createdAt).
 * Shanghai days and months use the fixed offset +08:00 (no daylight saving time since 1991).
 */
import { rangeBounds, type DayRange } from './report'
import type { Stage } from './report-pipelines'

const OFFSET = '+08:00'
const dayOf = (date: string) => ({ $dateToString: { date, format: '%Y-%m-%d', timezone: OFFSET } })
const monthOf = (date: string) => ({ $dateToString: { date, format: '%Y-%m', timezone: OFFSET } })
/** What a purchase kept: paid − refunded, 0 when fully refunded (domain/report.ts `counts`, `netFen`). */
const kept = { $cond: [{ $eq: ['$status', 'refunded'] }, 0, { $subtract: ['$amountFen', { $ifNull: ['$refundedFen', 0] }] }] }
/** Joins each `_id` (a member id) with its member document. */
const withMember = [{ $lookup: { from: 'members', localField: '_id', foreignField: '_id', as: 'member' } }, { $unwind: '$member' }]

/**
 * Every member who ever bought in the store (not deleted), grouped by their current stage × tier,
 * with what they kept paying there: `{ stage, tierId, n, spendFen, buyers, buyerSpendFen }`
 * (buyers: members with a net > 0 there; StageTierRow and BuyerRow in domain/report.ts).
 */
export function storeCustomersPipeline(storeId: string): Stage[] {
  return [
    { $match: { storeId } },
    { $project: { memberId: 1, net: kept } },
    { $group: { _id: '$memberId', net: { $sum: '$net' } } },
    ...withMember,
    { $match: { 'member.status': { $ne: 'deleted' } } },
    {
      $group: {
        _id: { stage: '$member.stage', tierId: '$member.tierId' },
        n: { $sum: 1 },
        spendFen: { $sum: '$net' },
        buyers: { $sum: { $cond: [{ $gt: ['$net', 0] }, 1, 0] } },
        buyerSpendFen: { $sum: { $cond: [{ $gt: ['$net', 0] }, '$net', 0] } },
      },
    },
    { $project: { _id: 0, stage: '$_id.stage', tierId: '$_id.tierId', n: 1, spendFen: 1, buyers: 1, buyerSpendFen: 1 } },
  ]
}

/**
 * Members who joined in the range and bought in the store in it (any purchase, as consoleHome's
 * store new members), per Shanghai join day → `{ day, n }` (JoinedDayRow).
 */
export function storeJoinedByDayPipeline(range: DayRange, storeId: string): Stage[] {
  const { start, end } = rangeBounds(range)
  return [
    { $match: { storeId, createdAt: { $gte: start, $lt: end } } },
    { $group: { _id: '$memberId' } },
    ...withMember,
    { $match: { 'member.createdAt': { $gte: start, $lt: end } } },
    { $group: { _id: dayOf('$member.createdAt'), n: { $sum: 1 } } },
    { $project: { _id: 0, day: '$_id', n: 1 } },
  ]
}

/**
 * Members who joined in the range and kept a purchase in the store in it, by join month (cohort) and
 * a Shanghai month they bought there → `{ cohort, month, members }` (CohortActiveRow).
 */
export function storeCohortPipeline(range: DayRange, storeId: string): Stage[] {
  const { start, end } = rangeBounds(range)
  return [
    { $match: { storeId, createdAt: { $gte: start, $lt: end }, status: { $ne: 'refunded' } } },
    { $project: { memberId: 1, createdAt: 1, net: { $subtract: ['$amountFen', { $ifNull: ['$refundedFen', 0] }] } } },
    { $match: { net: { $gt: 0 } } },
    { $group: { _id: '$memberId', months: { $addToSet: monthOf('$createdAt') } } },
    ...withMember,
    { $match: { 'member.createdAt': { $gte: start, $lt: end } } },
    { $project: { months: 1, cohort: monthOf('$member.createdAt') } },
    { $unwind: '$months' },
    { $group: { _id: { cohort: '$cohort', month: '$months' }, members: { $sum: 1 } } },
    { $project: { _id: 0, cohort: '$_id.cohort', month: '$_id.month', members: 1 } },
  ]
}
