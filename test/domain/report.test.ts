/**
 * Reports on small hand-made data with exact figures (Shanghai days and months whatever the host
 * zone). What the database groups (domain/report-pipelines.ts) runs here through mingo, the engine
 * of the local CloudBase, and is checked against the rules written one purchase at a time.
 */
import fc from 'fast-check'
import { Aggregator } from 'mingo'
import { EDGE_RANGE, memberRow, purchaseRow, reportByRow } from './report-by-row'
import {
  buildReport,
  checkinSection,
  cohortSection,
  couponSection,
  daysOf,
  ltvSection,
  monthsOf,
  newMembersSection,
  pointsSection,
  rangeBounds,
  reminderSection,
  repurchaseSection,
  stageTierSection,
  type BuyerDaysRow,
  type CohortActiveRow,
  type DayRange,
  type JoinedDayRow,
  type PurchaseRow,
  type ReminderLogRow,
  type ReportInput,
} from '../../domain/report'
import { buyerDaysPipeline, cohortPipeline, joinedByDayPipeline, type Stage } from '../../domain/report-pipelines'
import { ReportEventSchema } from '../../types/report'

/** An instant given as Shanghai wall time. */
const sh = (s: string) => new Date(`${s}+08:00`)
const RANGE = { from: '2026-01-01', to: '2026-03-31' }
const TIERS = [
  { tierId: 'base', name: '普通会员' },
  { tierId: 'silver', name: '银卡会员' },
]

const JOINED = [
  { _id: 'a', createdAt: sh('2026-01-05T10:00:00') },
  { _id: 'b', createdAt: sh('2026-01-31T23:30:00') }, // 15:30 UTC: still January in Shanghai
  { _id: 'c', createdAt: sh('2026-02-01T00:10:00') }, // January in UTC, February in Shanghai
  { _id: 'd', createdAt: sh('2025-12-31T23:59:00') }, // before the range
  { _id: 'e', createdAt: sh('2026-03-31T23:59:59') },
  { _id: 'f', createdAt: sh('2026-04-01T00:00:00') }, // after the range
]

const p = (id: string, memberId: string, at: string, amountFen: number, refundedFen = 0): PurchaseRow => ({
  _id: id,
  memberId,
  amountFen,
  refundedFen,
  status: refundedFen >= amountFen ? 'refunded' : refundedFen > 0 ? 'partially_refunded' : 'completed',
  createdAt: sh(at),
})
const PURCHASES = [
  p('p1', 'a', '2026-01-05T12:00:00', 10_000),
  p('p2', 'a', '2026-01-05T18:00:00', 5_000), // the same Shanghai day as p1
  p('p3', 'a', '2026-02-10T12:00:00', 8_000),
  p('p4', 'b', '2026-01-31T23:40:00', 3_000),
  p('p5', 'b', '2026-03-02T12:00:00', 2_000, 2_000), // fully refunded: does not count
  p('p6', 'c', '2026-03-15T12:00:00', 4_000, 1_000), // partly refunded: counts, worth 3,000
  p('p7', 'd', '2026-01-10T12:00:00', 6_000),
  p('p8', 'd', '2026-01-11T12:00:00', 6_000),
  p('p9', 'x', '2026-04-02T10:00:00', 1_000), // after the range: only a reminder follow-up
]

/** A pipeline over `docs` as the local CloudBase runs it (mingo), `$lookup` reading `collections`. */
function run<T>(stages: Stage[], docs: object[], collections: Record<string, object[]> = {}): T[] {
  return new Aggregator(stages, { idKey: '_id', collectionResolver: (name: string) => (collections[name] ?? []) as Array<Record<string, unknown>> }).run(docs as Array<Record<string, unknown>>) as T[]
}
const joinedByDay = (range: DayRange, members: object[]) => run<JoinedDayRow>(joinedByDayPipeline(range), members)
const buyerDays = (range: DayRange, purchases: object[]) => run<BuyerDaysRow>(buyerDaysPipeline(range), purchases)
const cohorts = (range: DayRange, purchases: object[], members: object[]) => run<CohortActiveRow>(cohortPipeline(range), purchases, { members })

const log = (id: string, memberId: string, kind: string, at: string, status = 'sent'): ReminderLogRow => ({ _id: id, memberId, kind, sentAt: sh(at), status })
const LOGS = [
  log('r1', 'a', 'coupon_expiring', '2026-02-05T10:00:00'),
  log('r2', 'a', 'win_back', '2026-02-08T10:00:00'), // p3 follows both r1 and r2: attributed to r2, the latest
  log('r3', 'b', 'birthday', '2026-03-01T10:00:00'), // followed only by a fully refunded purchase
  log('r4', 'c', 'coupon_expiring', '2026-03-10T10:00:00'),
  log('r5', 'x', 'win_back', '2026-03-30T12:00:00'), // followed by p9 after the range, within 7 days
  log('r6', 'd', 'coupon_expiring', '2026-01-01T10:00:00', 'failed'),
  log('r7', 'e', 'tier_upgraded', '2026-04-01T00:00:00'), // after the range
  log('r8', 'd', 'coupon_expiring', '2026-01-02T10:00:00'), // p7 is 8 days later: too late
]

describe('ranges in Shanghai days', () => {
  test('bounds, days and months', () => {
    expect(rangeBounds(RANGE)).toEqual({ start: new Date('2025-12-31T16:00:00Z'), end: new Date('2026-03-31T16:00:00Z') })
    const days = daysOf(RANGE)
    expect(days).toHaveLength(90)
    expect([days[0], days[30], days[31], days[89]]).toEqual(['2026-01-01', '2026-01-31', '2026-02-01', '2026-03-31'])
    const months = monthsOf({ from: '2026-01-15', to: '2026-03-02' })
    expect(months.map(m => m.month)).toEqual(['2026-01', '2026-02', '2026-03'])
    expect(months[0].start).toEqual(new Date('2026-01-14T16:00:00Z'))
    expect(months[1]).toEqual({ month: '2026-02', start: new Date('2026-01-31T16:00:00Z'), end: new Date('2026-02-28T16:00:00Z') })
    expect(months[2].end).toEqual(new Date('2026-03-02T16:00:00Z'))
  })

  test('the event: real dates, from ≤ to, at most 366 days', () => {
    const parse = (e: object) => ReportEventSchema.safeParse({ action: 'report', ...e })
    expect(parse({ from: '2026-01-01', to: '2026-03-31' })).toMatchObject({ success: true, data: { followUpDays: 7 } })
    expect(parse({ from: '2024-01-01', to: '2024-12-31' }).success).toBe(true) // 366 days (leap year)
    expect(parse({ from: '2025-01-01', to: '2026-01-01' }).success).toBe(true) // 366 days
    expect(parse({ from: '2025-01-01', to: '2026-01-02' }).success).toBe(false) // 367
    expect(parse({ from: '2026-03-01', to: '2026-02-28' }).success).toBe(false)
    expect(parse({ from: '2026-02-30', to: '2026-03-01' }).success).toBe(false)
    expect(parse({ from: '2026/01/01', to: '2026-03-01' }).success).toBe(false)
    expect(parse({ from: '2026-01-01' }).success).toBe(false)
    expect(parse({ from: '2026-01-01', to: '2026-01-02', followUpDays: 0 }).success).toBe(false)
    expect(parse({ from: '2026-01-01', to: '2026-01-02', extra: 1 }).success).toBe(false)
  })
})

describe('sections', () => {
  test('members by stage × tier: no tier counts as the first tier, unknown tiers are kept', () => {
    const s = stageTierSection(
      [
        { stage: 'new', tierId: 'base', n: 3, spendFen: 1_000 },
        { stage: 'active', tierId: 'silver', n: 2, spendFen: 50_000 },
        { stage: 'churned', tierId: null, n: 1, spendFen: 0 },
        { stage: 'loyal', tierId: 'vip-old', n: 1, spendFen: 9_000 },
      ],
      TIERS,
    )
    expect(s.tiers).toEqual([...TIERS, { tierId: 'vip-old', name: 'vip-old' }])
    expect(s.rows.map(r => [r.stage, r.name, r.counts, r.total])).toEqual([
      ['new', '新客', [3, 0, 0], 3],
      ['active', '活跃', [0, 2, 0], 2],
      ['loyal', '忠诚', [0, 0, 1], 1],
      ['sleeping', '沉睡', [0, 0, 0], 0],
      ['churned', '流失', [1, 0, 0], 1],
    ])
    expect(s.byTier.map(t => t.count)).toEqual([4, 2, 1])
    expect(s.total).toBe(7)
  })

  test('new members by Shanghai day and month', () => {
    const s = newMembersSection(joinedByDay(RANGE, JOINED), RANGE)
    expect(s.total).toBe(4)
    expect(s.byMonth).toEqual([
      { month: '2026-01', count: 2 },
      { month: '2026-02', count: 1 },
      { month: '2026-03', count: 1 },
    ])
    expect(s.byDay).toHaveLength(90)
    expect(s.byDay.filter(d => d.count).map(d => d.day)).toEqual(['2026-01-05', '2026-01-31', '2026-02-01', '2026-03-31'])
  })

  test('repurchase rate: buyers on two or more Shanghai days; fully refunded purchases do not count', () => {
    expect(repurchaseSection(buyerDays(RANGE, PURCHASES))).toEqual({
      purchases: 7,
      salesFen: 41_000,
      avgOrderFen: 5_857,
      buyers: 4,
      repeatBuyers: 2, // a (01-05, 02-10) and d (01-10, 01-11); b's second purchase was refunded
      rate: 0.5,
      distribution: [
        { days: '1', buyers: 2 },
        { days: '2', buyers: 2 },
        { days: '3', buyers: 0 },
        { days: '4', buyers: 0 },
        { days: '5+', buyers: 0 },
      ],
    })
    expect(repurchaseSection([])).toMatchObject({ buyers: 0, rate: null, avgOrderFen: null })
  })

  test('average and predicted LTV from the stored scores', () => {
    const stageTier = [
      { stage: 'new', tierId: 'base', n: 3, spendFen: 1_000 },
      { stage: 'active', tierId: 'silver', n: 2, spendFen: 50_000 },
      { stage: 'churned', tierId: null, n: 1, spendFen: 0 },
      { stage: 'loyal', tierId: 'vip-old', n: 1, spendFen: 9_000 },
    ]
    const buyers = [
      { tierId: 'base', n: 1, spendFen: 1_000 },
      { tierId: 'silver', n: 2, spendFen: 50_000 },
      { tierId: 'vip-old', n: 1, spendFen: 9_000 },
    ]
    const scored = [
      { tierId: 'silver', n: 2, spendFen: 50_000, clvFen: 30_000, risk: 0.5 },
      { tierId: 'base', n: 1, spendFen: 1_000, clvFen: 500, risk: 0.9 },
    ]
    const s = ltvSection(stageTier, buyers, scored, TIERS)
    expect(s.total).toEqual({
      tierId: 'all',
      name: '全部会员',
      members: 7,
      buyers: 4,
      avgSpendFen: 8_571, // 60,000 / 7
      avgSpendPerBuyerFen: 15_000,
      scored: 3,
      avgClvFen: 10_167, // 30,500 / 3
      avgPredictedLtvFen: 27_167, // (51,000 + 30,500) / 3
      avgRisk: 0.4667,
    })
    expect(s.byTier.map(t => t.tierId)).toEqual(['base', 'silver', 'vip-old'])
    expect(s.byTier[1]).toMatchObject({ members: 2, buyers: 2, avgSpendFen: 25_000, scored: 2, avgClvFen: 15_000, avgPredictedLtvFen: 40_000, avgRisk: 0.25 })
    expect(s.byTier[0]).toMatchObject({ members: 4, avgSpendFen: 250, scored: 1, avgClvFen: 500, avgPredictedLtvFen: 1_500 })
    expect(s.byTier[2]).toMatchObject({ members: 1, scored: 0, avgClvFen: null, avgPredictedLtvFen: null, avgRisk: null })
  })

  test('retention cohorts by Shanghai join month', () => {
    const s = cohortSection(joinedByDay(RANGE, JOINED), cohorts(RANGE, PURCHASES, JOINED), RANGE)
    expect(s.offsets).toBe(3)
    expect(s.rows).toEqual([
      { month: '2026-01', size: 2, active: [2, 1, 0], rates: [1, 0.5, 0] },
      { month: '2026-02', size: 1, active: [0, 1, null], rates: [0, 1, null] },
      { month: '2026-03', size: 1, active: [0, null, null], rates: [0, null, null] },
    ])
  })

  test('coupon claim and redemption rates by template', () => {
    const s = couponSection(
      [
        { _id: 't1', name: '满100减20', type: 'threshold', totalStock: 10 },
        { _id: 't2', name: '新人礼', type: 'cash', totalStock: null },
        { _id: 't3', name: '未发放', type: 'gift', totalStock: 5 },
      ],
      [
        { templateId: 't1', status: 'available', n: 3 },
        { templateId: 't1', status: 'used', n: 4 },
        { templateId: 't1', status: 'expired', n: 1 },
        { templateId: 't2', status: 'used', n: 1 },
        { templateId: 't2', status: 'available', n: 1 },
        { templateId: 'gone', status: 'used', n: 1 },
      ],
      [{ templateId: 't1', n: 1 }],
    )
    expect(s.templates).toEqual([
      { templateId: 't1', name: '满100减20', type: 'threshold', totalStock: 10, issued: 8, redeemed: 4, expired: 2, available: 2, claimRate: 0.8, redemptionRate: 0.5 },
      { templateId: 't2', name: '新人礼', type: 'cash', totalStock: null, issued: 2, redeemed: 1, expired: 0, available: 1, claimRate: null, redemptionRate: 0.5 },
      { templateId: 't3', name: '未发放', type: 'gift', totalStock: 5, issued: 0, redeemed: 0, expired: 0, available: 0, claimRate: 0, redemptionRate: null },
      { templateId: 'gone', name: 'gone', type: '', totalStock: null, issued: 1, redeemed: 1, expired: 0, available: 0, claimRate: null, redemptionRate: 1 },
    ])
    expect(s).toMatchObject({ issued: 11, redeemed: 6 })
    expect(s.redemptionRate).toBeCloseTo(6 / 11, 12)
  })

  test('check-in daily actives (make-ups apart)', () => {
    const s = checkinSection(
      [
        { day: '2026-01-01', kind: 'checkin', n: 3, points: 15 },
        { day: '2026-01-02', kind: 'checkin', n: 5, points: 25 },
        { day: '2026-01-02', kind: 'makeup', n: 1, points: 0 },
        { day: '2026-02-01', kind: 'checkin', n: 1, points: 5 },
      ],
      RANGE,
    )
    expect(s).toMatchObject({ checkins: 9, makeups: 1, points: 45, avgDailyActives: 0.1, peak: { day: '2026-01-02', actives: 5 } })
    expect(s.byDay).toHaveLength(90)
    expect(s.byDay.slice(0, 3)).toEqual([
      { day: '2026-01-01', actives: 3, makeups: 0, points: 15 },
      { day: '2026-01-02', actives: 5, makeups: 1, points: 25 },
      { day: '2026-01-03', actives: 0, makeups: 0, points: 0 },
    ])
    expect(checkinSection([], RANGE)).toMatchObject({ checkins: 0, peak: null, avgDailyActives: 0 })
  })

  test('points issued, spent, expired and reversed, by month and source', () => {
    const s = pointsSection(
      [
        { month: '2026-01', kind: 'earn', sourceType: 'purchase', pos: 1_000, neg: 0 },
        { month: '2026-01', kind: 'earn', sourceType: 'checkin', pos: 45, neg: 0 },
        { month: '2026-01', kind: 'spend', sourceType: 'exchange', pos: 0, neg: -300 },
        { month: '2026-01', kind: 'adjust', sourceType: 'admin', pos: 50, neg: -20 },
        { month: '2026-01', kind: 'expire', sourceType: 'expiry', pos: 0, neg: -100 },
        { month: '2026-01', kind: 'reverse', sourceType: 'refund', pos: 0, neg: -30 },
        { month: '2026-02', kind: 'earn', sourceType: 'purchase', pos: 200, neg: 0 },
      ],
      RANGE,
    )
    expect(s).toMatchObject({ issued: 1_295, spent: 320, expired: 100, reversed: 30, net: 845 })
    expect(s.byMonth).toEqual([
      { month: '2026-01', issued: 1_095, spent: 320, expired: 100, reversed: 30 },
      { month: '2026-02', issued: 200, spent: 0, expired: 0, reversed: 0 },
      { month: '2026-03', issued: 0, spent: 0, expired: 0, reversed: 0 },
    ])
    expect(s.bySource).toEqual([
      { sourceType: 'purchase', issued: 1_200, spent: 0 },
      { sourceType: 'exchange', issued: 0, spent: 300 },
      { sourceType: 'admin', issued: 50, spent: 20 },
      { sourceType: 'checkin', issued: 45, spent: 0 },
    ])
  })

  test('reminder sends and their follow-up purchases within N days (each purchase to the latest send)', () => {
    const s = reminderSection(LOGS, PURCHASES, RANGE, 7)
    const kind = (k: string) => s.byKind.find(r => r.kind === k)!
    expect(kind('coupon_expiring')).toEqual({
      kind: 'coupon_expiring',
      label: '优惠券到期提醒',
      sent: 3,
      failed: 1,
      members: 3,
      converted: 2,
      conversionRate: 2 / 3,
      followUpPurchases: 1,
      followUpFen: 3_000,
    })
    expect(kind('win_back')).toMatchObject({ sent: 2, members: 2, converted: 2, conversionRate: 1, followUpPurchases: 2, followUpFen: 9_000 })
    expect(kind('birthday')).toMatchObject({ sent: 1, converted: 0, conversionRate: 0, followUpPurchases: 0 })
    expect(kind('tier_upgraded')).toMatchObject({ sent: 0, conversionRate: null })
    expect(s.total).toEqual({ sent: 6, failed: 1, members: 5, converted: 4, conversionRate: 4 / 6, followUpPurchases: 3, followUpFen: 12_000 })
    // the window: strictly after the send, up to N days later
    const edge = [p('q1', 'm', '2026-01-10T10:00:00', 100), p('q2', 'n', '2026-01-17T10:00:00', 100)]
    const edgeLogs = [log('s1', 'm', 'birthday', '2026-01-10T10:00:00'), log('s2', 'n', 'birthday', '2026-01-10T10:00:00')]
    expect(reminderSection(edgeLogs, edge, RANGE, 7).total).toMatchObject({ sent: 2, converted: 1, followUpPurchases: 1 })
    expect(reminderSection(edgeLogs, edge, RANGE, 6).total).toMatchObject({ converted: 0 })
  })

  test('buildReport puts the sections together', () => {
    const input: ReportInput = {
      range: RANGE,
      now: new Date('2026-04-05T02:00:00Z'),
      followUpDays: 7,
      tiers: TIERS,
      stageTier: [{ stage: 'new', tierId: 'base', n: 6, spendFen: 41_000 }],
      buyers: [],
      scored: [],
      joinedByDay: joinedByDay(RANGE, JOINED),
      buyerDays: buyerDays(RANGE, PURCHASES),
      cohorts: cohorts(RANGE, PURCHASES, JOINED),
      followUps: PURCHASES,
      templates: [],
      coupons: [],
      lapsed: [],
      checkins: [],
      ledger: [],
      reminders: LOGS,
      nps: [
        { storeId: 's1', score: 9, at: new Date('2026-01-31T16:30:00Z') },
        { storeId: 's2', score: 6, at: new Date('2026-02-02T02:00:00Z') },
      ],
      stores: [{ storeId: 's1', name: '静安店' }],
    }
    const r = buildReport(input)
    expect(r.range).toEqual({ from: '2026-01-01', to: '2026-03-31', days: 90 })
    expect(r.generatedAt).toBe('2026-04-05T02:00:00.000Z')
    expect(r.newMembers.total).toBe(4)
    expect(r.repurchase.rate).toBe(0.5)
    expect(r.reminders.total.followUpPurchases).toBe(3)
    // an answer at 00:30 on 1 Feb in Shanghai is February; a store without a name shows its id
    expect(r.nps.rows).toEqual([
      { storeId: 's1', storeName: '静安店', month: '2026-02', responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100 },
      { storeId: 's2', storeName: 's2', month: '2026-02', responses: 1, promoters: 0, passives: 0, detractors: 1, nps: -100 },
    ])
    expect(r.nps.total).toEqual({ responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 })
    expect(Object.keys(r)).toEqual(['range', 'generatedAt', 'stageTier', 'newMembers', 'repurchase', 'ltv', 'cohorts', 'coupons', 'checkins', 'points', 'reminders', 'nps'])
  })
})

describe('what the database groups agrees with the rules one purchase and one member at a time', () => {
  const sorted = <T>(rows: T[]) => rows.map(r => JSON.stringify(r, Object.keys(r as object).sort())).sort()

  const RANGE2 = EDGE_RANGE

  test('property: new members per day, buyers by purchase days, cohorts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(memberRow, { selector: m => m._id }), fc.array(purchaseRow, { maxLength: 40 }), (members, raw) => {
        const purchases: PurchaseRow[] = raw.map((p, i) => ({ _id: `p${i}`, ...p }))
        const want = reportByRow(members, purchases, RANGE2)
        expect(sorted(joinedByDay(RANGE2, members))).toEqual(sorted(want.joinedByDay))
        expect(sorted(buyerDays(RANGE2, purchases))).toEqual(sorted(want.buyerDays))
        expect(sorted(cohorts(RANGE2, purchases, members))).toEqual(sorted(want.cohorts))
      }),
      { numRuns: 200 },
    )
  })

  test('a member who bought on six days, twice on one of them, is one buyer in the 5+ bucket', () => {
    const six = ['01-15T09', '01-15T20', '01-20T09', '02-01T00', '02-02T09', '02-27T09', '03-02T23'].map((t, i) => p(`s${i}`, 'm1', `2026-${t}:00:00`, 1_000))
    expect(buyerDays(RANGE2, six)).toEqual([{ days: 5, buyers: 1, purchases: 7, salesFen: 7_000 }])
    expect(repurchaseSection(buyerDays(RANGE2, six))).toMatchObject({
      buyers: 1,
      repeatBuyers: 1,
      purchases: 7,
      distribution: [
        { days: '1', buyers: 0 },
        { days: '2', buyers: 0 },
        { days: '3', buyers: 0 },
        { days: '4', buyers: 0 },
        { days: '5+', buyers: 1 },
      ],
    })
  })
})
